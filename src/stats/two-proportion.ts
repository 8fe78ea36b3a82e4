/**
 * The fixed-horizon two-proportion z-test, the yardstick of the analysis benchmark: how many
 * requests per arm a classical one-look test needs, and its verdict when it looks.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import type { ArmCounts } from './rate-ratio.ts';

/**
 * One-sided test that the canary's failure rate exceeds the baseline's, with the pooled standard
 * error: z = (p̂c − p̂b) / √(p̄(1 − p̄)(1/nc + 1/nb)). p-value P(Z ≥ z).
 */
export function twoProportionTest(canary: ArmCounts, baseline: ArmCounts): { z: number; pValue: number } {
  const pooled = (canary.failures + baseline.failures) / (canary.total + baseline.total);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / canary.total + 1 / baseline.total));
  const diff = canary.failures / canary.total - baseline.failures / baseline.total;
  if (!(se > 0)) return { z: 0, pValue: 1 };
  const z = diff / se;
  return { z, pValue: 1 - normalCdf(z, 0, 1) };
}

/**
 * Requests per arm for a one-sided test at `alpha` to detect `canaryRate` against `baselineRate`
 * with probability `power` (Fleiss, Levin & Paik 2003, "Statistical Methods for Rates and
 * Proportions", eq. 4.14, without continuity correction):
 *   n = [z_α √(2 p̄ q̄) + z_β √(p1 q1 + p2 q2)]² / (p2 − p1)², rounded up.
 */
export function twoProportionSampleSize(options: {
  baselineRate: number;
  canaryRate: number;
  alpha: number;
  power: number;
}): number {
  const { baselineRate: p1, canaryRate: p2, alpha, power } = options;
  const mean = (p1 + p2) / 2;
  const zAlpha = normalQuantile(1 - alpha, 0, 1);
  const zBeta = normalQuantile(power, 0, 1);
  const root = zAlpha * Math.sqrt(2 * mean * (1 - mean)) + zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((root * root) / ((p2 - p1) * (p2 - p1)));
}
