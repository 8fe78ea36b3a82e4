/**
 * The canary analysis against a real Prometheus (`npm run bench -- analysis-prometheus`): A/A
 * rollouts and 2× error regressions through the Debian package's Prometheus 2.42, at scrape
 * intervals of 1 s and 15 s, judged by the analysis check as it is now and as it was at the base
 * commit (`today`: increase() over [{window}] against "no worse at all").
 *
 * No real-time waits: the fleet's counters (bench/analysis-prometheus-fleet.ts) are written as
 * OpenMetrics with the timestamps Prometheus would have scraped them at and backfilled with
 * `promtool tsdb create-blocks-from openmetrics` into a temporary data directory; Prometheus is
 * started on a free 127.0.0.1 port over it, and the check asks it exactly what it would ask during
 * a deploy, look by look (every 10 s of a 5-minute bake after each batch). The base commit's check
 * is imported from a temporary clone of the repository at that commit.
 *
 * The server runs are few (each look is four HTTP queries per method); the same readings computed
 * here (raw counter rises; Prometheus' extrapolation rule) extend them to many more rollouts, and
 * every look of the server runs compares the check's counts with those computations.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runAnalysisCheck } from '../src/checks/analysis.ts';
import type { AnalysisCheckSpec } from '../src/checks/check-specs.ts';
import type { CheckOutcome } from '../src/checks/outcome.ts';
import type { BatchCheckContext } from '../src/engine/ports.ts';
import { seededRandom } from '../src/stats/random.ts';
import { rateRatioLogE } from '../src/stats/rate-ratio.ts';
import { freePort } from '../test/support/prometheus.ts';
import {
  BAKE_MS,
  byTarget,
  CHECK_EVERY_MS,
  COMPARISONS,
  ERROR_RATE,
  openMetrics,
  type Reading,
  type Rollout,
  readArm,
  rollout,
  type Window,
} from './analysis-prometheus-fleet.ts';
import type { Table } from './harness.ts';

const BASE_COMMIT = '8fcf4e7';
const ALPHA = 0.01;
const MIN_EFFECT = 1.5;
const SCRAPES = [1_000, 15_000];
/** Rollouts sent through the server, per scrape interval and scenario. */
const SERVER_AA = Number(process.env.BENCH_SERVER_ROLLOUTS ?? 10);
const SERVER_REGRESSION = Number(process.env.BENCH_SERVER_ROLLOUTS ?? 10);
/** Rollouts simulated with the readings checked against the server. */
const SIM_AA = Number(process.env.BENCH_SIM_ROLLOUTS ?? 4_000);
const SIM_REGRESSION = 1_000;

type Method = 'today' | 'now' | 'now-any';
const METHODS: Method[] = ['today', 'now', 'now-any'];
const READING: Record<Method, Reading> = { today: 'extrapolated', now: 'raw', 'now-any': 'raw' };
/** The ratio each method's null allows. */
const NULL_RATIO: Record<Method, number> = { today: 1, now: MIN_EFFECT, 'now-any': 1 };
const LABEL: Record<Method, string> = {
  today: `today (${BASE_COMMIT}): increase() over [{window}], fails any regression`,
  now: `now: raw counter rises, fails beyond minEffect ${MIN_EFFECT} (the default)`,
  'now-any': 'now: raw counter rises, failOn: any-regression',
};

/** When a method first failed a window: ms after its start, or undefined. */
type Outcome = Record<Method, number | undefined>;

interface Tally {
  batches: Outcome[];
  rollouts: Outcome[];
}

type Check = (
  spec: AnalysisCheckSpec,
  context: BatchCheckContext,
  o: { fetchImpl: typeof fetch },
) => Promise<CheckOutcome>;

