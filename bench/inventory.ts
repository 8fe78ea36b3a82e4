/**
 * The inventory benchmark (`npm run bench -- inventory`), 100,000 targets with two labels each
 * from an inventory (a JSON array, as a command would print it):
 *
 * 1. planning against parsing: JSON.parse of the inventory's text, next to planning the deploy
 *    from it (read the inventory into the config, validate every target, resolve, plan the
 *    batches), without and with canary categories over a label. Paired: each round times one
 *    parse and one plan back to back, so the machine's load (noisy, shared) hits both alike; the
 *    ratio is taken per round.
 * 2. running it: the engine's overhead for the whole rollout through batch commands that do
 *    nothing, with the run recorded in a SQLite ledger: an executor that answers in process (the
 *    engine and the ledger alone), the same with each event recorded alone (as the engine did
 *    before a batch's events went to the ledger together), and the real shell executor running a
 *    no-op Node script that reports every target ok (processes and files included).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInventories } from '../src/config/inventory.ts';
import { parseConfig } from '../src/config/load.ts';
import { resolveEnvironment } from '../src/config/resolve.ts';
import { systemClock } from '../src/engine/clock.ts';
import { planRelease } from '../src/engine/plan.ts';
import type {
  BatchCommandRequest,
  BatchCommandResult,
  EngineLedger,
  EnginePorts,
  Executor,
} from '../src/engine/ports.ts';
import { runRelease } from '../src/engine/run-release.ts';
import { ShellExecutor } from '../src/exec/shell-executor.ts';
import { openLedger } from '../src/ledger/open.ts';
import { describe } from '../src/stats/describe.ts';
import { noopExecutor } from './engine.ts';
import { sample, type Table, TIMING_HEADER, timed, timingRow } from './harness.ts';

const TARGETS = 100_000;
const ROUNDS = 30;

function inventoryText(): string {
  return JSON.stringify(
    Array.from({ length: TARGETS }, (_, i) => ({
      name: `host-${i + 1}.dc${i % 4}.example.com`,
      labels: { zone: `zone-${i % 10}`, rack: `rack-${i % 400}` },
    })),
  );
}

function config(categories: boolean): string {
  return `service: shop
environments:
  prod:
    components:
      - name: web
        targets: { command: ./hosts.sh }
        deployBatch: ./playbook.sh
        rollout: { first: 10, growth: 2 }
${categories ? 'categories: [zone]\n' : ''}`;
}

/** Plans the deploy from the inventory's text: read it into the config, resolve, plan. */
async function plan(text: string, categories: boolean) {
  const loaded = parseConfig(config(categories), 'tranche.yml');
  const read = await readInventories(loaded, 'prod', async () => ({ ok: true, text }));
  const resolved = resolveEnvironment(read.config, 'prod');
  return planRelease(resolved.service, 'prod', resolved.components);
}

export async function inventoryBench(): Promise<Table[]> {
  const text = inventoryText();
  return [await planTable(text), await runTable(text)];
}

async function planTable(text: string): Promise<Table> {
  const rows: string[][] = [];
  const ratios: string[][] = [];
  for (const categories of [false, true]) {
    const parse: number[] = [];
    const planning: number[] = [];
    const ratio: number[] = [];
    await plan(text, categories);
    for (let i = 0; i < ROUNDS; i++) {
      const p = await timed(() => JSON.parse(text));
      const q = await timed(() => plan(text, categories));
      parse.push(p);
      planning.push(q);
      ratio.push(q / p);
    }
    const what = categories ? 'plan with categories [zone]' : 'plan';
    if (!categories) rows.push(timingRow('JSON.parse of the inventory', describe(parse), 'ms'));
    rows.push(timingRow(what, describe(planning), 'ms'));
    const r = describe(ratio);
    ratios.push([
      `${what} ÷ JSON.parse`,
      String(r?.count ?? 0),
      `${r?.median.toFixed(2)}×`,
      `${r?.p95.toFixed(2)}×`,
    ]);
  }
  return {
    title: `Planning ${TARGETS.toLocaleString('en-US')} inventory targets next to parsing their JSON (${(text.length / 1e6).toFixed(1)} MB)`,
    header: TIMING_HEADER,
    rows: [...rows, ...ratios.map((r) => [...r, '', ''])],
    notes: [
      `Each plan reads the inventory's text into the config (JSON.parse; each target checked: the plain shape directly, any other through the zod schema; names checked unique with a Set), resolves the environment and plans the batches (first 10, growth 2). Paired runs: each of ${ROUNDS} rounds times one JSON.parse and then one plan, and the ratio rows are the per-round ratios (runs, median, p95).`,
    ],
  };
}

