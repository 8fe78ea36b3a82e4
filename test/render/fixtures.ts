import type { DeployEvent } from '../../src/engine/ports.ts';
import type { DeployResult } from '../../src/engine/result.ts';

/** 2024-05-01T12:00:00Z */
export const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

const LATENCIES = [118, 124, 121, 131, 127, 135, 129, 142, 138, 151, 187, 246, 318, 412];

/** metrics-store 2.14.7 to production: batch 2 of app fails its p95 check, everything is rolled back. */
export function rolledBackResult(): DeployResult {
  return {
    schemaVersion: 1,
    runId: 'run-20240501-1200',
    service: 'metrics-store',
    environment: 'production',
    version: '2.14.7',
    previousVersion: '2.14.6',
    commit: '3f9c2ab7d1e04c5b8a6f0e2d9c7b1a3e5f4d2c10',
    decision: 'rolled_back',
    reasonCode: 'check_failed',
    message: 'check health on app-3: p95 412 ms is above 300 ms',
    components: [
      {
        name: 'app',
        status: 'failed',
        batches: [
          { number: 1, targets: ['app-1'], status: 'rolled_back', durationMs: 31_240 },
          { number: 2, targets: ['app-2', 'app-3'], status: 'failed', durationMs: 24_410 },
          { number: 3, targets: ['app-4', 'app-5', 'app-6', 'app-7'], status: 'not_started', durationMs: 0 },
        ],
      },
      {
        name: 'ingest',
        status: 'not_started',
        batches: [{ number: 1, targets: ['ingest-1', 'ingest-2'], status: 'not_started', durationMs: 0 }],
      },
    ],
    rolledBack: [
      { component: 'app', target: 'app-3', from: '2.14.7', to: '2.14.6', status: 'rolled_back' },
      { component: 'app', target: 'app-2', from: '2.14.7', to: '2.14.6', status: 'rolled_back' },
      { component: 'app', target: 'app-1', from: '2.14.7', to: '2.14.6', status: 'failed' },
    ],
    checks: [
      {
        check: 'health',
        unit: 'ms',
        max: 300,
        points: LATENCIES.map((value, i) => ({
          at: T0 + 5_000 * (i + 1),
          target: i < 10 ? 'app-1' : i % 2 === 0 ? 'app-2' : 'app-3',
          value,
          status: value > 300 ? 'fail' : 'pass',
        })),
      },
      {
        check: 'free-disk',
        unit: '%',
        min: 10,
        points: [41, 40.5, 40.2, 39.8].map((value, i) => ({
          at: T0 + 5_000 * (i + 1),
          target: 'app-1',
          value,
          status: 'pass',
        })),
      },
      { check: 'smoke', points: [] },
    ],
    startedAt: T0,
    durationMs: 92_500,
  };
}

export type EventFields = Partial<DeployEvent> & Pick<DeployEvent, 'kind' | 'status'>;

/** A DeployEvent of run-1, `atMs` after T0. */
export function ev(seq: number, atMs: number, fields: EventFields): DeployEvent {
  return {
    runId: 'run-1',
    seq,
    at: T0 + atMs,
    service: 'metrics-store',
    environment: 'production',
    version: '2.14.7',
    ...fields,
  };
}

/**
 * A short run: app batch 1/2 (app-1) deploys, checks and bakes 30 s; batch 2/2 (app-2) fails its
 * check; both targets are rolled back.
 */
