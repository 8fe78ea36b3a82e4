import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/stats/random.ts';
import { rateRatioTest } from '../../src/stats/rate-ratio.ts';
import { twoProportionTest } from '../../src/stats/two-proportion.ts';

const options = { alpha: 0.01, minEffect: 1.5 };

describe('rateRatioTest', () => {
  describe('against the shifted null (nullRatio = minEffect)', () => {
    // 3 % more failures than the baseline, on ten million requests per arm: a real but tolerated shift.
    const canary = { failures: 103_000, total: 10_000_000 };
    const baseline = { failures: 100_000, total: 10_000_000 };

    it('does not fail a canary worse by less than the tolerance, and passes it once a regression of minEffect is ruled out', () => {
      const result = rateRatioTest(canary, baseline, { alpha: 0.01, minEffect: 1.1, nullRatio: 1.1 });
      expect(result.eValue).toBeLessThan(1);
      expect(result.decision).toBe('pass');
      expect(result.upper).toBeLessThan(1.1);
    });

    it('fails the same canary against "no worse at all" (nullRatio 1)', () => {
      const result = rateRatioTest(canary, baseline, { alpha: 0.01, minEffect: 1.1 });
      expect(result.decision).toBe('fail');
    });

    it('still fails a canary well beyond the tolerance', () => {
      const result = rateRatioTest(
        { failures: 80, total: 2000 },
        { failures: 20, total: 2000 },
        {
          alpha: 0.01,
          minEffect: 1.5,
          nullRatio: 1.5,
        },
      );
      expect(result.decision).toBe('fail');
    });

    it('in runs of a canary exactly at the tolerance under continuous monitoring falsely fails at most alpha of them (fixed seed)', () => {
      const random = seededRandom(16);
      let failed = 0;
      const runs = 300;
      for (let run = 0; run < runs; run++) {
        const c = { failures: 0, total: 0 };
        const b = { failures: 0, total: 0 };
        for (let look = 0; look < 60; look++) {
          c.total += 500;
          b.total += 500;
          c.failures += random.binomial(500, 0.015);
          b.failures += random.binomial(500, 0.01);
          const result = rateRatioTest(c, b, { alpha: 0.05, minEffect: 1.5, nullRatio: 1.5 });
          if (result.decision === 'fail') {
            failed++;
            break;
          }
        }
      }
      expect(failed / runs).toBeLessThanOrEqual(0.05);
    });
  });

  describe('when the canary fails far more often', () => {
    it('fails with an e-value of at least 1/alpha', () => {
      const result = rateRatioTest({ failures: 60, total: 2000 }, { failures: 20, total: 2000 }, options);
      expect(result.decision).toBe('fail');
      expect(result.eValue).toBeGreaterThanOrEqual(100);
      expect(result.threshold).toBe(100);
      expect(result.ratio).toBeCloseTo(3, 9);
    });

    it('weighs the canary against its share of traffic, so one canary among nine baselines is caught too', () => {
      const result = rateRatioTest({ failures: 40, total: 1000 }, { failures: 90, total: 9000 }, options);
      expect(result.canaryShare).toBeCloseTo(0.1, 9);
      expect(result.decision).toBe('fail');
    });
  });

  describe('when both arms fail alike', () => {
    it('stays inconclusive while a 1.5× regression cannot be ruled out', () => {
      const result = rateRatioTest({ failures: 10, total: 1000 }, { failures: 10, total: 1000 }, options);
      expect(result.decision).toBe('inconclusive');
      expect(result.eValue).toBeLessThan(1);
      expect(result.upper).toBeGreaterThan(1.5);
    });

    it('passes once the upper confidence bound of the ratio drops below minEffect', () => {
      const result = rateRatioTest(
        { failures: 1000, total: 100_000 },
        { failures: 1000, total: 100_000 },
        options,
      );
      expect(result.decision).toBe('pass');
      expect(result.upper).toBeLessThan(1.5);
      expect(result.upper).toBeGreaterThan(1);
    });
  });

  it('is inconclusive with an unbounded ratio when nothing failed anywhere', () => {
    const result = rateRatioTest({ failures: 0, total: 5000 }, { failures: 0, total: 5000 }, options);
    expect(result).toMatchObject({ decision: 'inconclusive', eValue: 1, upper: Number.POSITIVE_INFINITY });
  });

  it('refuses more failures than requests', () => {
    expect(() => rateRatioTest({ failures: 5, total: 4 }, { failures: 0, total: 4 }, options)).toThrow(
      /5 failures of only 4/,
    );
  });

  describe('in A/A runs under continuous monitoring (fixed seed)', () => {
    // 400 runs of 40 looks at 200 requests per arm each, 2 % failures in both arms, alpha 0.05:
    // the anytime-valid test must fail at most alpha of them (Monte-Carlo tolerance: 3 standard
    // errors), where a z-test repeated at every look fails far more.
    const runs = 400;
    const looks = 40;
    const alpha = 0.05;
    const simulate = (
      decide: (c: { failures: number; total: number }, b: { failures: number; total: number }) => boolean,
    ) => {
      const random = seededRandom(20261201);
      let rejected = 0;
      for (let r = 0; r < runs; r++) {
        const c = { failures: 0, total: 0 };
        const b = { failures: 0, total: 0 };
        for (let look = 0; look < looks; look++) {
          c.failures += random.binomial(200, 0.02);
          b.failures += random.binomial(200, 0.02);
          c.total += 200;
          b.total += 200;
          if (decide(c, b)) {
            rejected++;
            break;
          }
        }
      }
      return rejected / runs;
    };
    const tolerance = 3 * Math.sqrt((alpha * (1 - alpha)) / runs);

    it('falsely fails at most alpha of them', () => {
      const rate = simulate((c, b) => rateRatioTest(c, b, { alpha, minEffect: 1.5 }).decision === 'fail');
      expect(rate).toBeLessThanOrEqual(alpha + tolerance);
    });

    it('where a z-test peeked at every look exceeds alpha several times over', () => {
      const rate = simulate((c, b) => twoProportionTest(c, b).pValue < alpha);
      expect(rate).toBeGreaterThan(2 * alpha);
    });
  });
});
