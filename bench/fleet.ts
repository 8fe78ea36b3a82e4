/**
 * The fleet benchmark (`npm run bench -- fleet`):
 *
 * 1. canary categories over 10,000 targets × 4 labels (seeded random labels): time to choose the
 *    canaries with coverage all and pairwise, their number and the lower bound;
 * 2. a fleet verdict over 100,000 job outcomes in 10 environments (a baseline and a version that
 *    fails 1.5× as often in two of them): time per outcome ingested into the ledger (one per
 *    call, and 1,000 per call), and time to decide (read the outcomes, compute, record).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CategorySpec, selectCanaries } from '../src/engine/categories.ts';
import type { TargetSpec } from '../src/engine/ports.ts';
import { computeVerdict } from '../src/engine/verdict.ts';
import type { OutcomeInput } from '../src/ledger/fleet-types.ts';
import { openLedger } from '../src/ledger/open.ts';
import { evaluateVerdict } from '../src/release/fleet-verdicts.ts';
import { describe } from '../src/stats/describe.ts';
import { seededRandom } from '../src/stats/random.ts';
import { type Cluster, startCluster } from '../test/support/postgres-cluster.ts';
import { sample, type Table, TIMING_HEADER, timed, timingRow } from './harness.ts';

const TARGETS = 10_000;
const OUTCOMES = 100_000;
const SINGLE = 10_000;
const BATCH = 1_000;
const ENVIRONMENTS = 10;
const SETTINGS = { alpha: 0.01, minSamples: 100, minEffect: 1.5, strata: 'environment' as const };

export async function fleetBench(): Promise<Table[]> {
  return [await categoryTable(), await verdictTable()];
}

/** 10,000 targets whose four labels take `sizes[d]` values each, uniformly at random. */
function fleetOf(sizes: number[], seed: number): TargetSpec[] {
  const random = seededRandom(seed);
  const labels = ['cloud', 'browser', 'region', 'os'];
  return Array.from({ length: TARGETS }, (_, i) => ({
    name: `t-${i + 1}`,
    labels: Object.fromEntries(
      labels.map((l, d) => [l, `${l}-${Math.floor(random.uniform() * (sizes[d] as number))}`]),
    ),
  }));
}

async function categoryTable(): Promise<Table> {
  const rows: string[][] = [];
  const sizeRows: string[][] = [];
  for (const sizes of [
    [3, 4, 5, 6],
    [10, 10, 10, 10],
  ]) {
    const targets = fleetOf(sizes, 42);
    for (const coverage of ['all', 'pairwise'] as const) {
      const spec: CategorySpec = { labels: ['cloud', 'browser', 'region', 'os'], coverage };
      const name = `${coverage}, ${TARGETS.toLocaleString('en-US')} targets, values ${sizes.join('×')}`;
      rows.push(
        timingRow(name, await sample(10, async () => timed(() => selectCanaries(targets, spec))), 'ms'),
      );
      const s = selectCanaries(targets, spec);
      sizeRows.push([name, String(s.required), String(s.canaries.length), String(s.lowerBound)]);
    }
  }
  return {
    title: 'Canary categories (bench/fleet.ts)',
    header: TIMING_HEADER,
    rows,
    notes: [
      '',
      '| fleet | to cover | canaries | lower bound |',
      '|---|---|---|---|',
      ...sizeRows.map((r) => `| ${r.join(' | ')} |`),
      '',
      '- Labels drawn uniformly at random with a fixed seed; *to cover* is the number of combinations present (all) or of values and co-occurring value pairs (pairwise); the lower bound is the most value pairs of one pair of labels (no cover can be smaller).',
    ],
  };
}

/** 50,000 outcomes of 3.0 then 50,000 of 3.1; 3.1 fails 1.5× as often in two environments. */
function jobOutcomes(): OutcomeInput[] {
  const random = seededRandom(7);
  const t0 = Date.UTC(2026, 11, 1);
  return Array.from({ length: OUTCOMES }, (_, i) => {
    const version = i < OUTCOMES / 2 ? '3.0' : '3.1';
    const e = Math.floor(random.uniform() * ENVIRONMENTS);
    const rate = 0.02 * (version === '3.1' && e < 2 ? 1.5 : 1);
    return {
      service: 'spark',
      version,
      environment: `env-${e}`,
      outcome: random.uniform() < rate ? 'failure' : 'success',
      source: 'bench',
      sourceId: `job-${i}`,
      at: t0 + i * 1000,
    };
  });
}