export function shortRun(): DeployEvent[] {
  const check = (value: number, status: 'pass' | 'fail') => ({
    check: 'health',
    status,
    value,
    unit: 'ms',
    max: 300,
    slow: false,
    metric: 'p95',
  });
  const events: DeployEvent[] = [];
  const push = (ms: number, fields: EventFields) => {
    events.push(ev(events.length + 1, ms, fields));
  };
  push(0, {
    kind: 'run_started',
    status: 'started',
    data: { previousVersion: '2.14.6', commit: null, components: ['app'] },
  });
  push(5, { kind: 'component_started', status: 'started', component: 'app' });
  const b1 = { component: 'app', batch: 1 };
  push(10, {
    kind: 'batch_started',
    status: 'started',
    ...b1,
    data: { targets: ['app-1'], of: 2, bakeMs: 30_000 },
  });
  push(20, { kind: 'target_deploy', status: 'started', ...b1, target: 'app-1' });
  push(430, {
    kind: 'target_deploy',
    status: 'ok',
    ...b1,
    target: 'app-1',
    durationMs: 410,
    data: { exitCode: 0, timedOut: false },
  });
  push(1_000, {
    kind: 'check',
    status: 'ok',
    ...b1,
    target: 'app-1',
    durationMs: 80,
    message: 'p95 12 ms',
    data: check(12, 'pass'),
  });
  push(1_010, { kind: 'bake_started', status: 'started', ...b1, data: { bakeMs: 30_000 } });
  push(11_010, {
    kind: 'check',
    status: 'ok',
    ...b1,
    target: 'app-1',
    durationMs: 90,
    message: 'p95 15 ms',
    data: check(15, 'pass'),
  });
  push(31_010, { kind: 'bake_finished', status: 'ok', ...b1, durationMs: 30_000 });
  push(31_020, {
    kind: 'batch_finished',
    status: 'ok',
    ...b1,
    durationMs: 31_010,
    data: { decision: 'continue' },
  });
  const b2 = { component: 'app', batch: 2 };
  push(31_030, {
    kind: 'batch_started',
    status: 'started',
    ...b2,
    data: { targets: ['app-2'], of: 2, bakeMs: 30_000 },
  });
  push(31_040, { kind: 'target_deploy', status: 'started', ...b2, target: 'app-2' });
  push(31_500, {
    kind: 'target_deploy',
    status: 'ok',
    ...b2,
    target: 'app-2',
    durationMs: 460,
    data: { exitCode: 0, timedOut: false },
  });
  push(32_000, {
    kind: 'check',
    status: 'failed',
    ...b2,
    target: 'app-2',
    durationMs: 95,
    reasonCode: 'check_failed',
    message: 'p95 412 ms is above 300 ms',
    data: check(412, 'fail'),
  });
  push(32_010, {
    kind: 'batch_finished',
    status: 'failed',
    ...b2,
    durationMs: 980,
    reasonCode: 'check_failed',
    message: 'check health on app-2: p95 412 ms is above 300 ms',
    data: { decision: 'rollback' },
  });
  push(32_020, {
    kind: 'component_finished',
    status: 'failed',
    component: 'app',
    reasonCode: 'check_failed',
  });
  push(32_030, { kind: 'rollback_started', status: 'started', data: { targets: 2 } });
  push(32_040, {
    kind: 'target_rollback',
    status: 'started',
    ...b2,
    target: 'app-2',
    data: { from: '2.14.7', to: '2.14.6' },
  });
  push(32_500, {
    kind: 'target_rollback',
    status: 'ok',
    ...b2,
    target: 'app-2',
    durationMs: 460,
    data: { from: '2.14.7', to: '2.14.6' },
  });
  push(32_510, {
    kind: 'target_rollback',
    status: 'started',
    ...b1,
    target: 'app-1',
    data: { from: '2.14.7', to: '2.14.6' },
  });
  push(33_000, {
    kind: 'target_rollback',
    status: 'failed',
    ...b1,
    target: 'app-1',
    durationMs: 490,
    message: 'rollback of app-1 to 2.14.6 failed (exit 1)',
    data: { from: '2.14.7', to: '2.14.6', exitCode: 1, timedOut: false },
  });
  push(33_010, {
    kind: 'rollback_finished',
    status: 'failed',
    durationMs: 980,
    data: { targets: 2, failed: 1 },
  });
  push(33_020, {
    kind: 'run_finished',
    status: 'failed',
    durationMs: 33_020,
    reasonCode: 'check_failed',
    message: 'check health on app-2: p95 412 ms is above 300 ms; 1 target(s) could not be rolled back',
    data: { decision: 'rolled_back' },
  });
  return events;
}
