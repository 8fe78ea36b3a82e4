/**
 * The canary-analysis benchmark (`npm run bench:analysis`): simulated traffic with fixed seeds,
 * every method judging the same runs, on worker threads (one per core).
 *
 * 1. error-rate regressions of 1.2×, 2× and 10× over a 1 % baseline, equal traffic: requests per
 *    arm until the first rollback;
 * 2. A/A runs under continuous monitoring: the false-rollback rate of each method;
 * 3. latency (lognormal): a +0.5 % median shift, a +1 % p75 shift, a tail-only +10 % p95 shift:
 *    time to detect and miss rate.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  ALPHA,
  COUNT_METHODS,
  COUNT_STEP_REQUESTS,
  COUNT_STEPS,
  type Detections,
  FIXED_N,
  LATENCY_METHODS,
  LATENCY_SCENARIOS,
  LATENCY_STEPS,
  type LatencyScenario,
  MIN_EFFECT,
  STEP_SECONDS,
} from './analysis-sim.ts';
import type { Chunk, Task } from './analysis-worker.ts';
import type { Table } from './harness.ts';

const EFFECTS = [1.2, 2, 10];
const EFFECT_RUNS = 2_000;
const AA_RUNS = 10_000;
const LATENCY_RUNS = 500;
const LATENCY_AA_RUNS = 10_000;
const CHUNK = 100;

export async function analysisBench(): Promise<Table[]> {
  const pool = new Pool(Math.max(1, Math.min(availableParallelism(), 4)));
  try {
    const started = performance.now();
    const effects = await Promise.all(
      EFFECTS.map((rho, i) => pool.runAll({ kind: 'counts', rho }, seeds(1 + i, EFFECT_RUNS))),
    );
    const aa = await pool.runAll({ kind: 'counts', rho: 1 }, seeds(100, AA_RUNS));
    const scenarios = Object.keys(LATENCY_SCENARIOS) as LatencyScenario[];
    const latency = await Promise.all(
      scenarios.map((scenario, i) =>
        pool.runAll({ kind: 'latency', scenario }, seeds(200 + i, i === 0 ? LATENCY_AA_RUNS : LATENCY_RUNS)),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    return [
      regressionTable(effects),
      falseRollbackTable(aa, latency[0] ?? []),
      latencyTable(scenarios.slice(1), latency.slice(1)),
      {
        title: 'Analysis benchmark run',
        header: ['workers', 'wall time'],
        rows: [[String(pool.size), `${seconds.toFixed(0)} s`]],
      },
    ];
  } finally {
    await pool.close();
  }
}

function regressionTable(effects: Detections[][]): Table {
  const header = [
    'method',
    ...EFFECTS.flatMap((rho) => [`${rho}× median`, `${rho}× p90`, `${rho}× detected`]),
  ];
  const rows = COUNT_METHODS.map((method) => [
    method,
    ...effects.flatMap((runs) => {
      const values = runs.map((r) => r[method] ?? Number.POSITIVE_INFINITY);
      return [requests(quantile(values, 0.5)), requests(quantile(values, 0.9)), share(values)];
    }),
  ]);
  const ours = quantile(effects[1]?.map((r) => r.ours ?? Number.POSITIVE_INFINITY) ?? [], 0.5);
  const ratio = ours / FIXED_N;
  return {
    title: `Error-rate regressions over a ${pct(0.01)} baseline: requests per arm to the first rollback (${EFFECT_RUNS.toLocaleString('en-US')} runs per effect)`,
    header,
    rows,
    notes: [
      `- Traffic: ${COUNT_STEP_REQUESTS} requests per arm every ${STEP_SECONDS} s, equal in both arms, for at most ${(COUNT_STEPS * COUNT_STEP_REQUESTS).toLocaleString('en-US')} requests per arm; a median or p90 shown as "> ${(COUNT_STEPS * COUNT_STEP_REQUESTS).toLocaleString('en-US')}" fell on runs that never rolled back.`,
      `- ours: the rate-ratio e-process (alpha ${ALPHA}, minEffect ${MIN_EFFECT}) after every step; "1 canary : 9 baselines" gives the baseline arm nine times the canary's traffic, as in a first batch of one target out of ten, and counts canary requests; "at alpha/3" is what one batch of a rollout with three comparing batches gets (the check splits alpha over them, src/checks/analysis.ts batchAlpha), so it needs the e-value to reach 3/alpha.`,
      `- SPRT for exactly the true effect: Wald's one-sided SPRT at the true ratio (2× for A/A), threshold 1/alpha; it has to know the effect, and bounds what any one-sided anytime-valid test can do.`,
      `- fixed-horizon: one look at ${FIXED_N.toLocaleString('en-US')} requests per arm (one-sided α ${ALPHA}, power 0.8 at 2×), taken at the first step past it (${(Math.ceil(FIXED_N / COUNT_STEP_REQUESTS) * COUNT_STEP_REQUESTS).toLocaleString('en-US')}).`,
      `- Mann-Whitney re-run every interval: Kayenta's judge (confidence 0.98, tolerance 0.25) on the per-step error rates, re-run every minute.`,
      `- Flagger 1m × N: the canary's success rate must be ≥ 99 % in each one-minute interval; rollback at the N-th failed interval.`,
      `- Target: ours at 2× ≤ 0.65 × the fixed-horizon sample size (${Math.round(0.65 * FIXED_N).toLocaleString('en-US')}). Measured median ${requests(ours)} = ${ratio.toFixed(2)} ×: ${ratio <= 0.65 ? 'met' : 'NOT met'}.`,
    ],
  };
}

/** Whether a false-rollback rate measured with standard error `se` is under alpha, allowing for Monte-Carlo error. */
function againstAlpha(rate: number, se: number): string {
  if (rate + 2 * se <= ALPHA) return 'met: ≤ alpha even at + 2 SE';
  if (rate <= ALPHA) return 'met within Monte-Carlo tolerance: ≤ alpha, + 2 SE above it';
  return rate - 2 * se <= ALPHA ? 'above alpha, within 2 SE' : 'NOT met: above alpha by more than 2 SE';
}

