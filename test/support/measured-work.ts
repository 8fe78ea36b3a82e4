/**
 * Timeouts derived from measured work, for the tests that start real processes. When a test file
 * imports this module it times, on this machine as loaded as it is at that moment, the two units
 * of work those tests are made of: a shell that starts and exits, and a Node process that starts
 * and loads Tranche's ledger (what the CLI and every ledger fixture worker do first). A test says
 * how many of each it waits for and gets a bound that grows with the load: on a saturated CI
 * runner a process start costs ten times what it costs on an idle laptop, and so does the bound.
 *
 * These bound how long a test may wait, never how fast something must be: nothing asserts that
 * work was quick.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LEDGER = fileURLToPath(new URL('../../src/ledger/open.ts', import.meta.url));

/** The median of three runs of the command, in milliseconds: one stall does not set the scale. */
function medianRunMs(file: string, args: string[]): number {
  const times = [0, 1, 2].map(() => {
    const started = performance.now();
    const result = spawnSync(file, args, { stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`measuring ${file} ${args.join(' ')} failed: ${result.error}`);
    return performance.now() - started;
  });
  return times.sort((a, b) => a - b)[1] ?? 0;
}

/** One shell that starts and exits, as the executor's commands do. */
export const SHELL_MS = medianRunMs('/bin/sh', ['-c', 'echo $$ > /dev/null']);

/** One Node process that starts and loads the ledger, as the CLI and the fixture workers do. */
export const NODE_MS = medianRunMs(process.execPath, [
  '--input-type=module',
  '-e',
  `await import(${JSON.stringify(LEDGER)})`,
]);

/**
 * How many times its measured work a test may take: the load can rise after the measurement, and
 * processes started together contend for the same two cores.
 */
export const SLACK = 10;

/** The default test timeout in test/vitest.config.ts; a derived bound is never shorter. */
const DEFAULT_TIMEOUT_MS = 30_000;

export interface Work {
  /** Shell commands the test waits for, one after another. */
  shells?: number;
  /** Node processes (the CLI, fixture workers, the demo's checks) the test waits for. */
  nodes?: number;
  /** Time the test spends waiting on purpose (sleeps, bakes, polls), which load does not stretch. */
  waitsMs?: number;
}

/** How long the work may take here now: its measured cost times SLACK, plus its own waits. */
export function allowFor({ shells = 0, nodes = 0, waitsMs = 0 }: Work): number {
  return Math.ceil(waitsMs + SLACK * (shells * SHELL_MS + nodes * NODE_MS));
}

/** A test timeout for the work: allowFor, never below the suite's default. */
export function timeoutFor(work: Work): number {
  return Math.max(DEFAULT_TIMEOUT_MS, allowFor(work));
}
