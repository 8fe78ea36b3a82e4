/**
 * An analysis check: the canary targets against the baseline targets over the same window (from
 * the end of the batch's deploy to now), one Prometheus query per arm, judged by src/stats:
 *
 * - counts (failures out of requests): the raw rise of each arm's counters over the window
 *   (analysis-counters.ts: no extrapolation), by the anytime-valid rate-ratio test;
 * - series (a per-step value such as p95 latency): the anytime-valid paired sign test, or the
 *   fixed-horizon Mann-Whitney judge (Kayenta's rules), which decides at the end of the bake only.
 *
 * The sequential tests fail on a regression beyond minEffect (the shifted null) unless failOn
 * asks for any regression; every test spends this batch's share of alpha.
 *
 * `inconclusive` during the bake fails nothing; at the end of the bake onInconclusive settles it
 * (`pass`: the rollout goes on, recorded as inconclusive; `fail`: the step fails). No data is
 * inconclusive while the bake runs (the first scrapes may not have landed) and a failure at its
 * end; a query error is a failure at once.
 */
import type { BatchCheckContext, TargetSpec } from '../engine/ports.ts';
import type { AnalysisDecision } from '../stats/decision.ts';
import { judge } from '../stats/mann-whitney-judge.ts';
import { type ArmCounts, rateRatioTest } from '../stats/rate-ratio.ts';
import { signTest } from '../stats/sign-test.ts';
import { counterRise, LOOKBACK_MS } from './analysis-counters.ts';
import type { AnalysisCheckSpec, CountsMetricSpec, SeriesMetricSpec } from './check-specs.ts';
import type { FetchLike } from './http.ts';
import type { CheckOutcome } from './outcome.ts';
import { promDuration } from './prometheus.ts';
import { type Answer, labelsText, rangeQuery, rawSamples, type Series } from './prometheus-client.ts';
import { fillQuery } from './promql-template.ts';

export interface AnalysisCheckOptions {
  fetchImpl: FetchLike;
}

type Evidence = NonNullable<CheckOutcome['evidence']>;

/** What a test concluded, before the end of the bake settles `inconclusive`. */
interface Finding {
  decision: AnalysisDecision;
  message: string;
  evidence: Evidence;
  value?: number | undefined;
  metric?: string | undefined;
  scale?: 'log' | undefined;
  max?: number | undefined;
}

type Step<T> = { ok: true; value: T } | { ok: false; outcome: CheckOutcome };

export async function runAnalysisCheck(
  spec: AnalysisCheckSpec,
  context: BatchCheckContext,
  options: AnalysisCheckOptions,
  signal?: AbortSignal,
): Promise<CheckOutcome> {
  const windowMs = context.now - context.windowStart;
  if (windowMs < 1000) return waiting(context, `the window is only ${(windowMs / 1000).toFixed(2)} s long`);
  const query = { fetchImpl: options.fetchImpl, timeoutMs: spec.timeoutMs, signal };
  const found =
    spec.metric.type === 'counts'
      ? await countsFinding(spec, spec.metric, context, windowMs, query)
      : await seriesFinding(spec, spec.metric, context, query);
  if (!found.ok) return found.outcome;
  return settle(spec, context, found.value);
}

