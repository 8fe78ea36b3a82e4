import { describe, expect, it } from 'vitest';
import {
  computeVerdict,
  effectiveVerdict,
  type OutcomeObservation,
  rollbackChoices,
  type VerdictSettings,
} from '../../src/engine/verdict.ts';
import { seededRandom } from '../../src/stats/random.ts';

const SETTINGS: VerdictSettings = { alpha: 0.01, minSamples: 100, minEffect: 1.5, strata: 'environment' };

/** Jobs of one version in the environments given, each failing with its environment's rate. */
/** `failures` failed jobs of `total`, failures spread evenly, in one environment. */
function exactly(
  version: string,
  environment: string,
  failures: number,
  total: number,
): OutcomeObservation[] {
  return Array.from({ length: total }, (_, i) => ({
    version,
    environment,
    outcome:
      failures > 0 && i % Math.floor(total / failures) === 0 && i / Math.floor(total / failures) < failures
        ? 'failure'
        : 'success',
  }));
}

function jobs(
  seed: number,
  version: string,
  count: number,
  rates: Record<string, number>,
  weights?: Record<string, number>,
): OutcomeObservation[] {
  const random = seededRandom(seed);
  const environments = Object.keys(rates);
  const w = environments.map((e) => weights?.[e] ?? 1);
  const total = w.reduce((a, b) => a + b, 0);
  return Array.from({ length: count }, () => {
    let u = random.uniform() * total;
    let i = 0;
    while (u >= (w[i] as number) && i < environments.length - 1) u -= w[i++] as number;
    const environment = environments[i] as string;
    return {
      version,
      environment,
      outcome: random.uniform() < (rates[environment] as number) ? 'failure' : 'success',
    };
  });
}

