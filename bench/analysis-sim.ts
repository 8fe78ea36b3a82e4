/**
 * The simulations of the canary-analysis benchmark: one seeded run of simulated traffic, judged
 * by every method on the same data. Pure: the same scenario and seed give the same detections.
 *
 * Counts: 10 requests/s per arm (100 per 10-s step), a 1 % baseline error rate, 200 steps
 * (20,000 requests per arm, 33 min). Latency: lognormal (median 100 ms, σ 0.5), 200 requests/s
 * per arm in Prometheus histogram buckets 25 ms × 1.1^k, the per-step quantile estimated as
 * histogram_quantile does, 180 steps (30 min).
 */
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { judge, KAYENTA_DEFAULTS } from '../src/stats/mann-whitney-judge.ts';
import { seededRandom } from '../src/stats/random.ts';
import { rateRatioLogE } from '../src/stats/rate-ratio.ts';
import { signLogE } from '../src/stats/sign-test.ts';
import { twoProportionSampleSize, twoProportionTest } from '../src/stats/two-proportion.ts';

export const ALPHA = 0.01;
export const BASE_RATE = 0.01;
export const STEP_SECONDS = 10;
export const COUNT_STEP_REQUESTS = 100;
export const COUNT_STEPS = 200;
/** Our test's default minimum effect of interest (tranche.yml's counts.minEffect). */
export const MIN_EFFECT = 1.5;
/** The fixed-horizon design: one-sided α 0.01, power 0.8, for a 2× regression. */
export const FIXED_N = twoProportionSampleSize({
  baselineRate: BASE_RATE,
  canaryRate: 2 * BASE_RATE,
  alpha: ALPHA,
  power: 0.8,
});
/** Flagger's and the re-run Mann-Whitney's interval: one minute. */
export const INTERVAL_STEPS = 6;
export const FLAGGER_THRESHOLDS = [5, 10] as const;

export const COUNT_METHODS = [
  'ours',
  'ours, 1 canary : 9 baselines',
  'ours at alpha/3, as in a 3-batch rollout',
  'SPRT for exactly the true effect',
  'fixed-horizon two-proportion test',
  'Mann-Whitney re-run every interval',
  'Flagger 1m × 5',
  'Flagger 1m × 10',
] as const;
export type CountMethod = (typeof COUNT_METHODS)[number];

/** Requests per arm (per canary for the 1 : 9 row) at the first rollback; Infinity if none. */
export type Detections = Record<string, number>;

