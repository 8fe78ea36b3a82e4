/**
 * A fake service for the real-Prometheus tests: one HTTP server on 127.0.0.1 whose /metrics
 * exposes, per target, a request counter by status code and a latency histogram, advancing with
 * wall-clock time at a steady request rate. Each target's error rate and latency come from the
 * version it runs, read from `<stateDir>/<target>` (what the test deploy scripts write), so a
 * deploy or a rollback changes the metrics from the next scrape on. Traffic is deterministic:
 * the same elapsed time always gives the same counts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

export interface Behaviour {
  errorRate: number;
  /** Median latency in seconds; latencies are lognormal with sigma 0.5. */
  medianSeconds: number;
}

export const BUCKETS = [0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1];

interface TargetState {
  requests: number;
  errors: number;
  buckets: number[];
  sum: number;
}

export interface FakeMetrics {
  /** host:port to scrape. */
  address: string;
  stop(): Promise<void>;
}

export async function startFakeMetrics(options: {
  targets: string[];
  stateDir: string;
  requestsPerSecond: number;
  behaviourOf: (version: string | undefined) => Behaviour;
}): Promise<FakeMetrics> {
  const states = new Map<string, TargetState>(
    options.targets.map((t) => [t, { requests: 0, errors: 0, buckets: BUCKETS.map(() => 0), sum: 0 }]),
  );
  let last = Date.now();
  const advance = (): void => {
    const now = Date.now();
    const seconds = (now - last) / 1000;
    last = now;
    for (const [target, state] of states) {
      const behaviour = options.behaviourOf(versionOf(options.stateDir, target));
      const requests = options.requestsPerSecond * seconds;
      state.requests += requests;
      state.errors += requests * behaviour.errorRate;
      BUCKETS.forEach((le, i) => {
        state.buckets[i] = (state.buckets[i] ?? 0) + requests * lognormalCdf(le, behaviour.medianSeconds);
      });
      state.sum += requests * behaviour.medianSeconds * Math.exp(0.125);
    }
  };
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    advance();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition(states));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function versionOf(dir: string, target: string): string | undefined {
  const file = join(dir, target);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

function exposition(states: Map<string, TargetState>): string {
  const lines = ['# TYPE fake_requests_total counter'];
  for (const [target, s] of states) {
    lines.push(`fake_requests_total{target="${target}",code="200"} ${s.requests - s.errors}`);
    lines.push(`fake_requests_total{target="${target}",code="500"} ${s.errors}`);
  }
  lines.push('# TYPE fake_request_duration_seconds histogram');
  for (const [target, s] of states) {
    BUCKETS.forEach((le, i) => {
      lines.push(`fake_request_duration_seconds_bucket{target="${target}",le="${le}"} ${s.buckets[i]}`);
    });
    lines.push(`fake_request_duration_seconds_bucket{target="${target}",le="+Inf"} ${s.requests}`);
    lines.push(`fake_request_duration_seconds_sum{target="${target}"} ${s.sum}`);
    lines.push(`fake_request_duration_seconds_count{target="${target}"} ${s.requests}`);
  }
  return `${lines.join('\n')}\n`;
}

/** P(latency ≤ x) for a lognormal with the given median and sigma 0.5. */
function lognormalCdf(x: number, median: number): number {
  return normalCdf(Math.log(x / median) / 0.5, 0, 1);
}