/** An executor whose batch commands succeed at once on every target, in process. */
const noopBatches: Executor = {
  ...noopExecutor,
  runBatch: async (request: BatchCommandRequest): Promise<BatchCommandResult> => ({
    ...(await noopExecutor.run(request)),
    outcomes: new Map(request.targets.map((t) => [t.name, { ok: true }])),
  }),
};

/** The ledger as the engine used it before a batch's events were recorded together: one insert each. */
function eventByEvent(ledger: EngineLedger): EngineLedger {
  return {
    targetStates: (service, environment) => ledger.targetStates(service, environment),
    updateTargets: (...args) => ledger.updateTargets(...args),
    record: (event) => ledger.record(event),
    recordEvents: async (events) => {
      for (const event of events) await ledger.record(event);
    },
  };
}

const NOOP_TOOL = `const fs = require('node:fs');
const { targets } = JSON.parse(fs.readFileSync(process.env.TRANCHE_TARGETS_FILE, 'utf8'));
fs.writeFileSync(process.env.TRANCHE_RESULTS_FILE, JSON.stringify(Object.fromEntries(targets.map((t) => [t.name, { ok: true }]))));
`;

async function runTable(text: string): Promise<Table> {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-bench-inventory-'));
  writeFileSync(join(dir, 'noop.cjs'), NOOP_TOOL);
  const planned = await plan(text, false);
  const batches = planned.components[0]?.batches.length ?? 0;
  let n = 0;
  const once = async (executor: Executor, recording = (ledger: EngineLedger) => ledger) => {
    const ledger = await openLedger(join(dir, `ledger-${++n}.db`), dir);
    try {
      const loaded = parseConfig(config(false), 'tranche.yml');
      const read = await readInventories(loaded, 'prod', async () => ({ ok: true, text }));
      const resolved = resolveEnvironment(read.config, 'prod');
      const components = resolved.components.map((c) => ({ ...c, deploy: '"$NODE" noop.cjs' }));
      const ports: EnginePorts = {
        executor,
        checker: { run: () => Promise.reject(new Error('no checks')) },
        ledger: recording(ledger),
        reporter: { event: () => undefined },
        clock: systemClock,
      };
      const spec = {
        runId: `run-${n}`,
        service: 'shop',
        environment: 'prod',
        version: `1.${n}`,
        commit: null,
        cwd: dir,
        components,
        onFailure: 'rollback-release' as const,
        inventory: read.inventory,
      };
      return await timed(async () => {
        const result = await runRelease(spec, ports, { previousVersion: null });
        if (result.decision !== 'succeeded') throw new Error(`the run ${result.decision}: ${result.message}`);
      });
    } finally {
      await ledger.close();
    }
  };
  const shell = new ShellExecutor({ baseEnv: { PATH: process.env.PATH, NODE: process.execPath } });
  try {
    const rows = [
      timingRow('run, in-process no-op batch commands', await sample(3, () => once(noopBatches)), 's', 1e-3),
      timingRow(
        'run, in-process, each event recorded alone (as before)',
        await sample(3, () => once(noopBatches, eventByEvent)),
        's',
        1e-3,
      ),
      timingRow(
        'run, no-op Node script per batch (real processes)',
        await sample(3, () => once(shell)),
        's',
        1e-3,
      ),
    ];
    return {
      title: `Running a deploy of ${TARGETS.toLocaleString('en-US')} inventory targets through batch commands`,
      header: TIMING_HEADER,
      rows,
      notes: [
        `${batches} batches (first 10, growth 2), no checks, no bake; each run records its inventory event, a deploy started and finished event per target and every target's state in a fresh SQLite ledger file. A warm-up run, then 3 timed.`,
        "A batch's per-target events go to the ledger together, in one transaction for the starts and one for the results; *each event recorded alone* is the same run with every event its own autocommitted insert, as the engine recorded them before.",
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
