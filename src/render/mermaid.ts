/**
 * A check's values as a Mermaid `xychart-beta` line chart, for Markdown that GitHub renders (check
 * runs, job summaries): the values by observation, and the limit as a second, flat line.
 */
import type { CheckSeries } from '../engine/result.ts';
import { niceTicks } from './ascii-plot.ts';
import { plotted } from './verdict.ts';

/** More observations than this are reduced to this many buckets, each keeping its worst value. */
export const MERMAID_MAX_POINTS = 100;

export function mermaidChart(series: CheckSeries): string | undefined {
  if (series.points.length === 0) return undefined;
  const drawn = plotted(series);
  const limitValue = series.max ?? series.min;
  const limit = limitValue === undefined ? undefined : drawn.transform(limitValue);
  const worstIsLow = series.max === undefined && series.min !== undefined;
  const values = bucketed(drawn.values, MERMAID_MAX_POINTS, worstIsLow);
  const all = limit === undefined ? values : [...values, limit];
  const ticks = niceTicks(Math.min(...all), Math.max(...all), 5);
  const unit = drawn.axis ? ` (${drawn.axis})` : '';
  const observations = series.points.length;
  const lines = [
    'xychart-beta',
    `  title "${quoted(series.check)}${quoted(unit)}: ${observations} observation${observations === 1 ? '' : 's'}"`,
    `  x-axis "observation" [${values.map((_, i) => String(xLabel(i, values.length, observations))).join(', ')}]`,
    `  y-axis "${quoted(drawn.axis ?? 'value')}" ${number(ticks.min)} --> ${number(ticks.max)}`,
    `  line [${values.map(number).join(', ')}]`,
  ];
  if (limit !== undefined) lines.push(`  line [${values.map(() => number(limit)).join(', ')}]`);
  return lines.join('\n');
}

/** Observation number shown under point i of n (1-based; the last bucket ends at the last observation). */
function xLabel(i: number, n: number, observations: number): number {
  return n === observations ? i + 1 : Math.round(((i + 1) * observations) / n);
}

/** At most max values: consecutive buckets, each reduced to its highest (or lowest) value. */
function bucketed(values: number[], max: number, lowest: boolean): number[] {
  if (values.length <= max) return values;
  const out: number[] = [];
  for (let b = 0; b < max; b++) {
    const bucket = values.slice(
      Math.floor((b * values.length) / max),
      Math.floor(((b + 1) * values.length) / max),
    );
    out.push(lowest ? Math.min(...bucket) : Math.max(...bucket));
  }
  return out;
}

function number(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** Mermaid strings are double-quoted and cannot escape a quote: use a single one. */
function quoted(text: string): string {
  return text.replaceAll('"', "'").replace(/[\r\n]+/g, ' ');
}