async function countsFinding(
  spec: AnalysisCheckSpec,
  metric: CountsMetricSpec,
  context: BatchCheckContext,
  windowMs: number,
  query: QueryArgs,
): Promise<Step<Finding>> {
  const read = (template: string, arm: TargetSpec[], what: string) =>
    counterTotal(spec, context, template, arm, query, what);
  const absent: string[] = [];
  const readArm = async (targets: TargetSpec[], name: 'canary' | 'baseline'): Promise<Step<ArmCounts>> => {
    const [failures, total] = await Promise.all([
      read(metric.failures, targets, `${name} failures`),
      read(metric.total, targets, `${name} requests`),
    ]);
    if (!failures.ok) return failures;
    if (!total.ok) return total;
    // Without requests the arm has no data anyway: say that, not that its failures are missing.
    if (failures.value === undefined && (total.value ?? 0) > 0) {
      if (metric.absentFailures === 'no-data')
        return {
          ok: false,
          outcome: waiting(
            context,
            `the failures selector matches no ${name} series (absentFailures: zero counts that as no failures)`,
          ),
        };
      absent.push(name);
    }
    return arm(failures.value, total.value, name);
  };
  const [c, b] = await Promise.all([
    readArm(context.canaries, 'canary'),
    readArm(context.baselines, 'baseline'),
  ]);
  if (!c.ok) return c;
  if (!b.ok) return b;
  const canary = c.value;
  const baseline = b.value;
  if (canary.total === 0 || baseline.total === 0) {
    const empty = canary.total === 0 ? 'canary' : 'baseline';
    return { ok: false, outcome: waiting(context, `no ${empty} requests in the window`) };
  }
  const alpha = batchAlpha(spec, context);
  const nullRatio = spec.failOn === 'beyond-min-effect' ? metric.minEffect : 1;
  const result = rateRatioTest(canary, baseline, { alpha, minEffect: metric.minEffect, nullRatio });
  const rates = `canary ${percent(result.canaryRate)} (${count(canary.failures)}/${count(canary.total)}) vs baseline ${percent(result.baselineRate)} (${count(baseline.failures)}/${count(baseline.total)})`;
  const bound = Number.isFinite(result.upper)
    ? `ratio ${num(result.ratio)}, at most ${num(result.upper)}`
    : `ratio ${num(result.ratio)}, not yet bounded`;
  const worse = nullRatio > 1 ? `more than ${nullRatio}× as often` : 'more often';
  const verdict =
    result.decision === 'fail'
      ? `e-value ${num(result.eValue)} ≥ ${num(result.threshold)}: the canary fails ${worse}`
      : result.decision === 'pass'
        ? `a ratio of ${metric.minEffect} or more is ruled out`
        : `e-value ${num(result.eValue)} < ${num(result.threshold)}, and a ratio of ${metric.minEffect} is not ruled out`;
  const unseen =
    absent.length > 0
      ? ` (the failures selector matched no ${absent.join(' or ')} series: counted as 0 failures, absentFailures: zero)`
      : '';
  return {
    ok: true,
    value: {
      decision: result.decision,
      message: `${rates}: ${bound}; ${verdict}${unseen}`,
      value: result.eValue,
      metric: 'e-value',
      scale: 'log',
      max: result.threshold,
      evidence: {
        test: 'rate-ratio',
        alpha,
        failOn: spec.failOn,
        nullRatio,
        eValue: result.eValue,
        threshold: result.threshold,
        ratio: finiteOrNull(result.ratio),
        upper: finiteOrNull(result.upper),
        minEffect: metric.minEffect,
        canaryFailures: canary.failures,
        canaryRequests: canary.total,
        baselineFailures: baseline.failures,
        baselineRequests: baseline.total,
        absentFailures: absent.length > 0 ? absent.join(' and ') : null,
        windowSeconds: windowMs / 1000,
      },
    },
  };
}

async function seriesFinding(
  spec: AnalysisCheckSpec,
  metric: SeriesMetricSpec,
  context: BatchCheckContext,
  query: QueryArgs,
): Promise<Step<Finding>> {
  const step = metric.stepMs / 1000;
  // Steps aligned to multiples of the step, starting after the window opened.
  const start = Math.ceil(context.windowStart / 1000 / step) * step + step;
  const end = context.now / 1000;
  if (end < start)
    return {
      ok: false,
      outcome: waiting(context, `no complete ${promDuration(metric.stepMs)} step since the deploy yet`),
    };
  const tokens = { step: promDuration(metric.stepMs) };
  const read = (arm: TargetSpec[], what: string) =>
    armSeries(spec, context, metric.query, arm, tokens, { start, end, step }, query, what);
  const [c, b] = await Promise.all([read(context.canaries, 'canary'), read(context.baselines, 'baseline')]);
  if (!c.ok) return c;
  if (!b.ok) return b;
  const byTime = new Map(b.value.map((p) => [Math.round(p.at * 1000), p.value]));
  const canary: number[] = [];
  const baseline: number[] = [];
  for (const point of c.value) {
    const other = byTime.get(Math.round(point.at * 1000));
    if (other === undefined || !Number.isFinite(other) || !Number.isFinite(point.value)) continue;
    canary.push(point.value);
    baseline.push(other);
  }
  if (canary.length === 0)
    return { ok: false, outcome: waiting(context, 'no step has values in both arms yet') };
  const evidenceBase = { steps: canary.length, stepSeconds: step, direction: metric.direction };
  if (metric.test.kind === 'sequential') {
    const alpha = batchAlpha(spec, context);
    const nullShift = spec.failOn === 'beyond-min-effect' ? metric.test.minEffect : 0;
    const result = signTest(canary, baseline, {
      alpha,
      minEffect: metric.test.minEffect,
      direction: metric.direction,
      nullShift,
    });
    const bound = Number.isFinite(result.upper) ? `, at most ${pct(result.upper)}` : ', not yet bounded';
    const verdict =
      result.decision === 'fail'
        ? `e-value ${num(result.eValue)} ≥ ${num(result.threshold)}: the canary is worse${nullShift > 0 ? ` by more than ${pct(nullShift)}` : ''}`
        : result.decision === 'pass'
          ? `a difference of ${pct(metric.test.minEffect)} or more is ruled out`
          : `e-value ${num(result.eValue)} < ${num(result.threshold)}, and ${pct(metric.test.minEffect)} is not ruled out`;
    return {
      ok: true,
      value: {
        decision: result.decision,
        message: `canary worse${nullShift > 0 ? ` by more than ${pct(nullShift)}` : ''} in ${result.worse} of ${result.pairs} steps, by ${pct(result.estimate)} (median)${bound}; ${verdict}`,
        value: result.eValue,
        metric: 'e-value',
        scale: 'log',
        max: result.threshold,
        evidence: {
          test: 'sign',
          ...evidenceBase,
          alpha,
          failOn: spec.failOn,
          nullShift,
          eValue: result.eValue,
          threshold: result.threshold,
          pairs: result.pairs,
          worse: result.worse,
          estimate: finiteOrNull(result.estimate),
          upper: finiteOrNull(result.upper),
          minEffect: metric.test.minEffect,
        },
      },
    };
  }
  const test = metric.test;
  if (!context.final) {
    return {
      ok: true,
      value: {
        decision: 'inconclusive',
        message: `Mann-Whitney is a fixed-horizon test: it judges ${canary.length} steps so far at the end of the bake`,
        evidence: { test: 'mann-whitney', ...evidenceBase },
      },
    };
  }
  const alpha = batchAlpha(spec, context);
  const confidence = mannWhitneyConfidence(test.confidence, alpha, metric.direction);
  const verdict = judge(canary, baseline, { direction: metric.direction, ...test, confidence });
  const decision: AnalysisDecision =
    verdict.classification === 'high' || verdict.classification === 'low' ? 'fail' : 'pass';
  return {
    ok: true,
    value: {
      decision,
      message: `Mann-Whitney over ${canary.length} steps: ${verdict.classification}: ${verdict.reason}`,
      value: verdict.gated ? undefined : verdict.score,
      metric: 'shift/|estimate|',
      max: test.tolerance,
      evidence: {
        test: 'mann-whitney',
        ...evidenceBase,
        classification: verdict.classification,
        estimate: finiteOrNull(verdict.test?.estimate ?? Number.NaN),
        lower: finiteOrNull(verdict.test?.lower ?? Number.NaN),
        upper: finiteOrNull(verdict.test?.upper ?? Number.NaN),
        pValue: finiteOrNull(verdict.test?.pValue ?? Number.NaN),
        effectSize: finiteOrNull(verdict.effectSize),
        tolerance: test.tolerance,
        alpha,
        confidence,
      },
    },
  };
}

