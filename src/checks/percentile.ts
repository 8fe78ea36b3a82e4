/**
 * The p-th percentile of the values by the nearest-rank method: the smallest value such that at
 * least p percent of the values are less than or equal to it. Always one of the values.
 * NaN for no values; p is clamped to 0..100 (p 0 gives the minimum).
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const clamped = Math.min(100, Math.max(0, p));
  const rank = Math.max(1, Math.ceil((clamped * sorted.length) / 100));
  return sorted[rank - 1] ?? Number.NaN;
}
