import { describe, expect, it } from 'vitest';
import { twoProportionSampleSize, twoProportionTest } from '../../src/stats/two-proportion.ts';

describe('twoProportionSampleSize', () => {
  it('needs 2,965 requests per arm to detect 1 % → 2 % at one-sided α 0.01 and power 0.8', () => {
    // By hand: z_0.99 = 2.32635, z_0.8 = 0.84162, p̄ = 0.015;
    // [2.32635·√(2·0.015·0.985) + 0.84162·√(0.0099 + 0.0196)]² / 0.01² = 0.54446² / 1e-4 = 2964.3.
    expect(twoProportionSampleSize({ baselineRate: 0.01, canaryRate: 0.02, alpha: 0.01, power: 0.8 })).toBe(
      2965,
    );
  });

  it('needs far more for a 1.2× regression', () => {
    const n = twoProportionSampleSize({ baselineRate: 0.01, canaryRate: 0.012, alpha: 0.01, power: 0.8 });
    expect(n).toBeGreaterThan(50_000);
  });
});

describe('twoProportionTest', () => {
  it('computes the pooled z statistic, by hand', () => {
    // p̂c = 0.03, p̂b = 0.01, p̄ = 0.02, se = √(0.02·0.98·(2/1000)) = 0.0062610; z = 0.02 / se = 3.1944.
    const { z, pValue } = twoProportionTest({ failures: 30, total: 1000 }, { failures: 10, total: 1000 });
    expect(z).toBeCloseTo(3.1944, 3);
    expect(pValue).toBeCloseTo(0.0007, 4);
  });

  it('finds no evidence when no request failed', () => {
    expect(twoProportionTest({ failures: 0, total: 100 }, { failures: 0, total: 100 })).toEqual({
      z: 0,
      pValue: 1,
    });
  });
});
