/**
 * The Mann-Whitney U test (Wilcoxon rank-sum) with the Hodges–Lehmann shift estimate and its
 * distribution-free confidence interval: a fixed-horizon test, valid when it is run once on data
 * whose amount was fixed in advance (re-running it as data arrive inflates its error rate; the
 * analysis benchmark measures by how much).
 *
 * - U counts the (canary, baseline) pairs where the canary is larger, ties counting one half
 *   (Mann & Whitney 1947), computed from mid-ranks.
 * - Exact p-values when there are no ties and both samples have fewer than 50 values, as R's
 *   wilcox.test does: the null distribution of U follows the recurrence
 *   P_{n,m}(u) = n/(n+m) · P_{n−1,m}(u − m) + m/(n+m) · P_{n,m−1}(u)
 *   (Mann & Whitney 1947, eq. 2), on probabilities so nothing overflows.
 * - Otherwise the normal approximation with continuity correction and the tie-corrected variance
 *   σ² = nm/12 · [(N + 1) − Σ(t³ − t) / (N(N − 1))] (Lehmann 1975, "Nonparametrics", eq. 1.56).
 * - The shift estimate is the median of the nm differences canary − baseline (Hodges & Lehmann
 *   1963); the confidence interval runs between order statistics of those differences, indexed by
 *   the exact quantile of U (as R does) or by its normal approximation (Hollander & Wolfe 1999,
 *   "Nonparametric Statistical Methods", §4.3).
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

export type Alternative = 'greater' | 'less' | 'two-sided';

export interface MannWhitneyOptions {
  /** `greater`: the canary tends to be larger. */
  alternative: Alternative;
  /** Level of the two-sided interval for the shift (default 0.95). */
  confidence?: number | undefined;
}

export interface MannWhitneyResult {
  /** U of the canary: pairs where the canary value is larger, ties counting one half. */
  u: number;
  n: number;
  m: number;
  pValue: number;
  method: 'exact' | 'normal';
  /** The normal approximation's statistic; NaN for the exact method. */
  z: number;
  /** Hodges–Lehmann estimate of the shift canary − baseline. */
  estimate: number;
  /** Two-sided confidence interval for the shift at the requested confidence. */
  lower: number;
  upper: number;
}

/** Below these sizes (and without ties) p-values are exact, as in R. */
export const EXACT_LIMIT = 50;

export function mannWhitney(
  canary: readonly number[],
  baseline: readonly number[],
  options: MannWhitneyOptions,
): MannWhitneyResult {
  const x = finiteSorted(canary);
  const y = finiteSorted(baseline);
  const n = x.length;
  const m = y.length;
  if (n === 0 || m === 0) throw new RangeError('Mann-Whitney needs at least one value in each sample');
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError('confidence must be in (0, 1)');
  const { u, ties } = uStatistic(x, y);
  const exact = ties.length === 0 && n < EXACT_LIMIT && m < EXACT_LIMIT;
  const tested = exact ? exactP(u, n, m, options.alternative) : normalP(u, n, m, ties, options.alternative);
  const estimate = medianDifference(x, y);
  const [lower, upper] = shiftInterval(x, y, 1 - confidence, exact);
  return { u, n, m, ...tested, method: exact ? 'exact' : 'normal', estimate, lower, upper };
}

/** P(U ≤ u) under the null for sample sizes n and m (exact). */
export function exactCdf(u: number, n: number, m: number): number {
  const pmf = nullDistribution(n, m);
  let total = 0;
  for (let k = 0; k <= Math.min(Math.floor(u + 1e-9), n * m); k++) total += pmf[k] ?? 0;
  return Math.min(1, total);
}

/** The smallest u with P(U ≤ u) ≥ p (R's qwilcox). */
export function exactQuantile(p: number, n: number, m: number): number {
  const pmf = nullDistribution(n, m);
  let total = 0;
  for (let k = 0; k <= n * m; k++) {
    total += pmf[k] ?? 0;
    if (total >= p * (1 - 64 * Number.EPSILON)) return k;
  }
  return n * m;
}

function finiteSorted(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
}

/** U of x from mid-ranks, and the sizes of the groups of tied values. */
function uStatistic(x: readonly number[], y: readonly number[]): { u: number; ties: number[] } {
  const all = [...x.map((v) => ({ v, canary: true })), ...y.map((v) => ({ v, canary: false }))].sort(
    (a, b) => a.v - b.v,
  );
  let rankSum = 0;
  const ties: number[] = [];
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]?.v === all[i]?.v) j++;
    const midRank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) if (all[k]?.canary) rankSum += midRank;
    if (j > i) ties.push(j - i + 1);
    i = j + 1;
  }
  return { u: rankSum - (x.length * (x.length + 1)) / 2, ties };
}

function exactP(u: number, n: number, m: number, alternative: Alternative): { pValue: number; z: number } {
  const below = exactCdf(u, n, m);
  const above = 1 - exactCdf(u - 1, n, m);
  const pValue =
    alternative === 'greater'
      ? above
      : alternative === 'less'
        ? below
        : Math.min(1, 2 * Math.min(below, above));
  return { pValue, z: Number.NaN };
}

