/**
 * The fleet of the real-Prometheus analysis benchmark (bench/analysis-prometheus.ts): rollouts of
 * ten targets serving 200 requests/s each with 1 % errors, their counters as Prometheus would
 * scrape them (each target at its own phase of the scrape interval), and the two ways of reading
 * an arm's counts over a window that the benchmark compares:
 *
 * - `raw`: the counters' rise from the last sample at or before the window's start to the last at
 *   or before the look (what the analysis check reads now, src/checks/analysis-counters.ts);
 * - `extrapolated`: Prometheus' increase() over `[{window}]` with the window rounded to whole
 *   seconds, summed over the series (what the check read before): Prometheus 2.42's
 *   extrapolatedRate (promql/functions.go), re-implemented here so runs beyond the ones sent
 *   through the server can be simulated; every look of the server runs checks it.
 */
import type { TimedValue } from '../src/stats/deviation.ts';
import type { Random } from '../src/stats/random.ts';

export const TARGETS = 10;
export const REQUESTS_PER_SECOND = 200;
export const ERROR_RATE = 0.01;
/** Batches of 1, 2, 4 and 3 targets: the first three have baselines left, so alpha is split in 3. */
export const BATCHES = [1, 2, 4, 3];
export const COMPARISONS = 3;
export const BAKE_MS = 5 * 60_000;
export const CHECK_EVERY_MS = 10_000;
/** History before the first deploy, so every window's lookback has samples. */
const LEAD_MS = 6 * 60_000;
/** Time a batch's deploy takes, between one bake and the next. */
const DEPLOY_MS = 20_000;

export interface Series {
  target: string;
  code: '200' | '500';
  samples: TimedValue[];
}

export interface Window {
  batch: number;
  /** Epoch ms when the batch's deploy finished. */
  windowStart: number;
  canaries: string[];
  baselines: string[];
}

export interface Rollout {
  series: Series[];
  windows: Window[];
}

/**
 * One rollout of replicate `r` starting at `start` (epoch ms): targets `r<r>-t<i>`, the canaries
 * failing `canaryErrorRate` from the end of their batch's deploy. `batches` limits how many
 * batches are generated (a regression run needs only the first).
 */
export function rollout(
  random: Random,
  options: { replicate: number; start: number; scrapeMs: number; canaryErrorRate: number; batches: number },
): Rollout {
  const names = Array.from({ length: TARGETS }, (_, i) => `r${options.replicate}-t${i}`);
  const windows: Window[] = [];
  let deployed = 0;
  // The deploy's end falls anywhere relative to the scrapes.
  let at = options.start + LEAD_MS + Math.floor(random.uniform() * options.scrapeMs);
  for (const [batch, size] of BATCHES.slice(0, options.batches).entries()) {
    deployed += size;
    windows.push({
      batch: batch + 1,
      windowStart: at,
      canaries: names.slice(0, deployed),
      baselines: names.slice(deployed),
    });
    at += BAKE_MS + DEPLOY_MS;
  }
  const end = at;
  const deployedAt = (i: number) => windows.find((w) => w.canaries.includes(names[i] as string))?.windowStart;
  const series = names.flatMap((target, i) =>
    counters(random, {
      target,
      start: options.start,
      end,
      scrapeMs: options.scrapeMs,
      errorRateAt: (t) => {
        const since = deployedAt(i);
        return since !== undefined && t > since ? options.canaryErrorRate : ERROR_RATE;
      },
    }),
  );
  return { series, windows };
}

/** A target's two counters (ok and failed requests) scraped every scrapeMs at a random phase. */
function counters(
  random: Random,
  o: { target: string; start: number; end: number; scrapeMs: number; errorRateAt: (t: number) => number },
): Series[] {
  const ok: TimedValue[] = [];
  const failed: TimedValue[] = [];
  // Counters of a long-running process: large, so Prometheus' zero-point rule never applies.
  let good = Math.floor(1e6 * (1 + random.uniform()));
  let bad = Math.floor(good * ERROR_RATE);
  const requests = Math.round((REQUESTS_PER_SECOND * o.scrapeMs) / 1000);
  for (let t = o.start + Math.floor(random.uniform() * o.scrapeMs); t <= o.end; t += o.scrapeMs) {
    const errors = random.binomial(requests, o.errorRateAt(t));
    good += requests - errors;
    bad += errors;
    ok.push({ at: t / 1000, value: good });
    failed.push({ at: t / 1000, value: bad });
  }
  return [
    { target: o.target, code: '200', samples: ok },
    { target: o.target, code: '500', samples: failed },
  ];
}

