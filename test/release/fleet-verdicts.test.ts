import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import {
  baselineOf,
  evaluateVerdict,
  overrideVerdict,
  standingVerdict,
} from '../../src/release/fleet-verdicts.ts';

const T0 = Date.UTC(2026, 11, 1);
const SETTINGS = { alpha: 0.01, minSamples: 20, minEffect: 1.5, strata: 'environment' as const };

let ledger: SqliteLedger;
beforeEach(async () => {
  ledger = await SqliteLedger.open(':memory:');
});
afterEach(async () => {
  await ledger.close();
});

/**
 * `total` outcomes of the version, the first `failures` of them failed, from `at` on; their job ids
 * `<batch>-<i>` (a later batch of the same version names its own).
 */
async function report(version: string, failures: number, total: number, at: number, batch = version) {
  await ledger.recordOutcomes(
    Array.from({ length: total }, (_, i) => ({
      service: 'spark',
      version,
      environment: 'prod',
      outcome: i < failures ? ('failure' as const) : ('success' as const),
      source: 'test',
      sourceId: `${batch}-${i}`,
      at: at + i,
    })),
  );
}

async function allocate(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await ledger.nextVersion('spark', null, '3.{n}', T0);
}

describe('baselineOf', () => {
  it('is the newest earlier version with outcomes, in the ledger’s version order', async () => {
    await allocate(4);
    await report('3.1', 0, 10, T0);
    await report('3.2', 0, 10, T0 + 100);
    await report('3.4', 0, 10, T0 + 200);
    expect(await baselineOf(ledger, 'spark', '3.4')).toBe('3.2');
    expect(await baselineOf(ledger, 'spark', '3.1')).toBeNull();
  });

  it('skips a bad version, and prefers the newest good one', async () => {
    await allocate(4);
    for (const [i, v] of ['3.1', '3.2', '3.3'].entries()) await report(v, 0, 10, T0 + i * 100);
    const mark = (version: string, verdict: 'bad' | 'good') =>
      overrideVerdict(ledger, { service: 'spark', version, verdict, actor: 'alice', reason: 'r', now: T0 });
    await mark('3.3', 'bad');
    expect(await baselineOf(ledger, 'spark', '3.4')).toBe('3.2');
    await mark('3.1', 'good');
    expect(await baselineOf(ledger, 'spark', '3.4')).toBe('3.1');
  });

  it('orders versions the ledger never allocated by their first outcome', async () => {
    await report('spark-2.9', 0, 10, T0);
    await report('spark-3.0', 0, 10, T0 + 100);
    await report('spark-3.1', 0, 10, T0 + 200);
    expect(await baselineOf(ledger, 'spark', 'spark-3.1')).toBe('spark-3.0');
  });
});

describe('evaluateVerdict', () => {
  it('records the verdict with its evidence, and again only when it changes', async () => {
    await allocate(2);
    await report('3.1', 1, 200, T0);
    await report('3.2', 2, 10, T0 + 1000);
    const first = await evaluateVerdict(ledger, 'spark', '3.2', SETTINGS, { actor: 'bot', now: T0 + 2000 });
    expect(first.recorded).toMatchObject({ verdict: 'pending', reasonCode: 'too_few_samples', actor: 'bot' });
    expect(
      (await evaluateVerdict(ledger, 'spark', '3.2', SETTINGS, { actor: 'bot', now: T0 + 3000 })).recorded,
    ).toBeNull();
    await report('3.2', 60, 60, T0 + 5000, 'late');
    const bad = await evaluateVerdict(ledger, 'spark', '3.2', SETTINGS, { actor: 'bot', now: T0 + 9000 });
    expect(bad.standing).toMatchObject({
      verdict: 'bad',
      kind: 'computed',
      evidence: { baseline: '3.1', samples: 70 },
    });
    expect((await ledger.verdicts('spark', '3.2')).map((v) => v.verdict)).toEqual(['pending', 'bad']);
  });

  it('tells an unchanged verdict with the evidence of now, keeping when it was reached', async () => {
    await allocate(2);
    await report('3.1', 0, 200, T0);
    await report('3.2', 0, 5, T0 + 1000);
    const first = await evaluateVerdict(ledger, 'spark', '3.2', SETTINGS, { actor: 'bot', now: T0 + 2000 });
    expect(first.standing).toMatchObject({ verdict: 'pending', evidence: { samples: 5 } });
    await report('3.2', 0, 7, T0 + 3000, 'more');
    const again = await evaluateVerdict(ledger, 'spark', '3.2', SETTINGS, { actor: 'bot', now: T0 + 4000 });
    expect(again.recorded).toBeNull();
    expect(again.standing).toMatchObject({
      verdict: 'pending',
      at: T0 + 2000,
      message: again.computed.message,
      evidence: { samples: 12 },
    });
    expect(again.standing.message).not.toBe(first.standing.message);
  });

  it('keeps a computed bad verdict when outcomes reported late, with earlier times, no longer cross', async () => {
    await allocate(2);
    await report('3.1', 1, 200, T0);
    await report('3.2', 20, 25, T0 + 1000);
    const bad = await evaluateVerdict(ledger, 'spark', '3.2', SETTINGS, { actor: 'bot', now: T0 + 2000 });
    expect(bad.recorded).toMatchObject({ verdict: 'bad', reasonCode: 'failure_rate_higher' });
    await ledger.recordOutcomes(
      Array.from({ length: 3000 }, (_, i) => ({
        service: 'spark',
        version: '3.2',
        environment: 'prod',
        outcome: 'success' as const,
        source: 'test',
        sourceId: `late-${i}`,
        at: T0 + 500,
      })),
    );
    const again = await evaluateVerdict(ledger, 'spark', '3.2', SETTINGS, { actor: 'bot', now: T0 + 3000 });
    expect(again.computed).toMatchObject({
      verdict: 'bad',
      evidence: { samples: 3025, decidedAtSample: bad.computed.evidence.decidedAtSample },
    });
    expect(again.computed.message).toMatch(/where the test stopped/);
    expect(again.recorded).toBeNull();
    expect((await ledger.verdicts('spark', '3.2')).map((v) => v.verdict)).toEqual(['bad']);
  });

  it('leaves an override standing when the computed verdict disagrees', async () => {
    await allocate(2);
    await report('3.1', 1, 200, T0);
    await report('3.2', 60, 80, T0 + 1000);
    await overrideVerdict(ledger, {
      service: 'spark',
      version: '3.2',
      verdict: 'good',
      actor: 'alice',
      reason: 'bad input',
      now: T0,
    });
    const evaluated = await evaluateVerdict(ledger, 'spark', '3.2', SETTINGS, {
      actor: 'bot',
      now: T0 + 2000,
    });
    expect(evaluated.computed.verdict).toBe('bad');
    expect(evaluated.standing).toMatchObject({ verdict: 'good', kind: 'override', actor: 'alice' });
    expect((await standingVerdict(ledger, 'spark', '3.2'))?.verdict).toBe('good');
  });

  it('refuses an override without a reason', async () => {
    await expect(
      overrideVerdict(ledger, {
        service: 'spark',
        version: '3.2',
        verdict: 'bad',
        actor: 'alice',
        reason: ' ',
        now: T0,
      }),
    ).rejects.toThrow(/needs a reason/);
  });
});
