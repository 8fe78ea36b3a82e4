/**
 * A fixed-horizon canary judge in the manner of Netflix's Kayenta (its NetflixACAJudge, metric
 * classifier MannWhitneyClassifier): a Mann-Whitney test of the canary's values against the
 * baseline's, with the classification rules Kayenta documents and ships:
 *
 * - no data in either arm is `nodata`; identical samples, or a single distinct value overall, pass;
 * - `high` when the direction allows an increase, the lower end of the shift's confidence interval
 *   exceeds tolerance × |Hodges–Lehmann estimate|, and the effect size (canary mean ÷ baseline
 *   mean; 1 when the baseline mean is 0) is at least allowedIncrease;
 * - `low` symmetrically (upper end below −tolerance × |estimate|, effect size at most allowedDecrease);
 * - otherwise `pass`.
 *
 * Kayenta's defaults: confidence 0.98 (a two-sided interval, so each side is tested at 0.01),
 * tolerance 0.25, allowedIncrease = allowedDecrease = 1 (no effect-size gate).
 */
import type { Direction } from './decision.ts';
import { type MannWhitneyResult, mannWhitney } from './mann-whitney.ts';

export interface JudgeOptions {
  direction: Direction;
  confidence: number;
  tolerance: number;
  allowedIncrease: number;
  allowedDecrease: number;
}

export const KAYENTA_DEFAULTS: Omit<JudgeOptions, 'direction'> = {
  confidence: 0.98,
  tolerance: 0.25,
  allowedIncrease: 1,
  allowedDecrease: 1,
};

export type Classification = 'high' | 'low' | 'pass' | 'nodata';

export interface JudgeResult {
  classification: Classification;
  /** Why, in one line. */
  reason: string;
  /** Canary mean ÷ baseline mean (Kayenta's "meanRatio" effect size). */
  effectSize: number;
  /** tolerance × |estimate|: how far the interval must sit from zero. */
  bound: number;
  /**
   * How far the interval sits from zero in units of |estimate|, in the direction(s) that count:
   * above `tolerance` means significant; undefined when no test ran.
   */
  score?: number | undefined;
  /** Significant, but passed because the effect size did not reach allowedIncrease/allowedDecrease. */
  gated: boolean;
  test?: MannWhitneyResult | undefined;
}

export function judge(
  canary: readonly number[],
  baseline: readonly number[],
  options: JudgeOptions,
): JudgeResult {
  const x = canary.filter((v) => Number.isFinite(v));
  const y = baseline.filter((v) => Number.isFinite(v));
  if (x.length === 0 || y.length === 0) {
    const which = x.length === 0 ? 'canary' : 'baseline';
    return { classification: 'nodata', reason: `no ${which} values`, effectSize: 1, bound: 0, gated: false };
  }
  const effectSize = meanRatio(x, y);
  if (sameValues(x, y) || new Set([...x, ...y]).size === 1) {
    return {
      classification: 'pass',
      reason: 'canary and baseline values are identical',
      effectSize,
      gated: false,
      bound: 0,
    };
  }
  const test = mannWhitney(x, y, { alternative: 'two-sided', confidence: options.confidence });
  const scale = Math.abs(test.estimate);
  const bound = options.tolerance * scale;
  const up = options.direction !== 'decrease';
  const down = options.direction !== 'increase';
  const scores = [up ? test.lower : Number.NEGATIVE_INFINITY, down ? -test.upper : Number.NEGATIVE_INFINITY];
  const score = scale > 0 ? Math.max(...scores) / scale : undefined;
  const base = { effectSize, bound, score, test, gated: false };
  const interval = `interval [${fmt(test.lower)}, ${fmt(test.upper)}] for the shift ${fmt(test.estimate)}`;
  if (up && test.lower > bound) {
    if (effectSize >= options.allowedIncrease) {
      return { ...base, classification: 'high', reason: `${interval} lies above +${fmt(bound)}` };
    }
    return {
      ...base,
      gated: true,
      classification: 'pass',
      reason: `${interval} lies above +${fmt(bound)}, but the effect size ${fmt(effectSize)} is below allowedIncrease ${options.allowedIncrease}`,
    };
  }
  if (down && test.upper < -bound) {
    if (effectSize <= options.allowedDecrease) {
      return { ...base, classification: 'low', reason: `${interval} lies below −${fmt(bound)}` };
    }
    return {
      ...base,
      gated: true,
      classification: 'pass',
      reason: `${interval} lies below −${fmt(bound)}, but the effect size ${fmt(effectSize)} is above allowedDecrease ${options.allowedDecrease}`,
    };
  }
  return { ...base, classification: 'pass', reason: `${interval} is within ±${fmt(bound)}` };
}

function meanRatio(x: readonly number[], y: readonly number[]): number {
  const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const control = mean(y);
  return control === 0 ? 1 : mean(x) / control;
}

function sameValues(x: readonly number[], y: readonly number[]): boolean {
  if (x.length !== y.length) return false;
  const a = [...x].sort((p, q) => p - q);
  const b = [...y].sort((p, q) => p - q);
  return a.every((v, i) => v === b[i]);
}

function fmt(value: number): string {
  return Number.isFinite(value) ? Number(value.toPrecision(4)).toString() : String(value);
}
