/**
 * What a statistical comparison of canary and baseline concludes. `inconclusive` is not a pass:
 * the data neither show a regression nor rule one out (yet).
 */
export const ANALYSIS_DECISIONS = ['pass', 'fail', 'inconclusive'] as const;
export type AnalysisDecision = (typeof ANALYSIS_DECISIONS)[number];

/** Which way a metric gets worse: `increase` for latency and errors, `decrease` for throughput. */
export const DIRECTIONS = ['increase', 'decrease', 'either'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** e-values are kept as logarithms; reported values stop at this so they stay finite in JSON. */
export const MAX_REPORTED_LOG_E = 700;

/** exp of a log e-value, capped so it stays a finite number. */
export function reportedE(logE: number): number {
  return Math.exp(Math.min(logE, MAX_REPORTED_LOG_E));
}
