/**
 * A Prometheus check on one target: an instant query (or a range query reduced to one value)
 * held against max/min, or the deviation of a range query's series from a baseline series (a
 * second query, or the same query's own recent history), in seed 000's words:
 * `CRITICAL: Deviation (116.55) is greater than maximum allowed (100.00)`.
 * No series, NaN, ±Inf, an HTTP error or a Prometheus error is a failure, never a pass.
 */
import type { CommandContext } from '../engine/ports.ts';
import { isCritical, verdictLine } from '../render/verdict.ts';
import { deviation } from '../stats/deviation.ts';
import type { PrometheusCheckSpec } from './check-specs.ts';
import type { FetchLike } from './http.ts';
import type { CheckOutcome } from './outcome.ts';
import { type Answer, instantQuery, labelsText, rangeQuery, type Series } from './prometheus-client.ts';
import { fillQuery, type TemplateValues } from './promql-template.ts';

export interface PrometheusCheckOptions {
  fetchImpl: FetchLike;
  /** Epoch milliseconds: the time the query is evaluated at. */
  now: () => number;
}

export async function runPrometheusCheck(
  spec: PrometheusCheckSpec,
  context: CommandContext,
  options: PrometheusCheckOptions,
  signal?: AbortSignal,
): Promise<CheckOutcome> {
  const threshold =
    spec.max !== undefined || spec.min !== undefined ? { max: spec.max, min: spec.min } : undefined;
  const base = {
    unit: spec.unit,
    threshold,
    metric: spec.deviation ? 'deviation' : (spec.range?.reduce ?? 'value'),
  };
  const values = targetValues(spec, context);
  const filled = fillQuery(spec.query, values);
  if (!filled.ok) return { ...base, status: 'error', message: filled.message };
  const query = { fetchImpl: options.fetchImpl, timeoutMs: spec.timeoutMs, signal };
  const time = options.now() / 1000;

  if (!spec.range) {
    const answer = await instantQuery(spec.server, filled.query, time, query);
    const one = single(answer, context.target.name);
    if (!one.ok) return { ...base, status: one.status, message: one.message };
    return judge(spec, one.value, base);
  }

  const { rangeMs, stepMs, reduce } = spec.range;
  const window = { start: time - rangeMs / 1000, end: time, step: stepMs / 1000 };
  const series = singleSeries(
    await rangeQuery(spec.server, filled.query, window, query),
    context.target.name,
  );
  if (!series.ok) return { ...base, status: series.status, message: series.message };
  if (!spec.deviation) {
    const reduced = reduceSeries(
      series.values.map((p) => p.value),
      reduce,
    );
    if (!reduced.ok)
      return { ...base, status: reduced.status, message: `${reduce} of the series: ${reduced.message}` };
    return judge(spec, reduced.value, base);
  }

  const historyMs = spec.deviation.historyMs ?? 0;
  const baselineTemplate = spec.deviation.baseline ?? spec.query;
  const baselineQuery = fillQuery(baselineTemplate, values);
  if (!baselineQuery.ok) return { ...base, status: 'error', message: `baseline ${baselineQuery.message}` };
  const shift = historyMs / 1000;
  const baselineWindow = { start: window.start - shift, end: window.end - shift, step: window.step };
  const baseline = singleSeries(
    await rangeQuery(spec.server, baselineQuery.query, baselineWindow, query),
    `the baseline of ${context.target.name}`,
  );
  if (!baseline.ok) return { ...base, status: baseline.status, message: `baseline: ${baseline.message}` };
  const result = deviation(series.values, baseline.values, shift);
  if (result.points === 0) {
    return {
      ...base,
      status: 'no_data',
      message: 'the series and its baseline share no time with values on both sides',
    };
  }
  return judge(spec, result.value, base, 'Deviation');
}

function targetValues(spec: PrometheusCheckSpec, context: CommandContext): TemplateValues {
  const strings: Record<string, string> = {
    target: context.target.name,
    service: context.service,
    environment: context.environment,
    component: context.component,
    version: context.version,
  };
  for (const [key, value] of Object.entries(context.target.labels)) strings[`labels.${key}`] = value;
  const tokens: Record<string, string> = spec.range ? { range: promDuration(spec.range.rangeMs) } : {};
  return { strings, tokens };
}

type Value = { ok: true; value: number } | { ok: false; status: 'error' | 'no_data'; message: string };
type SeriesValues =
  | { ok: true; values: Series['values'] }
  | { ok: false; status: 'error' | 'no_data'; message: string };

/** The one sample an instant query must return for a target. */
function single(answer: Answer<{ metric: Record<string, string>; value: number }[]>, target: string): Value {
  if (!answer.ok) return { ok: false, status: 'error', message: answer.message };
  if (answer.data.length === 0)
    return { ok: false, status: 'no_data', message: `the query returned no series for ${target}` };
  if (answer.data.length > 1)
    return { ok: false, status: 'error', message: tooMany(answer.data.map((s) => s.metric)) };
  return finite((answer.data[0] as { value: number }).value);
}

function singleSeries(answer: Answer<Series[]>, target: string): SeriesValues {
  if (!answer.ok) return { ok: false, status: 'error', message: answer.message };
  const [first] = answer.data;
  if (!first || first.values.length === 0)
    return { ok: false, status: 'no_data', message: `the query returned no series for ${target}` };
  if (answer.data.length > 1)
    return { ok: false, status: 'error', message: tooMany(answer.data.map((s) => s.metric)) };
  return { ok: true, values: first.values };
}

function tooMany(metrics: Record<string, string>[]): string {
  const shown = metrics.slice(0, 3).map(labelsText).join(', ');
  return `the query returned ${metrics.length} series (${shown}${metrics.length > 3 ? ', …' : ''}); a check needs one: aggregate with sum(), max() or avg()`;
}

/** NaN is what Prometheus gives for 0/0 (no traffic); ±Inf for x/0. Neither may pass. */
export function finite(value: number): Value {
  if (Number.isNaN(value))
    return {
      ok: false,
      status: 'no_data',
      message: 'the query returned NaN (0/0: no requests in the window?)',
    };
  if (!Number.isFinite(value))
    return {
      ok: false,
      status: 'error',
      message: `the query returned ${value > 0 ? '+Inf' : '-Inf'} (a division by zero?)`,
    };
  return { ok: true, value };
}

function reduceSeries(values: number[], reduce: 'last' | 'max' | 'min' | 'mean'): Value {
  const bad = values.find((v) => !Number.isFinite(v));
  if (bad !== undefined) return finite(bad);
  switch (reduce) {
    case 'last':
      return { ok: true, value: values.at(-1) as number };
    case 'max':
      return { ok: true, value: Math.max(...values) };
    case 'min':
      return { ok: true, value: Math.min(...values) };
    case 'mean':
      return { ok: true, value: values.reduce((a, b) => a + b, 0) / values.length };
  }
}

function judge(
  spec: PrometheusCheckSpec,
  value: number,
  base: Omit<CheckOutcome, 'status' | 'message'>,
  name = spec.name,
): CheckOutcome {
  const input = { name, value, max: spec.max, min: spec.min, unit: spec.unit };
  return { ...base, status: isCritical(input) ? 'fail' : 'pass', value, message: verdictLine(input) };
}

/** A Prometheus duration: whole seconds, or milliseconds below a second. */
export function promDuration(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)}s` : `${Math.max(1, Math.round(ms))}ms`;
}