/** The end of the bake settles an inconclusive finding; before it, inconclusive fails nothing. */
function settle(spec: AnalysisCheckSpec, context: BatchCheckContext, found: Finding): CheckOutcome {
  const evidence = { ...found.evidence, decision: found.decision, final: context.final };
  const base = {
    value: found.value,
    metric: found.metric,
    scale: found.scale,
    threshold: found.max === undefined ? undefined : { max: found.max },
    evidence,
  };
  if (found.decision !== 'inconclusive') return { ...base, status: found.decision, message: found.message };
  if (!context.final)
    return { ...base, status: 'inconclusive', message: `inconclusive so far: ${found.message}` };
  return spec.onInconclusive === 'fail'
    ? {
        ...base,
        status: 'fail',
        message: `inconclusive at the end of the bake (onInconclusive: fail): ${found.message}`,
      }
    : {
        ...base,
        status: 'inconclusive',
        message: `inconclusive at the end of the bake; onInconclusive: pass lets the rollout go on: ${found.message}`,
      };
}

/** Not enough data: inconclusive while the bake runs, no data at its end. */
function waiting(context: BatchCheckContext, why: string): CheckOutcome {
  const evidence = { decision: 'inconclusive', final: context.final };
  if (context.final)
    return { status: 'no_data', message: `no data to compare at the end of the bake: ${why}`, evidence };
  return { status: 'inconclusive', message: `waiting for data: ${why}`, evidence };
}

function errorOutcome(message: string): CheckOutcome {
  return { status: 'error', message };
}

type QueryArgs = { fetchImpl: FetchLike; timeoutMs: number; signal?: AbortSignal | undefined };

/**
 * The raw rise of an arm's counters from the window's start to the look (counter-rises summed
 * over the series the selector matches); undefined when it matches no series.
 */