export async function analysisPrometheusBench(): Promise<Table[]> {
  const started = performance.now();
  const base = cloneBase();
  try {
    const today = (await import(join(base.dir, 'src/checks/analysis.ts'))).runAnalysisCheck as Check;
    const tables: Table[] = [];
    const rows: string[][] = [];
    const detection: string[][] = [];
    const checks: string[][] = [];
    for (const scrapeMs of SCRAPES) {
      const setting = `${scrapeMs / 1000} s`;
      const phase = performance.now();
      const server = await serverRuns(scrapeMs, today);
      console.error(`${setting} scrape: server runs ${((performance.now() - phase) / 1000).toFixed(0)} s`);
      const aaSim = simulate(scrapeMs, SIM_AA, ERROR_RATE, COMPARISONS + 1, 7_000 + scrapeMs);
      const regSim = simulate(scrapeMs, SIM_REGRESSION, 2 * ERROR_RATE, 1, 9_000 + scrapeMs);
      for (const method of METHODS) {
        rows.push(aaRow(setting, method, `server, ${SERVER_AA} rollouts`, server.aa, method));
        rows.push(aaRow(setting, method, `server-checked simulation, ${SIM_AA} rollouts`, aaSim, method));
        detection.push(
          detectionRow(setting, method, `server, ${SERVER_REGRESSION}`, server.regression, method),
        );
        detection.push(detectionRow(setting, method, `simulation, ${SIM_REGRESSION}`, regSim, method));
      }
      checks.push([setting, String(server.looks), num(server.worst.now), num(server.worst.today)]);
    }
    tables.push(
      {
        title: `A/A on a real Prometheus 2.42: false rollbacks (alpha ${ALPHA} per rollout, ${num(ALPHA / COMPARISONS)} per batch)`,
        header: [
          'scrape',
          'method',
          'runs',
          'per batch ± SE',
          'per rollout ± SE',
          'per rollout ≤ alpha + 2 SE',
        ],
        rows,
      },
      {
        title:
          '2× error regression in batch 1 (1 canary : 9 baselines): time from the deploy’s end to the rollback',
        header: ['scrape', 'method', 'runs', 'median', 'p90', 'caught in the bake'],
        rows: detection,
      },
      {
        title: 'The simulated readings checked against the server (every look of the server runs)',
        header: ['scrape', 'looks', 'now: largest |count − server|', 'today: largest |count − server|'],
        rows: checks,
      },
      {
        title: 'Real-Prometheus analysis benchmark run',
        header: ['wall time'],
        rows: [[`${((performance.now() - started) / 1000).toFixed(0)} s`]],
      },
    );
    return tables;
  } finally {
    base.dispose();
  }
}

/** The A/A and regression rollouts of one scrape interval through a backfilled Prometheus. */
async function serverRuns(scrapeMs: number, today: Check) {
  const random = seededRandom(1_000 + scrapeMs);
  const start = Math.floor((Date.now() - 2 * 86_400_000) / 3_600_000) * 3_600_000;
  const aa = Array.from({ length: SERVER_AA }, (_, r) =>
    rollout(random, { replicate: r, start, scrapeMs, canaryErrorRate: ERROR_RATE, batches: COMPARISONS + 1 }),
  );
  const regression = Array.from({ length: SERVER_REGRESSION }, (_, r) =>
    rollout(random, {
      replicate: SERVER_AA + r,
      start,
      scrapeMs,
      canaryErrorRate: 2 * ERROR_RATE,
      batches: 1,
    }),
  );
  const backfill = performance.now();
  const prometheus = await backfilledPrometheus([...aa, ...regression]);
  console.error(`backfill and start ${((performance.now() - backfill) / 1000).toFixed(0)} s`);
  const worst: Record<Method, number> = { today: 0, now: 0, 'now-any': 0 };
  let looks = 0;
  try {
    const judge = async (r: Rollout, window: Window): Promise<Outcome> => {
      const index = byTarget(r.series);
      const outcome: Outcome = { today: undefined, now: undefined, 'now-any': undefined };
      for (const at of lookTimes()) {
        const context = batchContext(window, at);
        const [n, a, t] = await Promise.all([
          runAnalysisCheck(spec(prometheus.url, 'now'), context, { fetchImpl: fetch }),
          runAnalysisCheck(spec(prometheus.url, 'now-any'), context, { fetchImpl: fetch }),
          today(spec(prometheus.url, 'today'), context, { fetchImpl: fetch }),
        ]);
        looks += 1;
        for (const [method, result] of [
          ['now', n],
          ['now-any', a],
          ['today', t],
        ] as const) {
          const local = readArm(index, window.canaries, window.windowStart, context.now, READING[method]);
          const served = Number(result.evidence?.canaryRequests ?? Number.NaN);
          if (result.evidence?.canaryRequests !== undefined)
            worst[method] = Math.max(worst[method], Math.abs(served - local.total));
          if (result.status === 'error') throw new Error(`${method}: ${result.message}`);
          if (result.status === 'fail') outcome[method] ??= at;
        }
      }
      return outcome;
    };
    const aaTally: Tally = { batches: [], rollouts: [] };
    for (const r of aa) {
      const outcomes: Outcome[] = [];
      for (const window of r.windows.filter((w) => w.baselines.length > 0))
        outcomes.push(await judge(r, window));
      aaTally.batches.push(...outcomes);
      aaTally.rollouts.push(anyOf(outcomes));
    }
    const regressionTally: Tally = { batches: [], rollouts: [] };
    for (const r of regression) {
      const outcome = await judge(r, r.windows[0] as Window);
      regressionTally.batches.push(outcome);
      regressionTally.rollouts.push(outcome);
    }
    return { aa: aaTally, regression: regressionTally, looks, worst };
  } finally {
    await prometheus.stop();
  }
}

