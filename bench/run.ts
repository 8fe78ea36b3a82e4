/**
 * `npm run bench`: the engine's own costs, measured. Prints a Markdown table; BENCHMARKS.md holds
 * the latest results and the machine they came from.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChecker } from '../src/checks/checker.ts';
import { systemClock } from '../src/engine/clock.ts';
import { planBatches } from '../src/engine/plan.ts';
import type {
  Checker,
  CheckResult,
  EngineLedger,
  EnginePorts,
  Executor,
  ReleaseSpec,
} from '../src/engine/ports.ts';
import { runRelease } from '../src/engine/run-release.ts';
import { ShellExecutor } from '../src/exec/shell-executor.ts';
import { SqliteLedger } from '../src/ledger/sqlite.ts';
import { describe } from '../src/stats/describe.ts';

const noopExecutor: Executor = {
  run: async () => ({
    exitCode: 0,
    signal: null,
    timedOut: false,
    cancelled: false,
    durationMs: 0,
    stdout: '',
    stderr: '',
  }),
};
const passingChecker: Checker = {
  run: async (spec): Promise<CheckResult> => ({
    check: spec.name,
    status: 'pass',
    value: 1,
    message: 'ok',
    durationMs: 0,
  }),
};
const nullLedger: EngineLedger = {
  targetStates: async () => [],
  record: async () => undefined,
  updateTargets: async () => undefined,
};

function release(targets: number, overrides: Partial<ReleaseSpec> = {}, deploy = 'true'): ReleaseSpec {
  return {
    runId: `bench-${Math.random()}`,
    service: 'bench',
    environment: 'bench',
    version: '2',
    commit: null,
    cwd: tmpdir(),
    onFailure: 'rollback-release',
    components: [
      {
        name: 'app',
        targets: Array.from({ length: targets }, (_, i) => ({ name: `t-${i}`, labels: {} })),
        deploy,
        timeoutMs: 10_000,
        rollout: { first: 1, growth: 2, bakeMs: 0, checkIntervalMs: 1_000, rollbackParallel: 16 },
        checks: [{ kind: 'command', name: 'ok', command: 'true', timeoutMs: 1_000 }],
      },
    ],
    ...overrides,
  };
}

function ports(ledger: EngineLedger, overrides: Partial<EnginePorts> = {}): EnginePorts {
  return {
    executor: noopExecutor,
    checker: passingChecker,
    ledger,
    reporter: { event: () => undefined },
    clock: systemClock,
    ...overrides,
  };
}

async function sample(runs: number, once: () => Promise<number>): Promise<ReturnType<typeof describe>> {
  await once(); // warm-up
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await once());
  return describe(values);
}

async function timed(work: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const rows: string[][] = [];
const row = (name: string, d: ReturnType<typeof describe>, unit: string, scale = 1) => {
  if (!d) return;
  const f = (v: number) => `${(v * scale).toFixed(unit === 'µs' ? 1 : 2)} ${unit}`;
  rows.push([name, String(d.count), f(d.median), f(d.p95), f(d.min), f(d.max)]);
};

const perTarget = 1000;
row(
  'engine overhead per target, 1,000 targets, no-op ports',
  await sample(20, () =>
    timed(() => runRelease(release(perTarget), ports(nullLedger), { previousVersion: null })),
  ),
  'µs',
  1000 / perTarget,
);

const dir = mkdtempSync(join(tmpdir(), 'tranche-bench-'));
let n = 0;
row(
  'engine overhead per target, 1,000 targets, SQLite ledger file',
  await sample(10, async () => {
    const ledger = SqliteLedger.open(join(dir, `ledger-${n++}.db`));
    try {
      return await timed(() => runRelease(release(perTarget), ports(ledger), { previousVersion: null }));
    } finally {
      await ledger.close();
    }
  }),
  'µs',
  1000 / perTarget,
);

const fleet = Array.from({ length: 100_000 }, (_, i) => ({ name: `t-${i}`, labels: {} }));
row(
  'plan 100,000 targets',
  await sample(50, () =>
    timed(() =>
      planBatches(fleet, { first: 1, growth: 2, bakeMs: 0, checkIntervalMs: 0, rollbackParallel: 16 }),
    ),
  ),
  'ms',
);

row(
  'rollback wall time, 10 targets, 100 ms command',
  await sample(10, async () => {
    const ledger = SqliteLedger.open(':memory:');
    const executor = new ShellExecutor({ baseEnv: process.env });
    // Every target deploys, the batch's check fails, all ten are rolled back to version 1.
    await ledger.updateTargets(
      'bench',
      'bench',
      'seed',
      Array.from({ length: 10 }, (_, i) => ({
        component: 'app',
        target: `t-${i}`,
        version: '1',
        good: true,
      })),
    );
    const spec = release(10, {}, 'sleep 0.1');
    const component = spec.components[0];
    if (component) {
      component.rollout.first = 10;
      component.checks = [{ kind: 'command', name: 'fails', command: 'exit 1', timeoutMs: 1_000 }];
    }
    let rollbackMs = Number.NaN;
    await runRelease(
      spec,
      ports(ledger, {
        executor,
        checker: createChecker({ executor }),
        reporter: {
          event: (e) => {
            if (e.kind === 'rollback_finished') rollbackMs = e.durationMs ?? Number.NaN;
          },
        },
      }),
      { previousVersion: '1' },
    );
    await ledger.close();
    return rollbackMs;
  }),
  'ms',
);
rmSync(dir, { recursive: true, force: true });

const header = ['benchmark', 'runs', 'median', 'p95', 'min', 'max'];
console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}\n`);
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
