import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrackSpec } from '../../src/engine/tracks.ts';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { memberHealth } from '../../src/release/track-state.ts';

const T0 = Date.UTC(2026, 11, 1);
const TRACKS: TrackSpec[] = [
  { name: 'canary', members: [{ environment: 'canary' }], bakeMs: 60_000, promote: 'auto' },
];

let ledger: SqliteLedger;
beforeEach(async () => {
  ledger = await SqliteLedger.open(':memory:');
});
afterEach(async () => {
  await ledger.close();
});

/** A run of `version` in canary from `at`; finished `took` ms later with `decision`, or never. */
async function run(
  runId: string,
  version: string,
  at: number,
  end?: { took: number; decision: 'succeeded' | 'rolled_back' },
): Promise<void> {
  const base = { runId, service: 'spark', environment: 'canary', version };
  await ledger.record({ ...base, seq: 1, at, kind: 'run_started', status: 'started' });
  if (end) {
    await ledger.record({
      ...base,
      seq: 2,
      at: at + end.took,
      kind: 'run_finished',
      status: end.decision === 'succeeded' ? 'ok' : 'failed',
      data: { decision: end.decision },
    });
  }
}

describe('memberHealth', () => {
  it('is healthy on the live version since the latest finished run ended', async () => {
    await run('r1', '3.1', T0, { took: 1000, decision: 'succeeded' });
    await run('r2', '3.2', T0 + 5000, { took: 1000, decision: 'rolled_back' });
    expect(await memberHealth(ledger, 'spark', TRACKS)).toEqual([
      { track: 'canary', environment: 'canary', version: '3.1', healthySince: T0 + 6000, deploying: null },
    ]);
  });

  it('is not healthy while a run is in progress', async () => {
    await run('r1', '3.1', T0, { took: 1000, decision: 'succeeded' });
    await run('r2', '3.2', T0 + 5000);
    expect((await memberHealth(ledger, 'spark', TRACKS))[0]).toMatchObject({
      version: '3.1',
      healthySince: null,
    });
  });

  it('shows the version a run in progress deploys, and a whole environment still on its live version', async () => {
    await run('r1', '3.1', T0, { took: 1000, decision: 'succeeded' });
    await ledger.updateTargets('spark', 'canary', 'r1', [
      { component: 'app', target: 'c-1', version: '3.1', good: true },
      { component: 'app', target: 'c-2', version: '3.1', good: true },
    ]);
    await run('r2', '3.2', T0 + 5000);
    await ledger.updateTargets('spark', 'canary', 'r2', [
      { component: 'app', target: 'c-1', version: '3.2', good: false },
    ]);
    const targets = new Map([['canary', ['c-1', 'c-2']]]);
    expect((await memberHealth(ledger, 'spark', TRACKS, targets))[0]).toEqual({
      track: 'canary',
      environment: 'canary',
      version: '3.1',
      healthySince: null,
      deploying: '3.2',
    });
  });

  it('is healthy again once a later run finished after one whose process died', async () => {
    await run('r1', '3.1', T0, { took: 1000, decision: 'succeeded' });
    await run('dead', '3.2', T0 + 5000);
    await run('r3', '3.3', T0 + 60_000, { took: 1000, decision: 'succeeded' });
    expect((await memberHealth(ledger, 'spark', TRACKS))[0]).toMatchObject({
      version: '3.3',
      healthySince: T0 + 61_000,
    });
  });
});