function normalP(
  u: number,
  n: number,
  m: number,
  ties: readonly number[],
  alternative: Alternative,
): { pValue: number; z: number } {
  const total = n + m;
  const tieTerm = ties.reduce((sum, t) => sum + (t * t * t - t), 0) / (total * (total - 1));
  const sigma = Math.sqrt(((n * m) / 12) * (total + 1 - tieTerm));
  if (!(sigma > 0)) return { pValue: 1, z: 0 };
  const delta = u - (n * m) / 2;
  const correction = alternative === 'greater' ? 0.5 : alternative === 'less' ? -0.5 : Math.sign(delta) * 0.5;
  const z = (delta - correction) / sigma;
  const pValue =
    alternative === 'greater'
      ? 1 - normalCdf(z, 0, 1)
      : alternative === 'less'
        ? normalCdf(z, 0, 1)
        : Math.min(1, 2 * Math.min(normalCdf(z, 0, 1), 1 - normalCdf(z, 0, 1)));
  return { pValue, z };
}

const distributions = new Map<string, Float64Array>();

/** The null probabilities of U = 0 … nm, memoised (sizes stay below EXACT_LIMIT). */
function nullDistribution(n: number, m: number): Float64Array {
  const key = `${n},${m}`;
  const known = distributions.get(key);
  if (known) return known;
  // rows[j] holds P_{i,j} for the current i; P_{0,j} and P_{i,0} put all mass on u = 0.
  let rows: Float64Array[] = Array.from({ length: m + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= n; i++) {
    const next: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= m; j++) {
      const p = new Float64Array(i * j + 1);
      const withX = rows[j] as Float64Array; // P_{i−1,j}, shifted by j
      const withY = next[j - 1] as Float64Array; // P_{i,j−1}
      const a = i / (i + j);
      const b = j / (i + j);
      for (let k = 0; k < withX.length; k++) p[k + j] = (p[k + j] ?? 0) + a * (withX[k] ?? 0);
      for (let k = 0; k < withY.length; k++) p[k] = (p[k] ?? 0) + b * (withY[k] ?? 0);
      next.push(p);
    }
    rows = next;
  }
  const result = rows[m] as Float64Array;
  distributions.set(key, result);
  return result;
}

/** The Hodges–Lehmann estimate: the median of all differences x_i − y_j. */
function medianDifference(x: readonly number[], y: readonly number[]): number {
  const count = x.length * y.length;
  const half = Math.floor((count + 1) / 2);
  const low = kthDifference(x, y, half);
  return count % 2 === 1 ? low : (low + kthDifference(x, y, half + 1)) / 2;
}

function shiftInterval(
  x: readonly number[],
  y: readonly number[],
  alpha: number,
  exact: boolean,
): [number, number] {
  const n = x.length;
  const m = y.length;
  const count = n * m;
  let index: number;
  if (exact) {
    index = Math.max(1, exactQuantile(alpha / 2, n, m));
  } else {
    const z = normalQuantile(1 - alpha / 2, 0, 1);
    index = Math.max(1, Math.floor(count / 2 - z * Math.sqrt((count * (n + m + 1)) / 12)));
  }
  index = Math.min(index, count);
  return [kthDifference(x, y, index), kthDifference(x, y, count - index + 1)];
}

/**
 * The k-th smallest (1-based) of the differences x_i − y_j of two ascending samples, without
 * forming all of them: bisect on the value, counting differences ≤ d with two pointers.
 */
export function kthDifference(x: readonly number[], y: readonly number[], k: number): number {
  const tx = tally(x);
  const ty = tally(y);
  if (tx.length * ty.length <= 4096) return kthOfTallies(tx, ty, k);
  let lo = (x[0] as number) - (y[y.length - 1] as number);
  let hi = (x[x.length - 1] as number) - (y[0] as number);
  if (countAtMost(x, y, lo) >= k) return lo;
  for (let i = 0; i < 200 && hi - lo > 0; i++) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (countAtMost(x, y, mid) >= k) hi = mid;
    else lo = mid;
  }
  return largestAtMost(x, y, hi);
}

/** How many differences x_i − y_j are ≤ d. */
function countAtMost(x: readonly number[], y: readonly number[], d: number): number {
  // For ascending x_i the first y_j with x_i − y_j ≤ d only moves right. Comparing the
  // differences themselves (not y_j with x_i − d) keeps the count consistent with their values.
  let count = 0;
  let j = 0;
  for (const xi of x) {
    while (j < y.length && xi - (y[j] as number) > d) j++;
    count += y.length - j;
  }
  return count;
}

/** The largest difference x_i − y_j that is ≤ d. */
function largestAtMost(x: readonly number[], y: readonly number[], d: number): number {
  let best = Number.NEGATIVE_INFINITY;
  let j = 0;
  for (const xi of x) {
    while (j < y.length && xi - (y[j] as number) > d) j++;
    if (j < y.length) best = Math.max(best, xi - (y[j] as number));
  }
  return best;
}

/** Distinct values of an ascending sample with their counts. */
function tally(sorted: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const v of sorted) {
    const last = out[out.length - 1];
    if (last && last[0] === v) last[1]++;
    else out.push([v, 1]);
  }
  return out;
}

/** Few distinct values (error rates, rounded latencies): enumerate the distinct differences. */
function kthOfTallies(x: [number, number][], y: [number, number][], k: number): number {
  const pairs: [number, number][] = [];
  for (const [vx, cx] of x) for (const [vy, cy] of y) pairs.push([vx - vy, cx * cy]);
  pairs.sort((a, b) => a[0] - b[0]);
  let seen = 0;
  for (const [difference, count] of pairs) {
    seen += count;
    if (seen >= k) return difference;
  }
  return pairs[pairs.length - 1]?.[0] ?? Number.NaN;
}
