/**
 * Anytime-valid comparison of failure counts: does the canary fail more often than the baseline?
 *
 * Derivation. Let failures arrive in the canary and the baseline as thinned Poisson processes,
 * with failure rates λc and λb per request and n_c, n_b requests so far; write ρ = λc/λb for the
 * rate ratio and w = n_c/(n_c + n_b) for the canary's share of the traffic. Given that a failure
 * happened, it is the canary's with probability θ(ρ) = ρw / (ρw + 1 − w); so given N failures in
 * all, the canary's count is Binomial(N, θ(ρ)), whatever the (unknown, nuisance) baseline rate.
 * This is the classical conditional test for two Poisson rates (Przyborowski & Wilenski 1940;
 * Lehmann & Romano, "Testing Statistical Hypotheses", §4.6). "The canary is no worse", ρ ≤ 1,
 * is θ ≤ w, and the beta-binomial mixture e-process of beta-mixture.ts tests it anytime-validly.
 * With a fixed number of requests per arm (binomial rather than Poisson arrivals) the canary's
 * count given N is hypergeometric under ρ = 1, which is smaller than Binomial(N, w) in the convex
 * order (Hoeffding 1963, Thm. 4); the likelihood ratios are convex in the count, so the e-process
 * stays valid, only slightly conservative.
 *
 * The null need not be "no worse at all". With a tolerance ρ0 ≥ 1 the null is ρ ≤ ρ0, i.e.
 * θ ≤ θ(ρ0), and the same mixture tests it: a canary worse than its baseline by less than the
 * tolerance is then failed with probability at most alpha, however long the test runs. With
 * ρ0 = 1 ("no worse at all") any consistent difference, however small, fails in time.
 *
 * Decisions: `fail` when the e-value against ρ ≤ nullRatio reaches 1/alpha (a canary within the
 * null is failed with probability at most alpha, however often the test is repeated as data
 * arrive); `pass` when the time-uniform upper confidence bound of ρ (the inverted test, level
 * 1 − alpha) drops below minEffect, i.e. a regression of minEffect or more is ruled out;
 * `inconclusive` otherwise.
 *
 * The mixture's prior is a Beta of concentration 20 centred on θ(nullRatio × minEffect),
 * truncated to θ > θ(nullRatio), so the test spends its power one minEffect step above the null
 * and beyond (θ(minEffect) for the plain null); the bound's prior is centred on θ = w (no
 * difference), where a healthy canary sits.
 */
import { betaPrior, logMixtureE, upperConfidenceBound } from './beta-mixture.ts';
import { type AnalysisDecision, reportedE } from './decision.ts';

export interface ArmCounts {
  failures: number;
  total: number;
}

export interface RateRatioOptions {
  /** Largest acceptable probability of failing a canary that is no worse than its baseline. */
  alpha: number;
  /** Smallest ratio of canary to baseline failure rate that counts as a regression (> 1). */
  minEffect: number;
  /**
   * The ratio the null allows: `fail` means the canary fails more than nullRatio times as often
   * as the baseline. minEffect tolerates regressions below it; 1 (the default) tolerates none.
   */
  nullRatio?: number | undefined;
}

export interface RateRatioResult {
  decision: AnalysisDecision;
  /** Evidence against "the canary fails at most nullRatio times as often as the baseline"; fail at ≥ threshold. */
  eValue: number;
  threshold: number;
  /** canary failure rate ÷ baseline failure rate; Infinity or NaN when the baseline has no failures. */
  ratio: number;
  /** Time-uniform upper confidence bound of the ratio at 1 − alpha; Infinity until data bound it. */
  upper: number;
  canaryRate: number;
  baselineRate: number;
  /** Failures in both arms: the sample size of the conditional test. */
  failures: number;
  /** The canary's share of all requests. */
  canaryShare: number;
}

/** Concentration (a + b) of the Beta priors of the mixtures. */
export const PRIOR_CONCENTRATION = 20;

export function rateRatioTest(
  canary: ArmCounts,
  baseline: ArmCounts,
  options: RateRatioOptions,
): RateRatioResult {
  validate(canary, 'canary');
  validate(baseline, 'baseline');
  if (!(options.alpha > 0 && options.alpha < 1)) throw new RangeError(`alpha must be in (0, 1)`);
  if (!(options.minEffect > 1)) throw new RangeError(`minEffect must be greater than 1`);
  const nullRatio = options.nullRatio ?? 1;
  if (!(nullRatio >= 1)) throw new RangeError('nullRatio must be at least 1');
  const threshold = 1 / options.alpha;
  const canaryRate = canary.total > 0 ? canary.failures / canary.total : Number.NaN;
  const baselineRate = baseline.total > 0 ? baseline.failures / baseline.total : Number.NaN;
  const ratio = canaryRate / baselineRate;
  const failures = canary.failures + baseline.failures;
  const base = { threshold, ratio, canaryRate, baselineRate, failures };
  if (canary.total <= 0 || baseline.total <= 0) {
    return { ...base, decision: 'inconclusive', eValue: 1, upper: Number.POSITIVE_INFINITY, canaryShare: 0 };
  }
  const w = canary.total / (canary.total + baseline.total);
  const toRho = (theta: number) =>
    theta >= 1 ? Number.POSITIVE_INFINITY : (theta * (1 - w)) / (w * (1 - theta));
  const logE = rateRatioLogE(canary, baseline, options.minEffect, nullRatio);
  const thetaUpper = upperConfidenceBound(canary.failures, failures, options.alpha, () =>
    betaPrior(w, PRIOR_CONCENTRATION),
  );
  const upper = failures > 0 ? toRho(thetaUpper) : Number.POSITIVE_INFINITY;
  const decision: AnalysisDecision =
    logE >= Math.log(threshold) ? 'fail' : upper < options.minEffect ? 'pass' : 'inconclusive';
  return { ...base, decision, eValue: reportedE(logE), upper, canaryShare: w };
}

/**
 * ln of the e-value alone, against "the canary fails at most nullRatio times as often as the
 * baseline" (0 while an arm has no requests): what `fail` is decided on, for callers that need
 * nothing else.
 */
export function rateRatioLogE(
  canary: ArmCounts,
  baseline: ArmCounts,
  minEffect: number,
  nullRatio = 1,
): number {
  if (canary.total <= 0 || baseline.total <= 0) return 0;
  const w = canary.total / (canary.total + baseline.total);
  const theta = (rho: number) => (rho * w) / (rho * w + 1 - w);
  const prior = betaPrior(theta(nullRatio * minEffect), PRIOR_CONCENTRATION);
  return logMixtureE(canary.failures, canary.failures + baseline.failures, theta(nullRatio), prior, 'above');
}

function validate(arm: ArmCounts, name: string): void {
  const { failures, total } = arm;
  if (!Number.isFinite(failures) || !Number.isFinite(total) || failures < 0 || total < 0) {
    throw new RangeError(`${name}: counts must be finite and ≥ 0, got ${failures} of ${total}`);
  }
  if (failures > total) throw new RangeError(`${name}: ${failures} failures of only ${total} requests`);
}
