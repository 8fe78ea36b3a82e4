/**
 * Seed 000's deviation: how far a series strays from a baseline series, the mean absolute
 * difference of their values at the times both have (the baseline's times shifted forward by
 * `offsetSeconds` when it is the series' own history).
 */
export interface TimedValue {
  /** Seconds since the epoch, as Prometheus reports them. */
  at: number;
  value: number;
}

export interface Deviation {
  /** Mean |series − baseline| over the matched times; NaN when no time matches. */
  value: number;
  /** Matched times with finite values on both sides. */
  points: number;
}

export function deviation(
  series: readonly TimedValue[],
  baseline: readonly TimedValue[],
  offsetSeconds = 0,
): Deviation {
  const byTime = new Map<number, number>();
  for (const point of baseline) byTime.set(millis(point.at + offsetSeconds), point.value);
  let total = 0;
  let points = 0;
  for (const point of series) {
    const other = byTime.get(millis(point.at));
    if (other === undefined || !Number.isFinite(other) || !Number.isFinite(point.value)) continue;
    total += Math.abs(point.value - other);
    points++;
  }
  return { value: points > 0 ? total / points : Number.NaN, points };
}

function millis(seconds: number): number {
  return Math.round(seconds * 1000);
}
