/**
 * Anytime-valid comparison of two metric series (per-step p95 latency, mean latency, CPU …) taken
 * at the same steps: a sequential sign test on the canary − baseline pairs.
 *
 * Derivation. Pair the canary's and the baseline's value of each step (same time window, so load
 * and time of day cancel). If the two arms behave alike, a pair is equally likely to fall either
 * way: the count k of pairs where the canary is worse, out of the n untied pairs, is
 * Binomial(n, 1/2), and if the canary is no worse it is Binomial(n, q) with q ≤ 1/2. The
 * beta-binomial mixture e-process (beta-mixture.ts, uniform prior on q > 1/2) tests that
 * anytime-validly; `either` runs both one-sided tests at alpha/2 each. The steps must not overlap
 * (a range query's `[{step}]` window equal to its step) or pairs are dependent and the test is
 * optimistic.
 *
 * The effect is the median relative excess s: the canary's step value exceeds (1 + s) × the
 * baseline's in half of the pairs. Its time-uniform upper confidence bound comes from inverting
 * the same test (Howard & Ramdas 2022, "Sequential estimation of quantiles with applications to
 * A/B-testing and best-arm identification", Bernoulli 28(3)): for a candidate s, the pairs above
 * (1 + s) are Binomial(n, ≥ 1/2) if s is at most the true effect, so s is excluded once the
 * `below` test rejects that; the excluded s are exactly those at or above an order statistic of
 * the ratios canary/baseline. `pass` needs that bound below minEffect.
 *
 * The shifted null. With a tolerance s0 the null is "the canary is worse by at most s0": the
 * median relative excess is ≤ s0, so a pair's canary exceeds (1 + s0) × its baseline with
 * probability ≤ 1/2, and the same test on those shifted pairs fails a canary within the tolerance
 * with probability at most alpha. s0 = 0 is "no worse at all": any consistent difference, however
 * small, fails in time.
 */
import { logMixtureE } from './beta-mixture.ts';
import { type AnalysisDecision, type Direction, reportedE } from './decision.ts';

export interface SignTestOptions {
  alpha: number;
  /** Relative effect that counts as a regression: 0.1 = the canary's values 10 % worse. */
  minEffect: number;
  direction: Direction;
  /** The relative difference the null allows: fail means worse by more than this (default 0). */
  nullShift?: number | undefined;
}

export interface SignTestResult {
  decision: AnalysisDecision;
  /** Evidence that the canary is worse; fail at ≥ threshold. */
  eValue: number;
  threshold: number;
  /** Pairs compared (ties with the null dropped) and pairs where the canary was worse than the null allows. */
  pairs: number;
  worse: number;
  /** Median relative difference canary vs baseline, in the worse direction (0.05 = 5 % worse). */
  estimate: number;
  /** Time-uniform upper confidence bound of that effect; Infinity until data bound it. */
  upper: number;
}

const UNIFORM = { a: 1, b: 1 };

export function signTest(
  canary: readonly number[],
  baseline: readonly number[],
  options: SignTestOptions,
): SignTestResult {
  if (canary.length !== baseline.length) {
    throw new RangeError(`need paired values, got ${canary.length} canary and ${baseline.length} baseline`);
  }
  if (!(options.alpha > 0 && options.alpha < 1)) throw new RangeError('alpha must be in (0, 1)');
  if (!(options.minEffect > 0)) throw new RangeError('minEffect must be greater than 0');
  const shift = options.nullShift ?? 0;
  if (!(shift >= 0)) throw new RangeError('nullShift must be at least 0');
  const sides = options.direction === 'either' ? (['increase', 'decrease'] as const) : [options.direction];
  const alpha = options.alpha / sides.length;
  const results = sides.map((side) => oneSided(canary, baseline, side, alpha, shift));
  const worst = results.reduce((a, b) => (b.logE > a.logE ? b : a));
  const upper = Math.max(...results.map((r) => r.upper));
  const threshold = 1 / alpha;
  const decision: AnalysisDecision =
    worst.logE >= Math.log(threshold) ? 'fail' : upper < options.minEffect ? 'pass' : 'inconclusive';
  return {
    decision,
    eValue: reportedE(worst.logE),
    threshold,
    pairs: worst.pairs,
    worse: worst.worse,
    estimate: worst.estimate,
    upper,
  };
}

interface Side {
  logE: number;
  pairs: number;
  worse: number;
  estimate: number;
  upper: number;
}

function oneSided(
  canary: readonly number[],
  baseline: readonly number[],
  side: 'increase' | 'decrease',
  alpha: number,
  shift: number,
): Side {
  let pairs = 0;
  let worse = 0;
  const ratios: number[] = [];
  for (const [i, c] of canary.entries()) {
    const b = baseline[i] as number;
    if (!Number.isFinite(c) || !Number.isFinite(b)) continue;
    // The worse value over the better: > 1 when the canary is worse.
    const [bad, good] = side === 'increase' ? [c, b] : [b, c];
    const allowed = good * (1 + shift);
    if (bad !== allowed) {
      pairs++;
      if (bad > allowed) worse++;
    }
    if (bad > 0 && good > 0) ratios.push(bad / good);
  }
  const logE = signLogE(worse, pairs);
  ratios.sort((x, y) => x - y);
  return { logE, pairs, worse, estimate: median(ratios) - 1, upper: ratioBound(ratios, alpha) - 1 };
}

/** ln of the one-sided sign test's e-value after `worse` of `pairs` untied pairs went the canary's bad way. */
export function signLogE(worse: number, pairs: number): number {
  return logMixtureE(worse, pairs, 0.5, UNIFORM, 'above');
}

/**
 * The fewest pairs after which the one-sided sign test can reach 1/alpha (every pair worse), and
 * so the fewest after which its upper bound can drop below any effect (every pair better): a
 * test with fewer pairs can neither fail nor pass.
 */
export function minimumPairs(alpha: number): number {
  const threshold = Math.log(1 / alpha);
  let n = 1;
  while (signLogE(n, n) < threshold) n++;
  return n;
}

/**
 * The upper confidence bound of the median ratio: the (n − K)-th smallest ratio, K being the most
 * pairs above a candidate for which the `below` test still rejects; Infinity if none does.
 */
function ratioBound(sorted: readonly number[], alpha: number): number {
  const n = sorted.length;
  const threshold = Math.log(1 / alpha);
  const rejects = (k: number) => logMixtureE(k, n, 0.5, UNIFORM, 'below') >= threshold;
  if (n === 0 || !rejects(0)) return Number.POSITIVE_INFINITY;
  // The evidence falls as k grows: bisect for the largest k that still rejects.
  let lo = 0;
  let hi = n;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (rejects(mid)) lo = mid;
    else hi = mid;
  }
  return sorted[n - lo - 1] as number;
}

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
