import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import type { Success } from '../../src/release/live-version.ts';
import { ledgerRollback, rollbackTargetOf } from '../../src/release/rollback-target.ts';

/** Successes of the named versions, one a minute apart, in the order given. */
function deployed(...versions: string[]): Success[] {
  return versions.map((version, i) => ({ version, commit: `c-${version}`, at: (i + 1) * 60_000 }));
}

const NONE_BAD = new Set<string>();

describe('the rollback target', () => {
  it('is the version live before the current one', () => {
    expect(rollbackTargetOf(deployed('1', '2', '3'), NONE_BAD)?.version).toBe('2');
  });

  it('passes over a version whose verdict is bad for the good one before it', () => {
    expect(rollbackTargetOf(deployed('1', '2', '3'), new Set(['2']))?.version).toBe('1');
  });

  it('is none when every earlier version is bad', () => {
    expect(rollbackTargetOf(deployed('1', '2', '3'), new Set(['1', '2']))).toBeNull();
  });

  it('is none when only one version ever succeeded', () => {
    expect(rollbackTargetOf(deployed('1'), NONE_BAD)).toBeNull();
  });

  it('is none when nothing is live', () => {
    expect(rollbackTargetOf([], NONE_BAD)).toBeNull();
  });

  describe('while a halted or killed run has left a target off the live version', () => {
    it('is the live version itself, which undoes that run', () => {
      expect(rollbackTargetOf(deployed('1', '2'), NONE_BAD, true)?.version).toBe('2');
    });

    it('is the one before when the live version’s verdict is bad', () => {
      expect(rollbackTargetOf(deployed('1', '2'), new Set(['2']), true)?.version).toBe('1');
    });

    it('is the live version even when nothing succeeded before it', () => {
      expect(rollbackTargetOf(deployed('1'), NONE_BAD, true)?.version).toBe('1');
    });
  });

  describe('after a rollback', () => {
    it('goes further back, never forward to the version the rollback took away', () => {
      // 3 was rolled back to 2: 3 succeeded after 2 first did, so it is no candidate.
      expect(rollbackTargetOf(deployed('1', '2', '3', '2'), NONE_BAD)?.version).toBe('1');
    });

    it('is none when the rollback went to the first version', () => {
      expect(rollbackTargetOf(deployed('1', '2', '1'), NONE_BAD)).toBeNull();
    });
  });

  it('puts back what ran last before the live version, even when an older number ran there later', () => {
    // 1 was redeployed after 2; then 3 went live: 1 is what ran before it.
    expect(rollbackTargetOf(deployed('1', '2', '1', '3'), NONE_BAD)?.version).toBe('1');
  });
});

describe('successes recorded at the same moment', () => {
  it('are told apart by the order their record keeps, newest first', () => {
    const at = 60_000;
    const successes = ['3', '2', '1'].map((version) => ({ version, commit: null, at }));
    expect(rollbackTargetOf(successes, NONE_BAD)?.version).toBe('2');
  });
});

describe("the rollback target read from a ledger's runs and target states", () => {
  let ledger: SqliteLedger;
  beforeEach(async () => {
    ledger = await SqliteLedger.open(':memory:');
  });
  afterEach(async () => {
    await ledger.close();
  });

  /** A run of `version` in prod at `at` that left each named target on it, ended with `decision`. */
  async function run(version: string, at: number, targets: string[], decision: 'succeeded' | 'halted') {
    const base = { runId: `run-${version}`, service: 'shop', environment: 'prod', version };
    await ledger.record({ ...base, seq: 1, at, kind: 'run_started', status: 'started' });
    const good = decision === 'succeeded';
    await ledger.updateTargets(
      'shop',
      'prod',
      base.runId,
      targets.map((target) => ({ component: 'app', target, version, good })),
    );
    const status = good ? 'ok' : 'failed';
    await ledger.record({ ...base, seq: 2, at: at + 1000, kind: 'run_finished', status, data: { decision } });
  }

  it('is the live version itself while a later run has left a target off it', async () => {
    await run('1', 60_000, ['a', 'b'], 'succeeded');
    await run('2', 120_000, ['a', 'b'], 'succeeded');
    await run('3', 180_000, ['a'], 'halted');
    expect(await ledgerRollback(ledger, 'shop', 'prod')).toMatchObject({
      live: '2',
      target: { version: '2' },
    });
  });

  it('passes over a target no run has changed since the live version: one taken out of the config', async () => {
    await run('1', 60_000, ['a', 'b', 'gone'], 'succeeded');
    await run('2', 120_000, ['a', 'b'], 'succeeded');
    expect(await ledgerRollback(ledger, 'shop', 'prod')).toMatchObject({
      live: '2',
      target: { version: '1' },
    });
  });
});