async function postgresServer(): Promise<Cluster> {
  const given = process.env.TRANCHE_BENCH_POSTGRES;
  return given === undefined ? startCluster({ durable: true }) : { url: given, stop: async () => undefined };
}

async function verdictTable(): Promise<Table> {
  const outcomes = jobOutcomes();
  const rows: string[][] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tranche-bench-fleet-'));
  let cluster: Cluster | undefined;
  let n = 0;
  try {
    cluster = await postgresServer();
    const base = new URL(cluster.url);
    const backends: [string, () => string][] = [
      ['SQLite file', () => join(dir, `fleet-${n++}.db`)],
      [
        'PostgreSQL',
        () => {
          base.searchParams.set('schema', `bench_fleet_${Date.now()}_${n++}`);
          return base.toString();
        },
      ],
    ];
    for (const [backend, location] of backends)
      rows.push(...(await backendRows(backend, location(), outcomes)));
    const pure = await sample(10, async () => timed(() => computeVerdict('3.1', '3.0', outcomes, SETTINGS)));
    rows.push(timingRow('decide in memory, 100,000 outcomes (computeVerdict alone)', pure, 'ms'));
  } finally {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const verdict = computeVerdict('3.1', '3.0', outcomes, SETTINGS);
  return {
    title: 'Fleet verdict over 100,000 job outcomes (bench/fleet.ts)',
    header: TIMING_HEADER,
    rows,
    notes: [
      `- 50,000 outcomes of 3.0, then 50,000 of 3.1, in ${ENVIRONMENTS} environments; 2 % of jobs fail, 3 % of 3.1's in two environments. The verdict: **${verdict.verdict}** (${verdict.message}).`,
      `- *Ingest, one per call*: \`recordOutcome\` of ${SINGLE.toLocaleString('en-US')} outcomes, each its own insert (idempotent on service, source and job id); *ingest, ${BATCH} per call*: \`recordOutcomes\`, one transaction per ${BATCH}, for all 100,000. Times are per outcome.`,
      '- *Decide*: `evaluateVerdict` (choose the baseline, read both versions’ 100,000 outcomes from the ledger, follow the e-value over them, bound the ratio per environment, record the verdict when it changed); 5 runs.',
      `- SQLite: a file in ${tmpdir()}. PostgreSQL: ${process.env.TRANCHE_BENCH_POSTGRES ? 'the server at TRANCHE_BENCH_POSTGRES' : "a throwaway cluster of the machine's PostgreSQL on 127.0.0.1 with fsync on"}.`,
    ],
  };
}

async function backendRows(backend: string, location: string, outcomes: OutcomeInput[]): Promise<string[][]> {
  const ledger = await openLedger(location, '/');
  try {
    // Another service, so these do not join the verdict's outcomes; each its own insert.
    const single: number[] = [];
    for (const o of outcomes.slice(0, SINGLE)) {
      single.push(await timed(() => ledger.recordOutcome({ ...o, service: 'spark-single' })));
    }
    const batched: number[] = [];
    for (let i = 0; i < outcomes.length; i += BATCH) {
      const chunk = outcomes.slice(i, i + BATCH);
      batched.push((await timed(() => ledger.recordOutcomes(chunk))) / chunk.length);
    }
    const decide = await sample(5, async () =>
      timed(() => evaluateVerdict(ledger, 'spark', '3.1', SETTINGS, { actor: 'bench', now: Date.now() })),
    );
    return [
      timingRow(`${backend}: ingest, one per call (per outcome)`, describe(single), 'µs', 1000),
      timingRow(`${backend}: ingest, ${BATCH} per call (per outcome)`, describe(batched), 'µs', 1000),
      timingRow(`${backend}: decide, 100,000 outcomes`, decide, 'ms'),
    ];
  } finally {
    await ledger.close();
  }
}
