import { describe, expect, it } from 'vitest';
import { percentile } from '../../src/checks/percentile.ts';

describe('percentile (nearest rank)', () => {
  it('gives p95 of 1..20 as 19', () => {
    expect(
      percentile(
        Array.from({ length: 20 }, (_, i) => 20 - i),
        95,
      ),
    ).toBe(19);
  });

  it('gives p95 of 1..100 as 95, without floating-point drift', () => {
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(95);
  });

  it('gives p95 of five values as the largest', () => {
    expect(percentile([3, 1, 5, 2, 4], 95)).toBe(5);
  });

  it('gives p50 of four values as the second smallest', () => {
    expect(percentile([40, 10, 30, 20], 50)).toBe(20);
  });

  it('gives p0 as the minimum and p100 as the maximum', () => {
    expect(percentile([7, 3, 9], 0)).toBe(3);
    expect(percentile([7, 3, 9], 100)).toBe(9);
  });

  it('gives NaN for no values', () => {
    expect(percentile([], 95)).toBeNaN();
  });

  it('leaves its input unsorted', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});
