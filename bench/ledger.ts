/**
 * The ledger's write rates on both backends: version allocations (each a durable transaction)
 * and events (one insert each), from one process and from several at once. PostgreSQL is a
 * throwaway cluster with production durability (fsync and synchronous commits on), or the server
 * at TRANCHE_BENCH_POSTGRES.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from '../src/stats/describe.ts';
import { runTogether } from '../test/ledger/processes.ts';
import { type Cluster, startCluster } from '../test/support/postgres-cluster.ts';
import type { Table } from './harness.ts';

const WORKER = fileURLToPath(new URL('./ledger-worker.ts', import.meta.url));
const RUNS = 5;
const PROCESSES = 4;
const WORK = {
  allocate: { single: 200, perProcess: 100, label: 'allocations' },
  record: { single: 2000, perProcess: 500, label: 'events written' },
} as const;

interface Timing {
  started: number;
  finished: number;
}

/** Operations per second of `processes` workers doing `count` operations each, all at once. */
async function rate(
  location: string,
  op: keyof typeof WORK,
  processes: number,
  count: number,
): Promise<number> {
  const outputs = await runTogether(
    WORKER,
    Array.from({ length: processes }, (_, i) => [location, op, String(count), String(i)]),
  );
  const timings = outputs.map((lines) => lines[0] as Timing);
  const wall = Math.max(...timings.map((t) => t.finished)) - Math.min(...timings.map((t) => t.started));
  return (processes * count) / (wall / 1000);
}

function row(name: string, backend: string, processes: number, rates: number[]): string[] {
  const d = describe(rates);
  const f = (v: number | undefined) => (v === undefined ? '-' : Math.round(v).toLocaleString('en-US'));
  return [name, backend, String(processes), String(d?.count ?? 0), f(d?.median), f(d?.min), f(d?.max)];
}

async function backendRows(backend: string, location: (run: number) => Promise<string>): Promise<string[][]> {
  const rows: string[][] = [];
  for (const op of ['allocate', 'record'] as const) {
    for (const [processes, count] of [
      [1, WORK[op].single],
      [PROCESSES, WORK[op].perProcess],
    ] as const) {
      const rates: number[] = [];
      for (let run = 0; run < RUNS; run++) rates.push(await rate(await location(run), op, processes, count));
      rows.push(row(`${WORK[op].label} per second`, backend, processes, rates));
    }
  }
  return rows;
}

/** The server at TRANCHE_BENCH_POSTGRES, or a throwaway cluster as durable as a production one. */
async function postgresServer(): Promise<Cluster> {
  const given = process.env.TRANCHE_BENCH_POSTGRES;
  return given === undefined ? startCluster({ durable: true }) : { url: given, stop: async () => undefined };
}

export async function ledgerBench(): Promise<Table[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-bench-ledger-'));
  let cluster: Cluster | undefined;
  let n = 0;
  try {
    const rows = await backendRows('SQLite file', async () => join(dir, `ledger-${n++}.db`));
    cluster = await postgresServer();
    const url = new URL(cluster.url);
    rows.push(
      ...(await backendRows('PostgreSQL', async () => {
        url.searchParams.set('schema', `bench_${Date.now()}_${n++}`);
        return url.toString();
      })),
    );
    return [
      {
        title: 'Ledger writes',
        header: ['benchmark', 'backend', 'processes', 'runs', 'median', 'min', 'max'],
        rows,
        notes: [
          `- Each run starts the processes (each opens the ledger first), lets them go at once and divides all their operations by the wall time from the first start to the last finish; ${RUNS} runs, each on a new, empty ledger.`,
          `- *Allocations*: \`nextVersion\`, one durable transaction each (SQLite \`synchronous = FULL\` for that commit; PostgreSQL \`synchronous_commit = on\`), ${WORK.allocate.single} from one process or ${WORK.allocate.perProcess} from each of ${PROCESSES}, every process with a service of its own.`,
          `- *Events written*: \`record\` of a check event, ${WORK.record.single} from one process or ${WORK.record.perProcess} from each of ${PROCESSES}; each its own commit, which waits for no fsync (SQLite \`synchronous = NORMAL\` in WAL mode, PostgreSQL \`synchronous_commit = off\`): a crash of Tranche loses none, a power cut may lose the last few.`,
          `- SQLite: a file in ${tmpdir()}. PostgreSQL: ${process.env.TRANCHE_BENCH_POSTGRES ? 'the server at TRANCHE_BENCH_POSTGRES' : "a throwaway cluster of the machine's PostgreSQL on 127.0.0.1 with fsync on (test/support/postgres-cluster.ts)"}, reached over TCP through node-postgres.`,
        ],
      },
    ];
  } finally {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
