import { quantileSorted } from '../stats/describe.ts';

/**
 * The p-th percentile of the values by the nearest-rank method: the smallest value such that at
 * least p percent of the values are less than or equal to it. Always one of the values.
 * NaN for no values; p is clamped to 0..100 (p 0 gives the minimum).
 */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return quantileSorted(sorted, Math.min(100, Math.max(0, p)) / 100);
}
