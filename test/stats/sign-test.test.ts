import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/stats/random.ts';
import { minimumPairs, signTest } from '../../src/stats/sign-test.ts';

const steps = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('signTest', () => {
  describe('against the shifted null (nullShift = minEffect)', () => {
    // A +3 % shift at every one of 60 steps, against a tolerance of 10 %.
    const baseline = steps(60, (i) => 100 + (i % 7));
    const canary = baseline.map((v) => v * 1.03);

    it('does not fail a canary worse by less than the tolerance, and passes it', () => {
      const options = { alpha: 0.01, minEffect: 0.1, nullShift: 0.1, direction: 'increase' } as const;
      const result = signTest(canary, baseline, options);
      expect(result).toMatchObject({ decision: 'pass', worse: 0, pairs: 60 });
      expect(result.upper).toBeLessThan(0.1);
    });

    it('fails the same canary against "no worse at all" (nullShift 0)', () => {
      const result = signTest(canary, baseline, { alpha: 0.01, minEffect: 0.1, direction: 'increase' });
      expect(result.decision).toBe('fail');
    });

    it('fails a canary worse than the tolerance at every step', () => {
      const worse = baseline.map((v) => v * 1.3);
      const options = { alpha: 0.01, minEffect: 0.1, nullShift: 0.1, direction: 'increase' } as const;
      expect(signTest(worse, baseline, options)).toMatchObject({ decision: 'fail', worse: 60 });
    });
  });

  describe('minimumPairs', () => {
    it('is the fewest all-worse pairs whose e-value (2^(n+1) − 1)/(n + 1) reaches 1/alpha: 9 at 0.01, 11 at 0.005', () => {
      expect(minimumPairs(0.01)).toBe(9);
      expect(minimumPairs(0.005)).toBe(11);
    });
  });

  describe('when the canary is worse at every step', () => {
    it('has e-value (2^(n+1) − 1)/(n + 1) after n steps and fails once that reaches 1/alpha', () => {
      const baseline = steps(10, (i) => 100 + i);
      const canary = baseline.map((v) => v * 1.1);
      const result = signTest(canary, baseline, { alpha: 0.01, minEffect: 0.2, direction: 'increase' });
      expect(result.eValue).toBeCloseTo(2047 / 11, 6);
      expect(result).toMatchObject({ decision: 'fail', pairs: 10, worse: 10 });
      expect(result.estimate).toBeCloseTo(0.1, 9);
    });

    it('is not yet sure after 5 steps: (2^6 − 1)/6 = 10.5 < 100', () => {
      const baseline = steps(5, (i) => 100 + i);
      const result = signTest(
        baseline.map((v) => v * 2),
        baseline,
        { alpha: 0.01, minEffect: 0.2, direction: 'increase' },
      );
      expect(result.eValue).toBeCloseTo(10.5, 9);
      expect(result.decision).toBe('inconclusive');
    });
  });

  it('watches the other way for direction decrease (throughput)', () => {
    const baseline = steps(12, () => 100);
    const result = signTest(
      baseline.map(() => 80),
      baseline,
      { alpha: 0.01, minEffect: 0.1, direction: 'decrease' },
    );
    expect(result.decision).toBe('fail');
    expect(result.estimate).toBeCloseTo(0.25, 9); // baseline/canary − 1
  });

  it('splits alpha for either direction', () => {
    const baseline = steps(10, () => 100);
    const result = signTest(
      baseline.map(() => 50),
      baseline,
      { alpha: 0.01, minEffect: 0.1, direction: 'either' },
    );
    expect(result.threshold).toBe(200);
    expect(result.decision).toBe('inconclusive'); // 186.09 < 200
  });

  it('drops tied steps', () => {
    const result = signTest([1, 2, 3], [1, 2, 4], { alpha: 0.01, minEffect: 0.1, direction: 'increase' });
    expect(result).toMatchObject({ pairs: 1, worse: 0 });
  });

  it('passes once a regression of minEffect is ruled out', () => {
    const random = seededRandom(7);
    const baseline = steps(400, () => 100 * Math.exp(0.02 * random.normal()));
    const canary = steps(400, () => 100 * Math.exp(0.02 * random.normal()));
    const result = signTest(canary, baseline, { alpha: 0.01, minEffect: 0.05, direction: 'increase' });
    expect(result.decision).toBe('pass');
    expect(result.upper).toBeLessThan(0.05);
  });

  it('in A/A runs under continuous monitoring falsely fails at most alpha of them (fixed seed)', () => {
    const random = seededRandom(42);
    const runs = 400;
    const alpha = 0.05;
    let failed = 0;
    for (let r = 0; r < runs; r++) {
      const canary: number[] = [];
      const baseline: number[] = [];
      for (let step = 0; step < 60; step++) {
        canary.push(Math.exp(random.normal()));
        baseline.push(Math.exp(random.normal()));
        if (
          signTest(canary, baseline, { alpha, minEffect: 0.1, direction: 'increase' }).decision === 'fail'
        ) {
          failed++;
          break;
        }
      }
    }
    expect(failed / runs).toBeLessThanOrEqual(alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / runs));
  });
});