export function countsRun(rho: number, seed: number): Detections {
  const random = seededRandom(seed);
  const threshold = Math.log(1 / ALPHA);
  const found: Detections = Object.fromEntries(COUNT_METHODS.map((m) => [m, Number.POSITIVE_INFINITY]));
  const hit = (method: CountMethod, n: number) => {
    if (found[method] === Number.POSITIVE_INFINITY) found[method] = n;
  };
  // The oracle SPRT knows the true ratio (for A/A runs it is designed for 2×).
  const design = rho > 1 ? rho : 2;
  const theta = design / (1 + design);
  const llrCanary = Math.log(theta / 0.5);
  const llrBaseline = Math.log((1 - theta) / 0.5);
  const canary = { failures: 0, total: 0 };
  const baseline = { failures: 0, total: 0 };
  const wide = { failures: 0, total: 0 };
  const canaryRates: number[] = [];
  const baselineRates: number[] = [];
  let intervalFailures = 0;
  let flaggerFailed = 0;
  let fixedDone = false;
  for (let step = 1; step <= COUNT_STEPS; step++) {
    const c = random.binomial(COUNT_STEP_REQUESTS, rho * BASE_RATE);
    const b = random.binomial(COUNT_STEP_REQUESTS, BASE_RATE);
    const b9 = random.binomial(9 * COUNT_STEP_REQUESTS, BASE_RATE);
    canary.failures += c;
    canary.total += COUNT_STEP_REQUESTS;
    baseline.failures += b;
    baseline.total += COUNT_STEP_REQUESTS;
    wide.failures += b9;
    wide.total += 9 * COUNT_STEP_REQUESTS;
    const n = canary.total;
    const logE = rateRatioLogE(canary, baseline, MIN_EFFECT);
    if (logE >= threshold) hit('ours', n);
    if (logE >= threshold + Math.log(3)) hit('ours at alpha/3, as in a 3-batch rollout', n);
    if (rateRatioLogE(canary, wide, MIN_EFFECT) >= threshold) hit('ours, 1 canary : 9 baselines', n);
    if (canary.failures * llrCanary + baseline.failures * llrBaseline >= threshold)
      hit('SPRT for exactly the true effect', n);
    if (!fixedDone && n >= FIXED_N) {
      fixedDone = true;
      if (twoProportionTest(canary, baseline).pValue < ALPHA) hit('fixed-horizon two-proportion test', n);
    }
    canaryRates.push(c / COUNT_STEP_REQUESTS);
    baselineRates.push(b / COUNT_STEP_REQUESTS);
    intervalFailures += c;
    if (step % INTERVAL_STEPS === 0) {
      const verdict = judge(canaryRates, baselineRates, { ...KAYENTA_DEFAULTS, direction: 'increase' });
      if (verdict.classification === 'high') hit('Mann-Whitney re-run every interval', n);
      // Flagger's request-success-rate check: at least 99 % per interval, i.e. error rate ≤ 1 %.
      if (intervalFailures / (INTERVAL_STEPS * COUNT_STEP_REQUESTS) > BASE_RATE) flaggerFailed++;
      intervalFailures = 0;
      if (flaggerFailed >= 5) hit('Flagger 1m × 5', n);
      if (flaggerFailed >= 10) hit('Flagger 1m × 10', n);
    }
    if (Object.values(found).every((v) => v !== Number.POSITIVE_INFINITY)) break;
  }
  return found;
}

export const LATENCY_STEPS = 180;
export const LATENCY_STEP_REQUESTS = 2000;
const MEDIAN = 0.1;
const SIGMA = 0.5;
const BUCKETS = Array.from({ length: 47 }, (_, k) => 0.025 * 1.1 ** k);

export const LATENCY_SCENARIOS = {
  'A/A (no change)': { quantile: 0.5, shift: (_u: number) => 0 },
  'median +0.5 %': { quantile: 0.5, shift: (_u: number) => 0.005 },
  'p75 +1 % (upper half only)': { quantile: 0.75, shift: (u: number) => 0.01 * clamp((u - 0.5) / 0.25) },
  'tail only: p95 +10 %': { quantile: 0.95, shift: (u: number) => 0.1 * clamp((u - 0.9) / 0.05) },
} as const;
export type LatencyScenario = keyof typeof LATENCY_SCENARIOS;

export const LATENCY_METHODS = [
  'ours (sequential sign test)',
  'Mann-Whitney, fixed horizon (30 min)',
  'Mann-Whitney re-run every interval',
  'Flagger 1m × 5 (quantile ≤ 1.05 × baseline)',
] as const;

