import { describe, expect, it } from 'vitest';
import { judge, KAYENTA_DEFAULTS } from '../../src/stats/mann-whitney-judge.ts';

const increase = { ...KAYENTA_DEFAULTS, direction: 'increase' as const };

describe('judge (Kayenta’s Mann-Whitney classifier)', () => {
  it('classifies a clearly higher canary as high (Kayenta’s own test case)', () => {
    const canary = [20, 22, 21, 25, 30];
    const baseline = [1.0, 2.2, 1.1, 2.5, 3.0];
    const result = judge(canary, baseline, {
      ...increase,
      direction: 'either',
      tolerance: 0.1,
      confidence: 0.95,
      allowedDecrease: 0.8,
      allowedIncrease: 1.2,
    });
    expect(result.classification).toBe('high');
    expect(result.effectSize).toBeCloseTo(118 / 9.8, 9);
  });

  it('passes a higher canary whose effect size stays below allowedIncrease, and says why', () => {
    const result = judge([20, 22, 21, 25, 30], [1, 2.2, 1.1, 2.5, 3], {
      ...increase,
      confidence: 0.95,
      allowedIncrease: 20,
    });
    expect(result).toMatchObject({ classification: 'pass', gated: true });
    expect(result.reason).toContain('below allowedIncrease 20');
  });

  it('ignores a lower canary when only an increase counts', () => {
    expect(
      judge([1, 2, 1, 2, 3], [20, 22, 21, 25, 30], { ...increase, confidence: 0.95 }).classification,
    ).toBe('pass');
  });

  it('classifies a lower canary as low when a decrease counts', () => {
    const result = judge([1, 2, 1, 2, 3], [20, 22, 21, 25, 30], {
      ...increase,
      direction: 'decrease',
      confidence: 0.95,
    });
    expect(result.classification).toBe('low');
  });

  it('passes identical data and a single distinct value without a test', () => {
    const identical = judge([1, 2, 3], [3, 2, 1], increase);
    expect(identical.classification).toBe('pass');
    expect(identical.test).toBeUndefined();
    expect(judge([5, 5], [5, 5, 5], increase).classification).toBe('pass');
  });

  it('reports no data when an arm has no finite values', () => {
    expect(judge([Number.NaN], [1, 2], increase)).toMatchObject({
      classification: 'nodata',
      reason: 'no canary values',
    });
  });
});
