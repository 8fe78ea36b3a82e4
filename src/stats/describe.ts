/** Summary statistics of a sample: seed 000's stage timing (min, max, median, p95). */
export interface Description {
  count: number;
  min: number;
  max: number;
  median: number;
  p95: number;
}

/**
 * Nearest-rank quantile of an ascending sample: the smallest value with at least q of the sample
 * at or below it. For q = 0.5 on an even count this is the lower middle value.
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  // Rounded first: 0.28 × 25 is 7.000000000000001 in floating point, and its ceiling 8 would be wrong.
  const rank = Math.max(1, Math.ceil(Math.round(q * sorted.length * 1e9) / 1e9));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

export function describe(values: readonly number[]): Description | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    median: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
  };
}
