/**
 * A whole rolled-back deploy run through the real engine with a fake clock and scripted ports, so
 * the report rendered from its result and events is consistent end to end: the committed example
 * of what a check run shows (test/render/__snapshots__/rolled-back-check-run.md).
 */
import type { CommandCheckSpec, HttpCheckSpec } from '../../src/checks/check-specs.ts';
import type { CheckResult, DeployEvent } from '../../src/engine/ports.ts';
import type { DeployResult } from '../../src/engine/result.ts';
import { runRelease } from '../../src/engine/run-release.ts';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { FakeClock } from '../support/fake-clock.ts';
import {
  component,
  RecordingReporter,
  release,
  ScriptedChecker,
  ScriptedExecutor,
} from '../support/fakes.ts';

/** 2024-05-01T12:00:00Z */
const START = Date.UTC(2024, 4, 1, 12, 0, 0);

const HEALTH: HttpCheckSpec = {
  kind: 'http',
  name: 'health',
  url: 'http://{target}:8080/healthz',
  status: 200,
  samples: 5,
  p95Ms: 300,
  timeoutMs: 10_000,
};
const FREE_DISK: CommandCheckSpec = {
  kind: 'command',
  name: 'free-disk',
  command: './checks/free-disk.sh',
  min: 10,
  unit: '%',
  timeoutMs: 10_000,
};
const SMOKE: CommandCheckSpec = {
  kind: 'command',
  name: 'smoke',
  command: './checks/smoke.sh',
  timeoutMs: 10_000,
};

/**
 * metrics-store 2.14.7 → production: app batch 1 (app-1) passes and bakes 30 s while its latency
 * creeps up; batch 2 (app-2, app-3) fails on app-3's p95; app-1's rollback command fails, the
 * other two return to 2.14.6; ingest never starts.
 */
export async function rolledBackRun(): Promise<{ result: DeployResult; events: DeployEvent[] }> {
  const clock = new FakeClock({ start: START });
  const ledger = await SqliteLedger.open(':memory:');
  try {
    const targets = ['app-1', 'app-2', 'app-3', 'app-4', 'app-5', 'app-6', 'app-7'];
    await ledger.updateTargets(
      'metrics-store',
      'production',
      'run-0',
      targets.map((target) => ({ component: 'app', target, version: '2.14.6', good: true })),
    );
    const latency = [118, 124, 131, 142, 163];
    let disk = 41;
    const checker = new ScriptedChecker(clock, (spec, ctx): Partial<CheckResult> => {
      if (spec.name === 'free-disk') {
        disk -= 0.4;
        return { value: Number(disk.toFixed(1)), unit: '%', threshold: { min: 10 }, message: 'free disk' };
      }
      if (spec.name !== 'health') return { message: 'smoke test passed' };
      const value = ctx.target.name === 'app-3' ? 412 : (latency.shift() ?? 187);
      const fail = value > 300;
      return {
        status: fail ? 'fail' : 'pass',
        value,
        metric: 'p95',
        unit: 'ms',
        threshold: { max: 300 },
        message: `p95 latency ${value.toFixed(2)} ms over 5 samples is ${fail ? 'greater than' : 'within'} max 300.00 ms`,
      };
    });
    const executor = new ScriptedExecutor(clock, (call) => ({
      durationMs: call.action === 'rollback' ? 460 : 410,
      exitCode: call.action === 'rollback' && call.target === 'app-1' ? 1 : 0,
    }));
    const reporter = new RecordingReporter();
    const app = component({
      name: 'app',
      targets: 7,
      rollout: { bakeMs: 30_000, checkIntervalMs: 10_000 },
    });
    app.checks = [HEALTH, FREE_DISK, SMOKE];
    const ingest = component({ name: 'ingest', targets: 2 });
    ingest.checks = [SMOKE];
    const result = await runRelease(
      release({
        runId: 'run-20240501-1200',
        commit: '3f9c2ab7d1e04c5b8a6f0e2d9c7b1a3e5f4d2c10',
        components: [app, ingest],
      }),
      { executor, checker, reporter, clock, ledger },
      { previousVersion: '2.14.6' },
    );
    return { result, events: reporter.events };
  } finally {
    await ledger.close();
  }
}
