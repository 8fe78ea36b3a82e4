import { describe, expect, it } from 'vitest';
import { exactCdf, exactQuantile, kthDifference, mannWhitney } from '../../src/stats/mann-whitney.ts';
import { seededRandom } from '../../src/stats/random.ts';

describe('mannWhitney', () => {
  describe("on R's documented example (Hollander & Wolfe, permeability constants)", () => {
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];

    it('gives W = 35 and the exact one-sided p-value 0.1272, as wilcox.test(x, y, alternative = "g")', () => {
      const result = mannWhitney(x, y, { alternative: 'greater' });
      expect(result).toMatchObject({ u: 35, n: 10, m: 5, method: 'exact' });
      expect(result.pValue).toBeCloseTo(0.1272, 4);
    });

    it('estimates the shift as 0.305, the median of the 50 differences', () => {
      expect(mannWhitney(x, y, { alternative: 'two-sided' }).estimate).toBeCloseTo(0.305, 9);
    });
  });

  describe('the exact null distribution matches published critical values (two-sided α = 0.05)', () => {
    it.each([
      [5, 5, 2],
      [8, 10, 17],
      [10, 10, 23],
    ])('n = %d, m = %d: reject for U ≤ %d', (n, m, critical) => {
      expect(exactCdf(critical, n, m)).toBeLessThanOrEqual(0.025);
      expect(exactCdf(critical + 1, n, m)).toBeGreaterThan(0.025);
    });

    it('one-sided α = 0.05, n = m = 10: reject for U ≤ 27', () => {
      expect(exactCdf(27, 10, 10)).toBeLessThanOrEqual(0.05);
      expect(exactCdf(28, 10, 10)).toBeGreaterThan(0.05);
    });

    it('P(U = 0) = 1 / C(6, 3) = 0.05 for three against three; its 2.5 % quantile is 0 then', () => {
      expect(exactCdf(0, 3, 3)).toBeCloseTo(0.05, 12);
      expect(exactQuantile(0.025, 3, 3)).toBe(0);
    });
  });

  describe('with ties', () => {
    it('uses the normal approximation with the tie-corrected variance, by hand', () => {
      // Mid-ranks of x: 1, 2.5, 4.5 → U = 8 − 6 = 2. Ties {2, 2} and {3, 3}: Σ(t³ − t) = 12, N = 7,
      // σ² = (12/12)·(8 − 12/42) = 7.7143; z = (2 − 6 + 0.5)/2.7775 = −1.2601, p = Φ(z) = 0.1038.
      const result = mannWhitney([1, 2, 3], [2, 3, 4, 5], { alternative: 'less' });
      expect(result).toMatchObject({ u: 2, method: 'normal' });
      expect(result.z).toBeCloseTo(-1.2601, 4);
      expect(result.pValue).toBeCloseTo(0.1038, 4);
    });

    it('finds no evidence when every value is the same', () => {
      expect(mannWhitney([1, 1], [1, 1, 1], { alternative: 'greater' }).pValue).toBe(1);
    });
  });

  it('narrows the shift interval around a clear shift', () => {
    const random = seededRandom(3);
    const y = Array.from({ length: 60 }, () => random.normal());
    const x = Array.from({ length: 60 }, () => random.normal() + 2);
    const result = mannWhitney(x, y, { alternative: 'two-sided', confidence: 0.95 });
    expect(result.method).toBe('normal');
    expect(result.lower).toBeGreaterThan(1);
    expect(result.upper).toBeLessThan(3);
    expect(result.pValue).toBeLessThan(1e-10);
  });
});

describe('kthDifference', () => {
  it('agrees with sorting all differences of many distinct values (bisection on the value)', () => {
    const random = seededRandom(12);
    const x = Array.from({ length: 90 }, () => random.normal()).sort((a, b) => a - b);
    const y = Array.from({ length: 70 }, () => random.normal()).sort((a, b) => a - b);
    const all = x.flatMap((xi) => y.map((yj) => xi - yj)).sort((a, b) => a - b);
    for (const k of [1, 7, 3150, 3151, 6299, 6300]) expect(kthDifference(x, y, k)).toBe(all[k - 1]);
  });

  it('agrees with sorting all differences of few distinct values (enumerating them)', () => {
    const random = seededRandom(11);
    const x = Array.from({ length: 23 }, () => Math.round(random.normal() * 50) / 10).sort((a, b) => a - b);
    const y = Array.from({ length: 17 }, () => Math.round(random.normal() * 50) / 10).sort((a, b) => a - b);
    const all = x.flatMap((xi) => y.map((yj) => xi - yj)).sort((a, b) => a - b);
    for (const k of [1, 2, 50, 195, 196, 390, 391])
      expect(kthDifference(x, y, k)).toBeCloseTo(all[k - 1] as number, 9);
  });
});
