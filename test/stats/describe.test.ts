import { expect, it, describe as suite } from 'vitest';
import { describe, quantileSorted } from '../../src/stats/describe.ts';

suite('describe', () => {
  it('gives count, min, max, nearest-rank median and p95', () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(describe(values)).toEqual({ count: 20, min: 1, max: 20, median: 10, p95: 19 });
  });

  it('describes a single value as itself', () => {
    expect(describe([42])).toEqual({ count: 1, min: 42, max: 42, median: 42, p95: 42 });
  });

  it('has nothing to say about an empty sample', () => {
    expect(describe([])).toBeUndefined();
  });
});

suite('quantileSorted', () => {
  it('takes the smallest value with at least q of the sample at or below it', () => {
    expect(quantileSorted([10, 20, 30, 40], 0.75)).toBe(30);
    expect(quantileSorted([10, 20, 30, 40], 0.76)).toBe(40);
  });

  it('is not thrown off by floating point: 0.28 of 25 values is the seventh', () => {
    const values = Array.from({ length: 25 }, (_, i) => i + 1);
    // 0.28 × 25 is 7.000000000000001 in floating point.
    expect(quantileSorted(values, 0.28)).toBe(7);
    expect(quantileSorted(values, 0.56)).toBe(14);
  });
});
