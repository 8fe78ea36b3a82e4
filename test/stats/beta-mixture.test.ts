import { describe, expect, it } from 'vitest';
import { betaPrior, logMixtureE, upperConfidenceBound } from '../../src/stats/beta-mixture.ts';

/** The mixture integral itself, by Simpson's rule: the closed form must agree with it. */
function integrated(k: number, n: number, p0: number, a: number, b: number): number {
  const steps = 20_000;
  const density = (p: number) => p ** (a - 1) * (1 - p) ** (b - 1);
  const lr = (p: number) => (p / p0) ** k * ((1 - p) / (1 - p0)) ** (n - k);
  let top = 0;
  let mass = 0;
  const h = (1 - p0) / steps;
  for (let i = 0; i <= steps; i++) {
    const p = Math.min(p0 + i * h, 1 - 1e-12);
    const weight = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    top += weight * lr(p) * density(p);
    mass += weight * density(p);
  }
  return top / mass;
}

describe('logMixtureE', () => {
  describe('with a uniform prior on p > 1/2', () => {
    it('is (2^(n+1) − 1) / (n + 1) after n successes in n trials, by hand', () => {
      // ∫_{1/2}^1 (2p)^n dp / (1/2) = 2^(n+1) (1 − 2^−(n+1)) / (n + 1).
      expect(Math.exp(logMixtureE(10, 10, 0.5, { a: 1, b: 1 }, 'above'))).toBeCloseTo(2047 / 11, 9);
      expect(Math.exp(logMixtureE(3, 3, 0.5, { a: 1, b: 1 }, 'above'))).toBeCloseTo(15 / 4, 9);
    });

    it('is 1 before any trial', () => {
      expect(logMixtureE(0, 0, 0.5, { a: 1, b: 1 }, 'above')).toBe(0);
    });
  });

  describe('with a truncated Beta prior', () => {
    it.each([
      [12, 20, 0.5, 12, 8],
      [3, 40, 0.1, 0.6, 5.4],
      [30, 100, 0.25, 2, 3],
    ])('matches numerical integration for k %d of n %d at p0 %d', (k, n, p0, a, b) => {
      expect(Math.exp(logMixtureE(k, n, p0, { a, b }, 'above'))).toBeCloseTo(integrated(k, n, p0, a, b), 5);
    });

    it('mirrors for side below: the evidence for p < p0 is the evidence for 1 − p > 1 − p0', () => {
      const below = logMixtureE(4, 30, 0.4, { a: 3, b: 5 }, 'below');
      const above = logMixtureE(26, 30, 0.6, { a: 5, b: 3 }, 'above');
      expect(below).toBeCloseTo(above, 9);
    });
  });

  it('refuses a null probability outside (0, 1) and more successes than trials', () => {
    expect(() => logMixtureE(1, 2, 1, { a: 1, b: 1 }, 'above')).toThrow(RangeError);
    expect(() => logMixtureE(3, 2, 0.5, { a: 1, b: 1 }, 'above')).toThrow(RangeError);
  });
});

describe('betaPrior', () => {
  it('has the given mean and concentration', () => {
    expect(betaPrior(0.6, 20)).toEqual({ a: 12, b: 8 });
  });
});

describe('upperConfidenceBound', () => {
  const uniform = () => ({ a: 1, b: 1 });

  it('sits where the test of H0: p ≥ bound reaches 1/alpha', () => {
    const bound = upperConfidenceBound(30, 100, 0.05, uniform);
    expect(bound).toBeGreaterThan(0.3);
    expect(logMixtureE(30, 100, bound, uniform(), 'below')).toBeCloseTo(Math.log(20), 4);
  });

  it('narrows as data accumulate', () => {
    const few = upperConfidenceBound(3, 10, 0.05, uniform);
    const many = upperConfidenceBound(300, 1000, 0.05, uniform);
    expect(many).toBeLessThan(few);
    expect(many).toBeGreaterThan(0.3);
  });

  it('is 1 without data', () => {
    expect(upperConfidenceBound(0, 0, 0.05, uniform)).toBe(1);
  });
});