function falseRollbackTable(counts: Detections[], latency: Detections[]): Table {
  const row = (data: string, method: string, runs: Detections[]) => {
    const rolled = runs.filter((r) => Number.isFinite(r[method] ?? Number.POSITIVE_INFINITY)).length;
    const rate = rolled / runs.length;
    const se = Math.sqrt((rate * (1 - rate)) / runs.length);
    const verdict = method.startsWith('ours') ? ` (${againstAlpha(rate, se)})` : '';
    return [
      data,
      method,
      runs.length.toLocaleString('en-US'),
      String(rolled),
      `${pct(rate)} ± ${pct(2 * se)}${verdict}`,
    ];
  };
  return {
    title: 'A/A runs (no regression) under continuous monitoring: false-rollback rate',
    header: ['data', 'method', 'runs', 'false rollbacks', 'rate ± 2 SE'],
    rows: [
      ...COUNT_METHODS.map((m) => row('errors, 1 % both arms', m, counts)),
      ...LATENCY_METHODS.map((m) => row('latency (p50 per step)', m, latency)),
    ],
    notes: [
      `- Every method looks as in table 1 (errors: ${(COUNT_STEPS * COUNT_STEP_REQUESTS).toLocaleString('en-US')} requests per arm; latency: ${(LATENCY_STEPS * STEP_SECONDS) / 60} min) and a run counts once, at its first rollback. Target for ours: ≤ alpha = ${pct(ALPHA)}.`,
    ],
  };
}

function latencyTable(scenarios: LatencyScenario[], results: Detections[][]): Table {
  const rows = scenarios.flatMap((scenario, i) =>
    LATENCY_METHODS.map((method) => {
      const values = (results[i] ?? []).map((r) => r[method] ?? Number.POSITIVE_INFINITY);
      const missed = values.filter((v) => !Number.isFinite(v)).length / values.length;
      return [scenario, method, minutes(quantile(values, 0.5)), minutes(quantile(values, 0.9)), pct(missed)];
    }),
  );
  return {
    title: `Latency regressions (lognormal, median 100 ms, σ 0.5): time to the first rollback (${LATENCY_RUNS} runs per shift)`,
    header: ['shift', 'method', 'median', 'p90', 'missed in 30 min'],
    rows,
    notes: [
      '- Traffic: 200 requests/s per arm into Prometheus histogram buckets 25 ms × 1.1^k; each 10-s step gives one value per arm, the quantile of the shift (p50, p75, p95) as histogram_quantile estimates it.',
      "- ours: the paired sign-test e-process (alpha 0.01) after every step. Mann-Whitney: Kayenta's judge (confidence 0.98, tolerance 0.25) once at 30 min, or re-run every minute. Flagger: the canary's one-minute quantile must stay ≤ 1.05 × the baseline's true quantile; rollback at the fifth failed minute.",
      '- The p75 shift grows linearly from the median to the p75 and stays at +1 % above; the tail shift grows from the p90 to the p95 and stays at +10 % above: below those quantiles the two arms are identical.',
    ],
  };
}

/** Seeds for runs of one scenario: distinct per scenario, independent of how runs are chunked. */
function seeds(scenario: number, runs: number): number[] {
  return Array.from({ length: runs }, (_, i) => scenario * 1_000_003 + i);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

function requests(n: number): string {
  return Number.isFinite(n)
    ? n.toLocaleString('en-US')
    : `> ${(COUNT_STEPS * COUNT_STEP_REQUESTS).toLocaleString('en-US')}`;
}

function minutes(seconds: number): string {
  return Number.isFinite(seconds) ? `${(seconds / 60).toFixed(1)} min` : '> 30 min';
}

function share(values: number[]): string {
  return pct(values.filter((v) => Number.isFinite(v)).length / values.length);
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 && fraction > 0 ? 2 : 1)} %`;
}

/** Worker threads fed chunks of runs from one queue. */
class Pool {
  readonly size: number;
  private readonly idle: Worker[] = [];
  private readonly waiting: (() => void)[] = [];
  private readonly workers: Worker[];

  constructor(size: number) {
    this.size = size;
    this.workers = Array.from(
      { length: size },
      () => new Worker(new URL('./analysis-worker.ts', import.meta.url)),
    );
    this.idle.push(...this.workers);
  }

  async runAll(task: Task, all: number[]): Promise<Detections[]> {
    const chunks: number[][] = [];
    for (let i = 0; i < all.length; i += CHUNK) chunks.push(all.slice(i, i + CHUNK));
    const results = await Promise.all(chunks.map((seeds) => this.run({ ...task, seeds })));
    return results.flat();
  }

  private async run(chunk: Chunk): Promise<Detections[]> {
    const worker = await this.acquire();
    try {
      return await new Promise<Detections[]>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage(chunk);
      });
    } finally {
      worker.removeAllListeners('error');
      this.idle.push(worker);
      this.waiting.shift()?.();
    }
  }

  private async acquire(): Promise<Worker> {
    for (;;) {
      const worker = this.idle.pop();
      if (worker) return worker;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