describe('computeVerdict', () => {
  describe('from simulated job outcomes: 1.7 fails four times as often in one of three environments', () => {
    const baseline = jobs(1, '1.6', 3000, { a: 0.02, b: 0.02, c: 0.02 });
    const version = jobs(2, '1.7', 1500, { a: 0.08, b: 0.02, c: 0.02 });
    const verdict = computeVerdict('1.7', '1.6', [...baseline, ...version], SETTINGS);

    it('is bad, the e-value having reached 1/alpha once 1.7 had enough outcomes', () => {
      expect(verdict.verdict).toBe('bad');
      expect(verdict.reasonCode).toBe('failure_rate_higher');
      const { decidedAtSample, samples, eValue, threshold } = verdict.evidence;
      expect(decidedAtSample).toBeGreaterThanOrEqual(SETTINGS.minSamples);
      expect(decidedAtSample).toBeLessThanOrEqual(samples);
      expect(eValue).toBeGreaterThanOrEqual(threshold);
    });

    it('carries its evidence: rates, samples, the ratio, the per-environment comparison and the trajectory', () => {
      const e = verdict.evidence;
      expect(e).toMatchObject({
        version: '1.7',
        baseline: '1.6',
        samples: 1500,
        baselineSamples: 3000,
        threshold: 100,
      });
      expect(e.rate).toBeGreaterThan(e.baselineRate);
      expect(e.comparison.map((s) => s.stratum).sort()).toEqual(['a', 'b', 'c']);
      const a = e.comparison.find((s) => s.stratum === 'a');
      expect(a?.eValue).toBeGreaterThan(e.comparison.find((s) => s.stratum === 'b')?.eValue ?? 0);
      expect(e.trajectory.length).toBeLessThanOrEqual(60);
      expect(e.trajectory.at(-1)?.samples).toBe(1500);
    });

    it('says so in one line', () => {
      expect(verdict.message).toMatch(
        /^1\.7 failed \d+\.\d\d % of 1,500 outcomes, 1\.6 \d+\.\d\d % of 3,000: /,
      );
      expect(verdict.message).toMatch(/e-value \d+ ≥ 100 = 1\/alpha, reached after [\d,]+ outcomes/);
    });
  });

  describe('the rollbacks a bad verdict creates', () => {
    // a: 1.7 failed 10 % where 1.6 failed 2 %; b: 1 % against 2 %; c: never failed; d: 1.7 is
    // live there but no job reported; 1.6 never ran in e, where 1.7 failed twice.
    const outcomes = [
      ...exactly('1.6', 'a', 6, 300),
      ...exactly('1.6', 'b', 6, 300),
      ...exactly('1.6', 'c', 6, 300),
      ...exactly('1.7', 'a', 30, 300),
      ...exactly('1.7', 'b', 3, 300),
      ...exactly('1.7', 'c', 0, 300),
      ...exactly('1.7', 'e', 2, 50),
    ];
    const verdict = computeVerdict('1.7', '1.6', outcomes, SETTINGS);
    const liveOn = ['a', 'b', 'c', 'd', 'e'];
    const rolledBack = (policy: 'all' | 'failing' | 'none') =>
      rollbackChoices(policy, verdict.evidence, liveOn)
        .filter((c) => c.rollBack)
        .map((c) => c.environment);

    it('come from a bad verdict', () => {
      expect(verdict.verdict).toBe('bad');
    });

    it('all: every environment running 1.7', () => {
      expect(rolledBack('all')).toEqual(['a', 'b', 'c', 'd', 'e']);
    });

    it('failing: where it failed more than 1.6, or nothing shows it kept succeeding; not where it kept succeeding', () => {
      expect(rolledBack('failing')).toEqual(['a', 'd', 'e']);
      const reasons = Object.fromEntries(
        rollbackChoices('failing', verdict.evidence, liveOn).map((c) => [c.environment, c.reason]),
      );
      expect(reasons.b).toMatch(
        /^it kept succeeding there: 3 of 300 failed \(1\.00 %, 1\.6 2\.00 % there; e-value there 0\.\d+\)$/,
      );
      expect(reasons.c).toBe('it kept succeeding there: 0 of 300 failed (0.00 %)');
      expect(reasons.d).toBe('no outcomes of 1.7 were reported there');
      expect(reasons.e).toBe('2 of 50 failed (4.00 %) and 1.6 never ran there to compare with');
    });

    it('none: nothing', () => {
      expect(rolledBack('none')).toEqual([]);
    });
  });

  describe('in A/A runs (the version no worse anywhere), looked at after every failure and on the fixed schedule, fixed seed', () => {
    // 400 runs; alpha 0.05; the e-value followed over the version's 1,200 outcomes in three
    // environments. At most alpha of the runs may be called bad (Monte-Carlo tolerance: 3 SE).
    it('calls at most alpha of them bad', () => {
      const runs = 400;
      const alpha = 0.05;
      let bad = 0;
      for (let run = 0; run < runs; run++) {
        const rates = { a: 0.03, b: 0.01, c: 0.05 };
        const outcomes = [
          ...jobs(10_000 + run, '1.6', 1200, rates),
          ...jobs(20_000 + run, '1.7', 1200, rates),
        ];
        const v = computeVerdict('1.7', '1.6', outcomes, { ...SETTINGS, alpha, minSamples: 50 });
        if (v.verdict === 'bad') bad += 1;
      }
      const se = Math.sqrt((alpha * (1 - alpha)) / runs);
      expect(bad / runs).toBeLessThanOrEqual(alpha + 3 * se);
    });
  });

  it('is good once a regression of minEffect is ruled out in every environment', () => {
    const rates = { a: 0.05, b: 0.05 };
    const v = computeVerdict(
      '1.7',
      '1.6',
      [...jobs(3, '1.6', 40_000, rates), ...jobs(4, '1.7', 40_000, rates)],
      SETTINGS,
    );
    expect(v.verdict).toBe('good');
    expect(v.reasonCode).toBe('regression_ruled_out');
    expect(v.evidence.upper).toBeLessThan(1.5);
  });

  it('stays pending with too few outcomes, even when they all failed', () => {
    const failing: OutcomeObservation[] = Array.from({ length: 40 }, () => ({
      version: '1.7',
      environment: 'a',
      outcome: 'failure',
    }));
    const v = computeVerdict('1.7', '1.6', [...jobs(5, '1.6', 500, { a: 0.01 }), ...failing], SETTINGS);
    expect(v).toMatchObject({ verdict: 'pending', reasonCode: 'too_few_samples' });
    expect(v.message).toBe('1.7 has 40 outcomes; a verdict needs 100');
  });

  it('stays pending without a baseline', () => {
    const v = computeVerdict('1.0', null, jobs(6, '1.0', 500, { a: 0.5 }), SETTINGS);
    expect(v).toMatchObject({ verdict: 'pending', reasonCode: 'no_baseline' });
  });

  describe('once the e-value crossed, whatever arrives later', () => {
    // 1.6 fails 5 % of 3,000 jobs; 1.7 fails 15 of its first 100, then succeeds 30,000 times.
    const baseline = exactly('1.6', 'a', 150, 3000);
    const burst = exactly('1.7', 'a', 15, 100).map((o, i) =>
      i < 15 ? { ...o, outcome: 'failure' as const } : { ...o, outcome: 'success' as const },
    );
    const settings = { ...SETTINGS, minSamples: 50, alpha: 0.05 };
    const early = computeVerdict('1.7', '1.6', [...baseline, ...burst], settings);
    const success: OutcomeObservation = { version: '1.7', environment: 'a', outcome: 'success' };
    const later = computeVerdict(
      '1.7',
      '1.6',
      [...baseline, ...burst, ...Array.from({ length: 30_000 }, () => success)],
      settings,
    );

    it('stays bad, decided at the same outcome, though the e-value has fallen far below 1/alpha', () => {
      expect(early.verdict).toBe('bad');
      expect(later).toMatchObject({ verdict: 'bad', reasonCode: 'failure_rate_higher' });
      expect(later.evidence.decidedAtSample).toBe(early.evidence.decidedAtSample);
      expect(later.evidence.eValue).toBeLessThan(1);
      expect(later.message).toMatch(
        /the e-value crossed 20 = 1\/alpha, reached after \d+ outcomes, where the test stopped/,
      );
    });

    it('stands on an earlier decision against the same baseline when the outcomes seen no longer cross', () => {
      const reordered = [...baseline, ...Array.from({ length: 30_000 }, () => success), ...burst];
      expect(computeVerdict('1.7', '1.6', reordered, settings).verdict).not.toBe('bad');
      const decided = { baseline: '1.6', decidedAtSample: early.evidence.decidedAtSample as number };
      expect(computeVerdict('1.7', '1.6', reordered, settings, decided)).toMatchObject({
        verdict: 'bad',
        evidence: { decidedAtSample: decided.decidedAtSample },
      });
      expect(
        computeVerdict(
          '1.7',
          '1.5',
          reordered.map((o) => (o.version === '1.6' ? { ...o, version: '1.5' } : o)),
          settings,
          decided,
        ).verdict,
      ).not.toBe('bad');
    });
  });

  describe('with a version that runs mostly where jobs fail more often (Simpson’s paradox)', () => {
    // Both versions fail 20 % in `heavy` and 1 % in `light`; 1.6 ran 90 % light, 1.7 90 % heavy.
    const rates = { heavy: 0.2, light: 0.01 };
    const outcomes = [
      ...jobs(7, '1.6', 3000, rates, { heavy: 1, light: 9 }),
      ...jobs(8, '1.7', 3000, rates, { heavy: 9, light: 1 }),
    ];

    it('is not blamed when compared environment by environment', () => {
      expect(computeVerdict('1.7', '1.6', outcomes, SETTINGS).verdict).not.toBe('bad');
    });

    it('would be, wrongly, with every outcome pooled', () => {
      expect(computeVerdict('1.7', '1.6', outcomes, { ...SETTINGS, strata: 'none' }).verdict).toBe('bad');
    });
  });
});

describe('effectiveVerdict', () => {
  it('is the latest override while there is one, whatever was computed after it', () => {
    const records = [
      { verdict: 'bad' as const, kind: 'computed' as const, id: 1 },
      { verdict: 'good' as const, kind: 'override' as const, id: 2 },
      { verdict: 'bad' as const, kind: 'computed' as const, id: 3 },
    ];
    expect(effectiveVerdict(records)?.id).toBe(2);
    expect(effectiveVerdict(records.filter((r) => r.kind === 'computed'))?.id).toBe(3);
    expect(effectiveVerdict([])).toBeUndefined();
  });
});