/** The same rollouts judged on the local readings: what each method's check would decide. */
function simulate(
  scrapeMs: number,
  runs: number,
  canaryErrorRate: number,
  batches: number,
  seed: number,
): Tally {
  const random = seededRandom(seed);
  const tally: Tally = { batches: [], rollouts: [] };
  const threshold = Math.log(COMPARISONS / ALPHA);
  for (let r = 0; r < runs; r++) {
    const one = rollout(random, { replicate: r, start: 0, scrapeMs, canaryErrorRate, batches });
    const index = byTarget(one.series);
    const outcomes = one.windows
      .filter((w) => w.baselines.length > 0)
      .map((window) => {
        const outcome: Outcome = { today: undefined, now: undefined, 'now-any': undefined };
        for (const at of lookTimes()) {
          const now = window.windowStart + at;
          for (const method of METHODS) {
            if (outcome[method] !== undefined) continue;
            const c = readArm(index, window.canaries, window.windowStart, now, READING[method]);
            const b = readArm(index, window.baselines, window.windowStart, now, READING[method]);
            if (c.total <= 0 || b.total <= 0) continue;
            // Before, failures were clamped to requests (extrapolation could overshoot them).
            const canary = { failures: Math.min(c.failures, c.total), total: c.total };
            const baseline = { failures: Math.min(b.failures, b.total), total: b.total };
            if (rateRatioLogE(canary, baseline, MIN_EFFECT, NULL_RATIO[method]) >= threshold)
              outcome[method] = at;
          }
        }
        return outcome;
      });
    tally.batches.push(...outcomes);
    tally.rollouts.push(anyOf(outcomes));
  }
  return tally;
}

/** ms after the deploy's end of each look: every checkEvery, the last at the end of the bake. */
function lookTimes(): number[] {
  return Array.from({ length: BAKE_MS / CHECK_EVERY_MS }, (_, i) => (i + 1) * CHECK_EVERY_MS);
}

function batchContext(window: Window, at: number): BatchCheckContext {
  return {
    service: 'bench',
    environment: 'prod',
    component: 'app',
    version: '2',
    batch: window.batch,
    commit: null,
    canaries: window.canaries.map((name) => ({ name, labels: {} })),
    baselines: window.baselines.map((name) => ({ name, labels: {} })),
    windowStart: window.windowStart,
    now: window.windowStart + at,
    final: at >= BAKE_MS,
    comparisons: COMPARISONS,
  };
}