/** Seconds to the first rollback per method; Infinity if none within 30 min. */
export function latencyRun(scenario: LatencyScenario, seed: number): Detections {
  const random = seededRandom(seed);
  const { quantile, shift } = LATENCY_SCENARIOS[scenario];
  const baselineProbs = binProbabilities(() => 0);
  const canaryProbs = binProbabilities(shift);
  const limit = 1.05 * MEDIAN * Math.exp(SIGMA * inverseNormal(quantile));
  const found: Detections = Object.fromEntries(LATENCY_METHODS.map((m) => [m, Number.POSITIVE_INFINITY]));
  const hit = (method: (typeof LATENCY_METHODS)[number], seconds: number) => {
    if (found[method] === Number.POSITIVE_INFINITY) found[method] = seconds;
  };
  const canary: number[] = [];
  const baseline: number[] = [];
  let worse = 0;
  let pairs = 0;
  let interval = new Float64Array(BUCKETS.length + 1);
  let flaggerFailed = 0;
  const threshold = Math.log(1 / ALPHA);
  for (let step = 1; step <= LATENCY_STEPS; step++) {
    const c = multinomial(random, LATENCY_STEP_REQUESTS, canaryProbs);
    const b = multinomial(random, LATENCY_STEP_REQUESTS, baselineProbs);
    const qc = histogramQuantile(quantile, c);
    const qb = histogramQuantile(quantile, b);
    canary.push(qc);
    baseline.push(qb);
    if (qc !== qb) {
      pairs++;
      if (qc > qb) worse++;
    }
    const seconds = step * STEP_SECONDS;
    if (signLogE(worse, pairs) >= threshold) hit('ours (sequential sign test)', seconds);
    for (let j = 0; j < c.length; j++) interval[j] = (interval[j] ?? 0) + (c[j] ?? 0);
    if (step % INTERVAL_STEPS === 0) {
      if (judge(canary, baseline, { ...KAYENTA_DEFAULTS, direction: 'increase' }).classification === 'high') {
        hit('Mann-Whitney re-run every interval', seconds);
      }
      if (histogramQuantile(quantile, interval) > limit) flaggerFailed++;
      interval = new Float64Array(BUCKETS.length + 1);
      if (flaggerFailed >= 5) hit('Flagger 1m × 5 (quantile ≤ 1.05 × baseline)', seconds);
    }
  }
  if (judge(canary, baseline, { ...KAYENTA_DEFAULTS, direction: 'increase' }).classification === 'high') {
    hit('Mann-Whitney, fixed horizon (30 min)', LATENCY_STEPS * STEP_SECONDS);
  }
  return found;
}

/**
 * Probabilities of the buckets (and of +Inf) for the canary quantile function
 * Q(u) = Q_baseline(u) · (1 + shift(u)): P(latency ≤ b) is the u solving Q(u) = b.
 */
function binProbabilities(shift: (u: number) => number): number[] {
  const cdf = (b: number) => {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      const q = MEDIAN * Math.exp(SIGMA * inverseNormal(mid)) * (1 + shift(mid));
      if (q <= b) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  const cumulative = BUCKETS.map(cdf);
  return [...cumulative.map((c, i) => c - (cumulative[i - 1] ?? 0)), 1 - (cumulative.at(-1) ?? 0)];
}

function multinomial(random: ReturnType<typeof seededRandom>, n: number, probs: number[]): Float64Array {
  const counts = new Float64Array(probs.length);
  let left = n;
  let mass = 1;
  for (let j = 0; j < probs.length && left > 0; j++) {
    const p = probs[j] ?? 0;
    const k = j === probs.length - 1 ? left : random.binomial(left, Math.min(1, Math.max(0, p / mass)));
    counts[j] = k;
    left -= k;
    mass -= p;
  }
  return counts;
}

/** Prometheus' histogram_quantile: linear interpolation inside the bucket holding the rank. */
function histogramQuantile(q: number, counts: Float64Array): number {
  let total = 0;
  for (const c of counts) total += c;
  const rank = q * total;
  let seen = 0;
  for (let j = 0; j < BUCKETS.length; j++) {
    const count = counts[j] ?? 0;
    if (seen + count >= rank && count > 0) {
      const lower = j === 0 ? 0 : (BUCKETS[j - 1] as number);
      const upper = BUCKETS[j] as number;
      return lower + ((upper - lower) * (rank - seen)) / count;
    }
    seen += count;
  }
  return BUCKETS.at(-1) as number;
}

function clamp(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function inverseNormal(p: number): number {
  return normalQuantile(p, 0, 1);
}
