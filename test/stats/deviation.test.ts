import { describe, expect, it } from 'vitest';
import { deviation } from '../../src/stats/deviation.ts';

describe('deviation', () => {
  it('is the mean absolute difference at the times both series have', () => {
    const series = [
      { at: 10, value: 1400 },
      { at: 20, value: 1480 },
      { at: 30, value: 1300 },
    ];
    const baseline = [
      { at: 10, value: 1300 },
      { at: 20, value: 1300 },
      { at: 40, value: 0 },
    ];
    // |1400 − 1300| and |1480 − 1300|: (100 + 180) / 2.
    expect(deviation(series, baseline)).toEqual({ value: 140, points: 2 });
  });

  it('shifts a history baseline forward by the offset', () => {
    const series = [{ at: 3600, value: 5 }];
    const history = [{ at: 0, value: 2 }];
    expect(deviation(series, history, 3600)).toEqual({ value: 3, points: 1 });
  });

  it('is NaN over no shared time, and skips non-finite values', () => {
    expect(deviation([{ at: 1, value: Number.NaN }], [{ at: 1, value: 1 }]).points).toBe(0);
    expect(deviation([{ at: 1, value: 1 }], [{ at: 2, value: 1 }]).value).toBeNaN();
  });
});
