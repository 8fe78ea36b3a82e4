import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers } from '../../src/exec/run-processes.ts';
import { alive, killGroupOf } from '../support/processes.ts';

const started: number[] = [];

/** A command left running by a run, in its own process group, as the executor starts them. */
function leftover(runId: string): number {
  const child = spawn('sh', ['-c', 'sleep 600'], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, TRANCHE_RUN_ID: runId },
  });
  child.unref();
  if (child.pid === undefined) throw new Error('sh did not start');
  started.push(child.pid);
  return child.pid;
}

async function gone(pid: number): Promise<boolean> {
  for (let waited = 0; waited < 30_000; waited += 50) {
    if (!alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe.skipIf(!existsSync('/proc'))('killing what a dead run left running', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-leftovers-'));
  afterEach(() => {
    for (const pid of started.splice(0)) killGroupOf(pid);
  });

  it('finds a command the run never wrote down, by its TRANCHE_RUN_ID, and leaves other runs alone', async () => {
    const dead = leftover('run-dead');
    const other = leftover('run-alive');
    // No record: the run died in the instant between starting the command and writing its group down.
    const result = await killLeftovers('run-dead', dir);
    expect(result).toEqual({ kind: 'killed', groups: [dead] });
    expect(await gone(dead)).toBe(true);
    expect(alive(other)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});
