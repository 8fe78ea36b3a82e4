/**
 * The rate-ratio test of rate-ratio.ts over strata (environments): does a version fail more
 * often than its baseline in some stratum?
 *
 * Combining. Each stratum s has its own e-process E_s against H0,s: "the version fails no more
 * often than the baseline in s" (rate-ratio.ts). Every outcome belongs to exactly one stratum,
 * so as outcomes arrive one at a time only one factor of the product Π_s E_s changes; given the
 * whole past, that factor's expected change is at most 1 under H0,s (and the outcomes of different
 * strata are independent given their versions), so the product is a nonnegative supermartingale
 * for the common filtration under the intersection null H0 = ∩_s H0,s, with initial value 1.
 * Ville's inequality then bounds P(sup_t Π_s E_s ≥ 1/α) ≤ α, however often one looks
 * (on multiplying e-processes along one filtration: Ramdas, Grünwald, Vovk & Shafer 2023,
 * "Game-theoretic statistics and safe anytime-valid inference", Statist. Sci. 38(4); Grünwald,
 * de Heide & Koolen 2024, "Safe testing", J. R. Stat. Soc. B 86(5)). Rejecting H0 means the
 * version is worse in at least one stratum: what `bad` means. A stratum where an arm has no
 * outcomes contributes the factor 1.
 *
 * Stratifying protects against Simpson's paradox: a version that happens to run mostly where jobs
 * fail more often is not blamed for the environment; pooling would.
 *
 * Bounds. The per-stratum upper confidence bounds of the ratio are taken at level 1 − α/k for the
 * k strata compared, so by the union bound they hold together with probability ≥ 1 − α: "every
 * compared stratum's bound is below minEffect" rules a regression of minEffect out everywhere.
 */
import { reportedE } from './decision.ts';
import { type ArmCounts, rateRatioLogE, rateRatioTest } from './rate-ratio.ts';

export interface StratumCounts {
  stratum: string;
  version: ArmCounts;
  baseline: ArmCounts;
}

export interface StratifiedOptions {
  alpha: number;
  minEffect: number;
}

export interface StratumResult extends StratumCounts {
  /** Both arms have outcomes here; only compared strata carry evidence. */
  compared: boolean;
  eValue: number;
  /** version rate ÷ baseline rate; NaN or Infinity when the baseline has no failures. */
  ratio: number;
  /** Upper confidence bound of the ratio at 1 − alpha/k; Infinity when not compared or unbounded yet. */
  upper: number;
}

export interface StratifiedResult {
  /** ln of the product of the strata's e-values. */
  logE: number;
  eValue: number;
  threshold: number;
  /** The Mantel-Haenszel rate ratio over the compared strata: the pooled estimate, for people. */
  ratio: number;
  /** The largest of the compared strata's bounds: below minEffect rules a regression out everywhere. */
  upper: number;
  strata: StratumResult[];
}

/** ln of the combined e-value: the sum of the strata's. */
function stratifiedLogE(strata: readonly StratumCounts[], minEffect: number): number {
  let logE = 0;
  for (const s of strata) logE += rateRatioLogE(s.version, s.baseline, minEffect);
  return logE;
}

export function stratifiedRateRatio(
  strata: readonly StratumCounts[],
  options: StratifiedOptions,
): StratifiedResult {
  const compared = strata.filter((s) => s.version.total > 0 && s.baseline.total > 0);
  const level = { alpha: options.alpha / Math.max(1, compared.length), minEffect: options.minEffect };
  const results = strata.map((s): StratumResult => {
    const isCompared = s.version.total > 0 && s.baseline.total > 0;
    const test = isCompared ? rateRatioTest(s.version, s.baseline, level) : undefined;
    return {
      ...s,
      compared: isCompared,
      eValue: reportedE(rateRatioLogE(s.version, s.baseline, options.minEffect)),
      ratio: test?.ratio ?? Number.NaN,
      upper: test?.upper ?? Number.POSITIVE_INFINITY,
    };
  });
  const logE = stratifiedLogE(strata, options.minEffect);
  const uppers = results.filter((r) => r.compared).map((r) => r.upper);
  return {
    logE,
    eValue: reportedE(logE),
    threshold: 1 / options.alpha,
    ratio: mantelHaenszel(compared),
    upper: uppers.length > 0 ? Math.max(...uppers) : Number.POSITIVE_INFINITY,
    strata: results,
  };
}

/** Σ f_v n_b / N over Σ f_b n_v / N: the Mantel-Haenszel rate ratio (Greenland & Robins 1985, Biometrics 41). */
function mantelHaenszel(strata: readonly StratumCounts[]): number {
  let top = 0;
  let bottom = 0;
  for (const s of strata) {
    const n = s.version.total + s.baseline.total;
    top += (s.version.failures * s.baseline.total) / n;
    bottom += (s.baseline.failures * s.version.total) / n;
  }
  return top / bottom;
}