async function counterTotal(
  spec: AnalysisCheckSpec,
  context: BatchCheckContext,
  template: string,
  arm: TargetSpec[],
  query: QueryArgs,
  what: string,
): Promise<Step<number | undefined>> {
  const filled = fillArm(context, template, arm, {});
  if (!filled.ok) return filled;
  const rangeMs = Math.ceil(context.now - context.windowStart + LOOKBACK_MS);
  const selector = `${filled.value.trim()}[${rangeMs}ms]`;
  const answer = await rawSamples(spec.server, selector, context.now / 1000, query);
  if (!answer.ok) return { ok: false, outcome: errorOutcome(`${what}: ${answer.message}`) };
  if (answer.data.length === 0) return { ok: true, value: undefined };
  let rise = 0;
  for (const series of answer.data) {
    if (series.values.some((v) => !Number.isFinite(v.value)))
      return {
        ok: false,
        outcome: errorOutcome(`${what}: ${labelsText(series.metric)} has a sample that is not a number`),
      };
    rise += counterRise(series.values, context.windowStart / 1000);
  }
  return { ok: true, value: rise };
}

async function armSeries(
  spec: AnalysisCheckSpec,
  context: BatchCheckContext,
  template: string,
  arm: TargetSpec[],
  tokens: Record<string, string>,
  range: { start: number; end: number; step: number },
  query: QueryArgs,
  what: string,
): Promise<Step<Series['values']>> {
  const asked = await askArm(context, template, arm, tokens, what, (q) =>
    rangeQuery(spec.server, q, range, query),
  );
  if (!asked.ok) return asked;
  const values = asked.value?.values ?? [];
  if (values.length === 0) return { ok: false, outcome: waiting(context, `no ${what} series yet`) };
  return { ok: true, value: values };
}

/** An arm's query with its targets filled in, asked with `ask`: its one series, undefined for none. */
async function askArm<T extends { metric: Record<string, string> }>(
  context: BatchCheckContext,
  template: string,
  arm: TargetSpec[],
  tokens: Record<string, string>,
  what: string,
  ask: (query: string) => Promise<Answer<T[]>>,
): Promise<Step<T | undefined>> {
  const filled = fillArm(context, template, arm, tokens);
  if (!filled.ok) return filled;
  const answer = await ask(filled.value);
  if (!answer.ok) return { ok: false, outcome: errorOutcome(`${what}: ${answer.message}`) };
  if (answer.data.length > 1) {
    const shown = answer.data
      .slice(0, 2)
      .map((s) => labelsText(s.metric))
      .join(', ');
    return {
      ok: false,
      outcome: errorOutcome(
        `${what}: the query returned ${answer.data.length} series (${shown}…); aggregate the arm with sum()`,
      ),
    };
  }
  return { ok: true, value: answer.data[0] };
}

/**
 * Failures and requests of one arm. No failures series (when absentFailures allows it) counts as
 * zero; no requests series counts as no requests. The counts are raw counter rises, so more
 * failures than requests means the selectors do not count the same requests.
 */
function arm(failures: number | undefined, total: number | undefined, name: string): Step<ArmCounts> {
  const t = total ?? 0;
  const f = failures ?? 0;
  if (f > t) {
    return {
      ok: false,
      outcome: errorOutcome(`${name}: ${num(f)} failures of only ${num(t)} requests; check the selectors`),
    };
  }
  return { ok: true, value: { failures: f, total: t } };
}

/** The query with the arm's targets and the context filled in. */
function fillArm(
  context: BatchCheckContext,
  template: string,
  arm: TargetSpec[],
  tokens: Record<string, string>,
): Step<string> {
  const values = { strings: contextStrings(context), lists: { targets: arm.map((t) => t.name) }, tokens };
  const filled = fillQuery(template, values);
  return filled.ok ? { ok: true, value: filled.query } : { ok: false, outcome: errorOutcome(filled.message) };
}

function contextStrings(context: BatchCheckContext): Record<string, string> {
  return {
    service: context.service,
    environment: context.environment,
    component: context.component,
    version: context.version,
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e6 ? value.toExponential(2) : value.toFixed(2);
}

function count(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function percent(rate: number): string {
  return Number.isFinite(rate) ? `${(rate * 100).toFixed(2)}%` : 'n/a';
}

function pct(fraction: number): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(1)}%` : String(fraction);
}

/**
 * The level of the Mann-Whitney interval that spends at most this batch's alpha: a two-sided
 * interval at level c is wrong on one side with probability (1 − c)/2, so a one-sided direction
 * needs c ≥ 1 − 2·alpha and `either` c ≥ 1 − alpha; a stricter configured confidence stands.
 */
function mannWhitneyConfidence(
  configured: number,
  alpha: number,
  direction: SeriesMetricSpec['direction'],
): number {
  const sides = direction === 'either' ? 1 : 2;
  return Math.max(configured, 1 - sides * alpha);
}

/**
 * The alpha this batch's sequential test spends: the check's alpha split evenly over the batches
 * of the rollout that compare (Bonferroni), so a healthy rollout is rolled back with probability
 * at most alpha in all, not alpha per batch.
 */
function batchAlpha(spec: AnalysisCheckSpec, context: BatchCheckContext): number {
  return spec.alpha / Math.max(1, context.comparisons);
}