/** The check each method runs: today's with its documented increase() queries, now's with selectors. */
function spec(server: string, method: Method): AnalysisCheckSpec {
  const selector = (code: string) => `fake_requests_total{target=~"{targets}"${code}}`;
  const query = (code: string) =>
    method === 'today' ? `sum(increase(${selector(code)}[{window}]))` : selector(code);
  return {
    kind: 'analysis',
    observes: 'batch',
    name: 'errors',
    server,
    metric: {
      type: 'counts',
      failures: query(',code="500"'),
      total: query(''),
      minEffect: MIN_EFFECT,
      absentFailures: 'no-data',
    },
    alpha: ALPHA,
    onInconclusive: 'pass',
    failOn: method === 'now-any' ? 'any-regression' : 'beyond-min-effect',
    timeoutMs: 30_000,
  };
}

function anyOf(outcomes: readonly Outcome[]): Outcome {
  const first = (method: Method) => {
    const times = outcomes.map((o) => o[method]).filter((t): t is number => t !== undefined);
    return times.length > 0 ? Math.min(...times) : undefined;
  };
  return { today: first('today'), now: first('now'), 'now-any': first('now-any') };
}

function aaRow(setting: string, method: Method, runs: string, tally: Tally, m: Method): string[] {
  const perBatch = rate(tally.batches.map((o) => o[m] !== undefined));
  const perRollout = rate(tally.rollouts.map((o) => o[m] !== undefined));
  const within = perRollout.p <= ALPHA + 2 * perRollout.se ? 'yes' : 'no';
  return [setting, LABEL[method], runs, rateText(perBatch), rateText(perRollout), within];
}

function detectionRow(setting: string, method: Method, runs: string, tally: Tally, m: Method): string[] {
  const times = tally.batches.map((o) => o[m] ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
  const at = (q: number) => {
    const value = times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? Number.POSITIVE_INFINITY;
    return Number.isFinite(value) ? `${value / 1000} s` : 'not within the bake';
  };
  const caught = times.filter(Number.isFinite).length / Math.max(1, times.length);
  return [setting, LABEL[method], runs, at(0.5), at(0.9), `${(caught * 100).toFixed(1)}%`];
}

function rate(events: readonly boolean[]): { p: number; se: number; n: number } {
  const n = events.length;
  const p = events.filter(Boolean).length / Math.max(1, n);
  return { p, se: Math.sqrt((p * (1 - p)) / Math.max(1, n)), n };
}

function rateText(r: { p: number; se: number }): string {
  return `${(r.p * 100).toFixed(2)}% ± ${(r.se * 100).toFixed(2)}%`;
}

function num(value: number): string {
  return Number(value.toPrecision(3)).toString();
}

/** The repository at the base commit in a temporary directory, sharing this checkout's node_modules. */
function cloneBase(): { dir: string; dispose: () => void } {
  const root = resolve(import.meta.dirname, '..');
  const dir = mkdtempSync(join(tmpdir(), 'tranche-base-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  const git = (...args: string[]) => {
    const run = spawnSync('git', args, { encoding: 'utf8' });
    if (run.status !== 0) {
      dispose();
      throw new Error(`git ${args.join(' ')}: ${run.stderr.trim()}`);
    }
  };
  git('clone', '--quiet', '--shared', '--no-checkout', root, dir);
  git('-C', dir, 'checkout', '--quiet', BASE_COMMIT);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return { dir, dispose };
}

/** Prometheus over a data directory backfilled with the rollouts' counters, on a free port. */
async function backfilledPrometheus(
  rollouts: readonly Rollout[],
): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-bench-prometheus-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  writeFileSync(join(dir, 'fleet.om'), openMetrics(rollouts));
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\n');
  const backfill = spawnSync(
    'promtool',
    ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'fleet.om'), join(dir, 'data')],
    { encoding: 'utf8' },
  );
  if (backfill.status !== 0) {
    cleanup();
    throw new Error(`promtool: ${backfill.stderr.trim().slice(-800)}`);
  }
  rmSync(join(dir, 'fleet.om'));
  const port = await freePort();
  const child = spawn(
    process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=30d',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    cleanup();
  };
  for (let tries = 0; ; tries++) {
    if (
      await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, stop };
    if (child.exitCode !== null || tries > 600) {
      await stop();
      throw new Error('prometheus did not become ready');
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}
