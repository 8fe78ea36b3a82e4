/** A worker thread of the analysis benchmark: runs the chunks of simulations it is sent. */
import { parentPort } from 'node:worker_threads';
import { countsRun, type Detections, type LatencyScenario, latencyRun } from './analysis-sim.ts';

export type Task = { kind: 'counts'; rho: number } | { kind: 'latency'; scenario: LatencyScenario };
export type Chunk = Task & { seeds: number[] };

parentPort?.on('message', (chunk: Chunk) => {
  const results: Detections[] =
    chunk.kind === 'counts'
      ? chunk.seeds.map((seed) => countsRun(chunk.rho, seed))
      : chunk.seeds.map((seed) => latencyRun(chunk.scenario, seed));
  parentPort?.postMessage(results);
});