export interface ArmCounts {
  failures: number;
  total: number;
}

export type Reading = 'raw' | 'extrapolated';

/**
 * An arm's failures and requests at `now` over the window from `windowStart`, read one way. The
 * generated counters never reset, so the raw rise is the difference of two samples (what
 * counterRise gives without resets, found by bisection so long simulations stay fast); the
 * server runs compare both readings with the check's counts at every look.
 */
export function readArm(
  index: ReadonlyMap<string, Series[]>,
  targets: readonly string[],
  windowStart: number,
  now: number,
  reading: Reading,
): ArmCounts {
  let failures = 0;
  let total = 0;
  for (const target of targets) {
    for (const s of index.get(target) ?? []) {
      const value =
        reading === 'raw'
          ? rawRise(s.samples, windowStart, now)
          : extrapolatedIncrease(s.samples, now, Math.round((now - windowStart) / 1000) * 1000);
      total += value;
      if (s.code === '500') failures += value;
    }
  }
  return { failures, total };
}

/** Series by target, for readArm. */
export function byTarget(series: readonly Series[]): Map<string, Series[]> {
  const index = new Map<string, Series[]>();
  for (const s of series) index.set(s.target, [...(index.get(s.target) ?? []), s]);
  return index;
}

/** The rise of a counter without resets from its last sample at or before `from` to the last at or before `to` (ms). */
function rawRise(samples: readonly TimedValue[], from: number, to: number): number {
  const end = lastAtOrBefore(samples, to / 1000);
  if (end < 0) return 0;
  const start = lastAtOrBefore(samples, from / 1000);
  const base = start >= 0 ? (samples[start] as TimedValue).value : 0;
  return (samples[end] as TimedValue).value - base;
}

/** Index of the last sample at or before `at` (seconds), −1 if none. */
function lastAtOrBefore(samples: readonly TimedValue[], at: number): number {
  let lo = -1;
  let hi = samples.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((samples[mid] as TimedValue).at <= at) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Index of the first sample at or after `at` (seconds). */
function firstAtOrAfter(samples: readonly TimedValue[], at: number): number {
  let lo = -1;
  let hi = samples.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((samples[mid] as TimedValue).at >= at) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * increase(counter[rangeMs]) evaluated at `now`, as Prometheus 2.42 computes it: the rise between
 * the first and last samples in [now − range, now] (the generated counters never reset), scaled out to the range's
 * edges when they lie within 1.1 average sample intervals (else by half an interval), and not
 * below zero at the start. No result (0 here) with fewer than two samples.
 */
export function extrapolatedIncrease(samples: readonly TimedValue[], now: number, rangeMs: number): number {
  const start = (now - rangeMs) / 1000;
  const end = now / 1000;
  const from = firstAtOrAfter(samples, start);
  const to = lastAtOrBefore(samples, end);
  const count = to - from + 1;
  if (count < 2) return 0;
  const first = samples[from] as TimedValue;
  const last = samples[to] as TimedValue;
  // The generated counters never reset: no correction to add.
  const rise = last.value - first.value;
  const sampled = last.at - first.at;
  const average = sampled / (count - 1);
  let toStart = first.at - start;
  const toEnd = end - last.at;
  if (rise > 0 && first.value >= 0) toStart = Math.min(toStart, sampled * (first.value / rise));
  const threshold = average * 1.1;
  let interval = sampled;
  interval += toStart < threshold ? toStart : average / 2;
  interval += toEnd < threshold ? toEnd : average / 2;
  return rise * (interval / sampled);
}

/** The rollout's counters as OpenMetrics text with timestamps, for promtool's backfill. */
export function openMetrics(rollouts: readonly Rollout[]): string {
  const lines = ['# TYPE fake_requests counter'];
  for (const r of rollouts)
    for (const s of r.series)
      for (const sample of s.samples)
        lines.push(
          `fake_requests_total{target="${s.target}",code="${s.code}"} ${sample.value} ${sample.at.toFixed(3)}`,
        );
  lines.push('# EOF', '');
  return lines.join('\n');
}
