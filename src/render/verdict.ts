/** One-line verdicts on a check's value against its limits, and a check's chart with its verdict. */
import type { CheckSeries } from '../engine/result.ts';
import { plotAscii } from './ascii-plot.ts';

export interface VerdictInput {
  name: string;
  value: number;
  max?: number | undefined;
  min?: number | undefined;
  unit?: string | undefined;
}

/** A number with two decimals and its unit: `412.00 ms`. */
export function formatValue(value: number, unit?: string): string {
  const text = value.toFixed(2);
  return `${text === '-0.00' ? '0.00' : text}${unit ? ` ${unit}` : ''}`;
}

/** Whether the value breaks one of its limits (a value equal to a limit is within it). */
export function isCritical(s: VerdictInput): boolean {
  return (s.max !== undefined && s.value > s.max) || (s.min !== undefined && s.value < s.min);
}

/**
 * `CRITICAL: p95 latency (412.00 ms) is greater than maximum allowed (300.00 ms)`,
 * `CRITICAL: <name> (v) is less than minimum allowed (m)`, or `OK: <name> (v) is within limits (max m)`.
 */
export function verdictLine(s: VerdictInput): string {
  const value = formatValue(s.value, s.unit);
  if (s.max !== undefined && s.value > s.max) {
    return `CRITICAL: ${s.name} (${value}) is greater than maximum allowed (${formatValue(s.max, s.unit)})`;
  }
  if (s.min !== undefined && s.value < s.min) {
    return `CRITICAL: ${s.name} (${value}) is less than minimum allowed (${formatValue(s.min, s.unit)})`;
  }
  const limits = [
    s.min !== undefined ? `min ${formatValue(s.min, s.unit)}` : undefined,
    s.max !== undefined ? `max ${formatValue(s.max, s.unit)}` : undefined,
  ].filter((l) => l !== undefined);
  return `OK: ${s.name} (${value}) is within limits (${limits.length > 0 ? limits.join(', ') : 'none set'})`;
}

type Point = CheckSeries['points'][number];

/**
 * The observation a check's verdict is about: the highest value against a maximum, the lowest
 * against a minimum (with both, whichever breaks its limit, else the highest), the last without limits.
 */
export function worstPoint(series: CheckSeries): Point | undefined {
  const points = series.points;
  if (points.length === 0) return undefined;
  const highest = points.reduce((a, b) => (b.value > a.value ? b : a));
  const lowest = points.reduce((a, b) => (b.value < a.value ? b : a));
  if (series.max !== undefined && highest.value > series.max) return highest;
  if (series.min !== undefined && lowest.value < series.min) return lowest;
  if (series.max !== undefined) return highest;
  if (series.min !== undefined) return lowest;
  return points.at(-1);
}

/** The lowest value a log-scale plot draws: an e-value of 10⁻⁶ and below is as good as none. */
const LOG_FLOOR = 1e-6;

/**
 * What a plot of the series draws: its values and limit as they are, or for a log-scale series
 * (an e-value) their log10, with the axis named so.
 */
export function plotted(series: CheckSeries): {
  values: number[];
  transform: (value: number) => number;
  axis: string | undefined;
} {
  if (series.scale !== 'log') {
    return { values: series.points.map((p) => p.value), transform: (v) => v, axis: series.unit };
  }
  const transform = (v: number) => Math.log10(Math.max(v, LOG_FLOOR));
  const measure = [series.metric, series.unit].filter((s) => s !== undefined).join(', ');
  return {
    values: series.points.map((p) => transform(p.value)),
    transform,
    axis: `log10 ${measure || 'value'}`,
  };
}

/** The verdict on a check's worst observation, naming the target it came from; undefined without points. */
export function checkVerdict(series: CheckSeries): string | undefined {
  const worst = worstPoint(series);
  if (!worst) return undefined;
  // A log-scale value (an e-value) means nothing without its name; other checks name theirs by the check.
  const metric = series.scale === 'log' && series.metric ? ` ${series.metric}` : '';
  return verdictLine({
    name: `${series.check}${metric} on ${worst.target}`,
    value: worst.value,
    max: series.max,
    min: series.min,
    unit: series.unit,
  });
}

/**
 * A check's values by observation (1, 2, …) with its limit drawn in, then the verdict line for the
 * worst value. The limit drawn is the maximum, or the minimum when there is no maximum or only the
 * minimum is broken.
 */
export function checkReport(series: CheckSeries, options: { width?: number; height?: number } = {}): string {
  const verdict = checkVerdict(series);
  const worst = worstPoint(series);
  const minBroken = worst !== undefined && series.min !== undefined && worst.value < series.min;
  const { values, transform, axis } = plotted(series);
  const limit =
    series.max !== undefined && !minBroken
      ? { value: transform(series.max), label: `max ${formatValue(series.max, series.unit)}` }
      : series.min !== undefined
        ? { value: transform(series.min), label: `min ${formatValue(series.min, series.unit)}` }
        : undefined;
  const n = series.points.length;
  const plot = plotAscii([{ points: values }], {
    ...options,
    title: `${series.check}: ${n} observation${n === 1 ? '' : 's'}${series.scale === 'log' ? ', log scale' : ''}`,
    yUnit: axis,
    threshold: limit,
    xStart: 1,
  });
  return verdict ? `${plot}\n${verdict}` : plot;
}
