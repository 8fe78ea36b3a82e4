import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandRequest, DeployEvent, EngineLedger, ReleaseSpec } from '../../src/engine/ports.ts';
import { runRelease } from '../../src/engine/run-release.ts';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { FakeClock } from '../support/fake-clock.ts';
import {
  component,
  type ExecutorCall,
  RecordingReporter,
  release,
  ScriptedChecker,
  ScriptedExecutor,
} from '../support/fakes.ts';

let ledger: SqliteLedger;
beforeEach(async () => {
  ledger = await SqliteLedger.open(':memory:');
});
afterEach(async () => {
  await ledger.close();
});

function harness(
  options: {
    clock?: FakeClock;
    deploy?: (call: ExecutorCall) => {
      exitCode?: number;
      hang?: boolean;
      timedOut?: boolean;
      durationMs?: number;
    };
    check?: ConstructorParameters<typeof ScriptedChecker>[1];
    ledger?: EngineLedger;
  } = {},
) {
  const clock = options.clock ?? new FakeClock();
  const executor = new ScriptedExecutor(clock, options.deploy);
  const checker = new ScriptedChecker(clock, options.check);
  const reporter = new RecordingReporter();
  const ports = { executor, checker, reporter, clock, ledger: options.ledger ?? ledger };
  const run = (spec: ReleaseSpec, signal?: AbortSignal) =>
    runRelease(spec, ports, { previousVersion: '2.14.6', signal });
  return { clock, executor, checker, reporter, run };
}

/** Record that these targets run `version` as their good version, as an earlier run would have. */
async function seedGood(comp: string, targets: Record<string, string>): Promise<void> {
  await ledger.updateTargets(
    'metrics-store',
    'production',
    'run-0',
    Object.entries(targets).map(([target, version]) => ({ component: comp, target, version, good: true })),
  );
}

describe('runRelease', () => {
  describe('when every batch is healthy', () => {
    it('deploys every target once, in batch order, and succeeds', async () => {
      const h = harness();
      const result = await h.run(
        release({ components: [component({ name: 'app', targets: 10, checks: ['query'] })] }),
      );
      expect(result.decision).toBe('succeeded');
      expect(result.reasonCode).toBe('all_batches_healthy');
      expect(h.executor.deploys().map((c) => c.target)).toEqual(
        Array.from({ length: 10 }, (_, i) => `app-${i + 1}`),
      );
      expect(h.executor.deploys().map((c) => c.batch)).toEqual([1, 2, 2, 3, 3, 3, 3, 4, 4, 4]);
      expect(result.components[0]?.batches.map((b) => [b.targets.length, b.status])).toEqual([
        [1, 'succeeded'],
        [2, 'succeeded'],
        [4, 'succeeded'],
        [3, 'succeeded'],
      ]);
    });

    it('checks each batch’s targets after deploying them and before the next batch starts', async () => {
      const h = harness();
      await h.run(release({ components: [component({ name: 'app', targets: 3, checks: ['query'] })] }));
      const order = h.reporter.events
        .filter((e) => e.kind === 'target_deploy' && e.status === 'ok')
        .concat(h.reporter.events.filter((e) => e.kind === 'check'))
        .sort((a, b) => a.seq - b.seq)
        .map((e) => `${e.kind}:${e.target}`);
      expect(order).toEqual([
        'target_deploy:app-1',
        'check:app-1',
        'target_deploy:app-2',
        'target_deploy:app-3',
        'check:app-2',
        'check:app-3',
      ]);
    });

    it('records the new version as every target’s good version', async () => {
      const h = harness();
      await h.run(release({ components: [component({ name: 'app', targets: 3 })] }));
      const states = await ledger.targetStates('metrics-store', 'production');
      expect(states.map((s) => [s.target, s.version, s.goodVersion]).sort()).toEqual([
        ['app-1', '2.14.7', '2.14.7'],
        ['app-2', '2.14.7', '2.14.7'],
        ['app-3', '2.14.7', '2.14.7'],
      ]);
    });

    it('passes values to commands only through TRANCHE_* variables', async () => {
      await seedGood('app', { 'app-1': '2.14.6' });
      const h = harness();
      await h.run(
        release({
          environmentLabels: { cloud: 'aws' },
          components: [component({ name: 'app', targets: 1 })],
        }),
      );
      expect(h.executor.calls[0]?.env).toEqual({
        TRANCHE_SERVICE: 'metrics-store',
        TRANCHE_ENVIRONMENT: 'production',
        TRANCHE_ENVIRONMENT_LABELS: '{"cloud":"aws"}',
        TRANCHE_COMPONENT: 'app',
        TRANCHE_TARGET: 'app-1',
        TRANCHE_TARGET_LABELS: '{}',
        TRANCHE_VERSION: '2.14.7',
        TRANCHE_PREVIOUS_VERSION: '2.14.6',
        TRANCHE_BATCH: '1',
        TRANCHE_ACTION: 'deploy',
        TRANCHE_COMMIT: 'abc123',
      });
    });

    it('ends with exactly one run_finished event, recorded in the ledger', async () => {
      const h = harness();
      await h.run(release({ components: [component({ name: 'app', targets: 2 })] }));
      const events = await ledger.events({ runId: 'run-1' });
      expect(events.filter((e) => e.kind === 'run_finished')).toHaveLength(1);
      expect(events.at(-1)).toMatchObject({
        kind: 'run_finished',
        status: 'ok',
        data: { decision: 'succeeded' },
      });
    });

    it('drives a 1,000-target rollout to the end with a fake clock', async () => {
      const h = harness();
      const result = await h.run(
        release({
          components: [
            component({ name: 'app', targets: 1000, checks: ['query'], rollout: { bakeMs: 60_000 } }),
          ],
        }),
      );
      expect(result.decision).toBe('succeeded');
      expect(result.components[0]?.batches.map((b) => b.targets.length)).toEqual([
        1, 2, 4, 8, 16, 32, 64, 128, 256, 489,
      ]);
      expect(new Set(h.executor.deploys().map((c) => c.target)).size).toBe(1000);
    });
  });

  describe('change one, test one', () => {
    it('never starts component 2 when component 1 fails', async () => {
      const h = harness({
        check: (_spec, ctx) => (ctx.batch === 2 ? { status: 'fail', message: 'p95 too high' } : {}),
      });
      const result = await h.run(
        release({
          components: [
            component({ name: 'app', targets: 4, checks: ['query'] }),
            component({ name: 'db', targets: 2 }),
          ],
        }),
      );
      expect(result.decision).toBe('rolled_back');
      expect(h.executor.calls.filter((c) => c.component === 'db')).toEqual([]);
      expect(h.reporter.events.filter((e) => e.component === 'db')).toEqual([]);
      expect(result.components.map((c) => [c.name, c.status])).toEqual([
        ['app', 'failed'],
        ['db', 'not_started'],
      ]);
    });

    it('finishes component 1, checks included, before component 2 starts', async () => {
      const h = harness();
      await h.run(
        release({
          components: [
            component({ name: 'app', targets: 2, checks: ['query'] }),
            component({ name: 'db', targets: 1 }),
          ],
        }),
      );
      const kinds = h.reporter.events.map((e) => `${e.kind}:${e.component ?? ''}`);
      expect(kinds.indexOf('component_finished:app')).toBeLessThan(kinds.indexOf('component_started:db'));
      expect(kinds.lastIndexOf('check:app')).toBeLessThan(kinds.indexOf('component_started:db'));
    });
  });

  describe('when a batch fails its checks', () => {
    it('rolls back exactly the touched targets, each to its own last good version', async () => {
      await seedGood('app', { 'app-1': '2.14.4', 'app-2': '2.14.5', 'app-3': '2.14.6', 'app-4': '2.14.6' });
      const h = harness({
        check: (_spec, ctx) => (ctx.target.name === 'app-3' ? { status: 'fail', message: 'bad' } : {}),
      });
      const result = await h.run(
        release({ components: [component({ name: 'app', targets: 8, checks: ['query'] })] }),
      );
      expect(result.decision).toBe('rolled_back');
      expect(result.reasonCode).toBe('check_failed');
      expect(
        h.executor
          .rollbacks()
          .map((c) => [c.target, c.version, c.previousVersion])
          .sort(),
      ).toEqual([
        ['app-1', '2.14.4', '2.14.7'],
        ['app-2', '2.14.5', '2.14.7'],
        ['app-3', '2.14.6', '2.14.7'],
      ]);
      const states = await ledger.targetStates('metrics-store', 'production');
      expect(Object.fromEntries(states.map((s) => [s.target, s.version]))).toEqual({
        'app-1': '2.14.4',
        'app-2': '2.14.5',
        'app-3': '2.14.6',
        'app-4': '2.14.6',
      });
    });

    it('puts back, with the targets it touched, those an earlier run left off their good version', async () => {
      await seedGood('app', { 'app-1': '2.14.6', 'app-2': '2.14.6', 'app-3': '2.14.6', 'app-4': '2.14.6' });
      // A run of 2.14.5 that died after deploying app-3 and app-4, never verified there.
      await ledger.updateTargets('metrics-store', 'production', 'run-dead', [
        { component: 'app', target: 'app-3', version: '2.14.5', good: false },
        { component: 'app', target: 'app-4', version: '2.14.5', good: false },
      ]);
      const h = harness({
        check: (_spec, ctx) => (ctx.target.name === 'app-1' ? { status: 'fail', message: 'bad' } : {}),
      });
      const result = await h.run(
        release({ components: [component({ name: 'app', targets: 4, checks: ['query'] })] }),
      );
      expect(result.decision).toBe('rolled_back');
      expect(result.rolledBack).toEqual([
        { component: 'app', target: 'app-1', from: '2.14.7', to: '2.14.6', status: 'rolled_back' },
        { component: 'app', target: 'app-3', from: '2.14.5', to: '2.14.6', status: 'rolled_back' },
        { component: 'app', target: 'app-4', from: '2.14.5', to: '2.14.6', status: 'rolled_back' },
      ]);
      expect(
        h.executor
          .rollbacks()
          .map((c) => [c.target, c.version, c.previousVersion])
          .sort(),
      ).toEqual([
        ['app-1', '2.14.6', '2.14.7'],
        ['app-3', '2.14.6', '2.14.5'],
        ['app-4', '2.14.6', '2.14.5'],
      ]);
      const states = await ledger.targetStates('metrics-store', 'production');
      expect(states.map((s) => [s.target, s.version, s.goodVersion])).toEqual([
        ['app-1', '2.14.6', '2.14.6'],
        ['app-2', '2.14.6', '2.14.6'],
        ['app-3', '2.14.6', '2.14.6'],
        ['app-4', '2.14.6', '2.14.6'],
      ]);
    });

    it('leaves a target an earlier run left off its good version where it is when it halts', async () => {
      await seedGood('app', { 'app-1': '2.14.6', 'app-2': '2.14.6' });
      await ledger.updateTargets('metrics-store', 'production', 'run-dead', [
        { component: 'app', target: 'app-2', version: '2.14.5', good: false },
      ]);
      const h = harness({ check: () => ({ status: 'fail', message: 'bad' }) });
      const result = await h.run(
        release({
          onFailure: 'halt',
          components: [component({ name: 'app', targets: 2, checks: ['query'] })],
        }),
      );
      expect(result.decision).toBe('halted');
      expect(h.executor.rollbacks()).toEqual([]);
    });

    it('reports a touched target with no previous version instead of guessing one', async () => {
      const h = harness({ check: () => ({ status: 'fail', message: 'bad' }) });
      const result = await h.run(
        release({ components: [component({ name: 'app', targets: 4, checks: ['query'] })] }),
      );
      expect(result.rolledBack).toEqual([
        { component: 'app', target: 'app-1', from: '2.14.7', to: null, status: 'no_previous_version' },
      ]);
      expect(h.executor.rollbacks()).toEqual([]);
      expect(result.message).toBe(
        'check query on app-1: bad; 1 target(s) had no earlier version to go back to and stay as this run left them',
      );
    });

    it('rolls back later batches first and components in reverse order', async () => {
      await seedGood('app', { 'app-1': '1', 'app-2': '1', 'app-3': '1' });
      await seedGood('db', { 'db-1': '1', 'db-2': '1', 'db-3': '1' });
      const h = harness({
        check: (_spec, ctx) =>
          ctx.component === 'db' && ctx.batch === 2 ? { status: 'fail', message: 'bad' } : {},
      });
      await h.run(
        release({
          components: [
            component({ name: 'app', targets: 3, rollout: { rollbackParallel: 1 } }),
            component({ name: 'db', targets: 3, checks: ['query'], rollout: { rollbackParallel: 1 } }),
          ],
        }),
      );
      expect(h.executor.rollbacks().map((c) => c.target)).toEqual([
        'db-2',
        'db-3',
        'db-1',
        'app-2',
        'app-3',
        'app-1',
      ]);
    });

    it('marks the failing batch failed, earlier ones rolled back and later ones not started', async () => {
      const h = harness({
        check: (_spec, ctx) => (ctx.batch === 2 ? { status: 'fail', message: 'bad' } : {}),
      });
      const result = await h.run(
        release({ components: [component({ name: 'app', targets: 10, checks: ['query'] })] }),
      );
      expect(result.components[0]?.batches.map((b) => b.status)).toEqual([
        'rolled_back',
        'failed',
        'not_started',
        'not_started',
      ]);
    });

    it('leaves the ledger with one terminal record that says rolled_back', async () => {
      const h = harness({ check: () => ({ status: 'fail', message: 'bad' }) });
      await h.run(release({ components: [component({ name: 'app', targets: 2, checks: ['query'] })] }));
      const [run] = await ledger.runs({ service: 'metrics-store' });
      expect(run).toMatchObject({ runId: 'run-1', decision: 'rolled_back', reasonCode: 'check_failed' });
    });
  });

  describe('checks that cannot give an answer', () => {
    it.each([
      ['error', 'check_errored'],
      ['no_data', 'check_no_data'],
    ] as const)('counts a check with status %s as a failure (%s)', async (status, reasonCode) => {
      const h = harness({ check: () => ({ status, message: 'connection refused' }) });
      const result = await h.run(
        release({ components: [component({ name: 'app', targets: 2, checks: ['query'] })] }),
      );
      expect(result.decision).toBe('rolled_back');
      expect(result.reasonCode).toBe(reasonCode);
    });

    it('still fails the batch when a parallel target’s check passes after the failing one', async () => {
      const h = harness({
        check: (_spec, ctx) => {
          if (ctx.batch !== 2) return {};
          if (ctx.target.name === 'app-2') return { status: 'fail', message: 'too slow' };
          // app-3's check is still running when app-2's failure has been reported.
          return { after: h.reporter.waitFor((e) => e.kind === 'check' && e.status === 'failed') };
        },
      });
      const result = await h.run(
        release({ components: [component({ name: 'app', targets: 3, checks: ['latency'] })] }),
      );
      expect(result.decision).toBe('rolled_back');
      expect(result.reasonCode).toBe('check_failed');
      expect(result.message).toContain('check latency on app-2: too slow');
    });

    it('flags a check slower than 5 s as slow', async () => {
      const h = harness({ check: () => ({ durationMs: 7_500 }) });
      await h.run(release({ components: [component({ name: 'app', targets: 1, checks: ['query'] })] }));
      const check = h.reporter.events.find((e) => e.kind === 'check');
      expect(check?.data?.slow).toBe(true);
      expect(check?.message).toContain('slow: 7.50 s');
    });
  });

  describe('when a deploy command fails', () => {
    it('stops the batch and rolls back with deploy_command_failed', async () => {
      await seedGood('app', { 'app-1': '2.14.6', 'app-2': '2.14.6', 'app-3': '2.14.6' });
      const h = harness({
        deploy: (c) => (c.target === 'app-2' && c.action === 'deploy' ? { exitCode: 3 } : {}),
      });
      const result = await h.run(
        release({ components: [component({ name: 'app', targets: 4, rollout: { parallel: 1 } })] }),
      );
      expect(result.reasonCode).toBe('deploy_command_failed');
      expect(result.message).toContain('exit code 3');
      expect(h.executor.deploys().map((c) => c.target)).toEqual(['app-1', 'app-2']);
      expect(
        h.executor
          .rollbacks()
          .map((c) => c.target)
          .sort(),
      ).toEqual(['app-1', 'app-2']);
    });

    it('still fails the batch when a parallel target finishes after the failing one', async () => {
      const h = harness({
        deploy: (c) => {
          if (c.action !== 'deploy') return {};
          if (c.target === 'app-2') return { exitCode: 4 };
          // app-3 is still deploying when app-2's failure has been reported.
          const app2Failed = (e: DeployEvent) =>
            e.kind === 'target_deploy' && e.target === 'app-2' && e.status === 'failed';
          return c.target === 'app-3' ? { after: h.reporter.waitFor(app2Failed) } : {};
        },
      });
      const result = await h.run(release({ components: [component({ name: 'app', targets: 3 })] }));
      expect(result.decision).toBe('rolled_back');
      expect(result.reasonCode).toBe('deploy_command_failed');
      expect(result.message).toContain('deploy of app-2 failed with exit code 4');
    });

    it('reports a timed-out deploy as deploy_timed_out', async () => {
      const h = harness({ deploy: () => ({ timedOut: true }) });
      const result = await h.run(release({ components: [component({ name: 'app', targets: 2 })] }));
      expect(result.reasonCode).toBe('deploy_timed_out');
    });
  });

  describe('onFailure', () => {
    const failDb = (_spec: unknown, ctx: { component: string }) =>
      ctx.component === 'db' ? { status: 'fail' as const, message: 'bad' } : {};

    it('rollback-component rolls back only the failing component', async () => {
      await seedGood('app', { 'app-1': '1', 'app-2': '1' });
      await seedGood('db', { 'db-1': '1' });
      const h = harness({ check: failDb });
      const result = await h.run(
        release({
          onFailure: 'rollback-component',
          components: [
            component({ name: 'app', targets: 2 }),
            component({ name: 'db', targets: 2, checks: ['q'] }),
          ],
        }),
      );
      expect(result.decision).toBe('rolled_back');
      expect(h.executor.rollbacks().map((c) => c.target)).toEqual(['db-1']);
      expect(result.components.map((c) => c.status)).toEqual(['succeeded', 'failed']);
    });

    it('halt leaves every target where it is', async () => {
      const h = harness({ check: failDb });
      const result = await h.run(
        release({
          onFailure: 'halt',
          components: [
            component({ name: 'app', targets: 2 }),
            component({ name: 'db', targets: 2, checks: ['q'] }),
          ],
        }),
      );
      expect(result.decision).toBe('halted');
      expect(h.executor.rollbacks()).toEqual([]);
      expect(result.components[0]?.batches.map((b) => b.status)).toEqual(['halted', 'halted']);
    });
  });

  describe('bake', () => {
    it('repeats the checks on every target deployed so far at each interval', async () => {
      const h = harness();
      await h.run(
        release({
          components: [
            component({
              name: 'app',
              targets: 3,
              checks: ['query'],
              rollout: { bakeMs: 30_000, checkIntervalMs: 10_000 },
            }),
          ],
        }),
      );
      const batch2 = h.checker.calls.filter((c) => c.batch === 2).map((c) => c.target);
      // Once after deploy (the batch's own targets), then three bake rounds over all three.
      expect(batch2).toEqual(['app-2', 'app-3', ...Array(3).fill(['app-1', 'app-2', 'app-3']).flat()]);
    });

    it('rolls back when a check fails during the bake', async () => {
      let calls = 0;
      const h = harness({
        check: () => (++calls === 3 ? { status: 'fail', message: 'error rate rising' } : {}),
      });
      const result = await h.run(
        release({
          components: [
            component({
              name: 'app',
              targets: 4,
              checks: ['query'],
              rollout: { bakeMs: 30_000, checkIntervalMs: 10_000 },
            }),
          ],
        }),
      );
      expect(result.decision).toBe('rolled_back');
      const bake = h.reporter.events.find((e) => e.kind === 'bake_finished');
      expect(bake).toMatchObject({ status: 'failed', batch: 1, durationMs: 20_000 });
    });
  });

  describe('cancellation', () => {
    it('stops mid-bake, rolls back the touched targets and records a terminal event', async () => {
      await seedGood('app', { 'app-1': '2.14.6', 'app-2': '2.14.6', 'app-3': '2.14.6' });
      const clock = new FakeClock({ auto: false });
      const h = harness({ clock });
      const controller = new AbortController();
      const running = h.run(
        release({
          components: [
            component({
              name: 'app',
              targets: 3,
              checks: ['query'],
              rollout: { bakeMs: 60_000, checkIntervalMs: 10_000 },
            }),
          ],
        }),
        controller.signal,
      );
      while (!h.reporter.events.some((e) => e.kind === 'bake_started' && e.batch === 2)) {
        if (clock.pending > 0) await clock.advance(10_000);
        else await new Promise((r) => setImmediate(r));
      }
      await clock.advance(15_000);
      controller.abort();
      const result = await running;
      expect(result.decision).toBe('cancelled');
      expect(result.reasonCode).toBe('cancelled');
      expect(
        h.executor
          .rollbacks()
          .map((c) => c.target)
          .sort(),
      ).toEqual(['app-1', 'app-2', 'app-3']);
      const [run] = await ledger.runs({});
      expect(run).toMatchObject({ decision: 'cancelled', reasonCode: 'cancelled' });
      expect(run?.finishedAt).not.toBeNull();
    });

    it('rolls back a target whose deploy was in flight when the run was cancelled', async () => {
      await seedGood('app', { 'app-1': '2.14.6', 'app-2': '2.14.6' });
      const controller = new AbortController();
      const h = harness({
        deploy: (c) => (c.target === 'app-2' && c.action === 'deploy' ? { hang: true } : {}),
      });
      const running = h.run(
        release({ components: [component({ name: 'app', targets: 2 })] }),
        controller.signal,
      );
      await h.reporter.waitFor((e) => e.kind === 'target_deploy' && e.target === 'app-2');
      controller.abort();
      const result = await running;
      expect(result.decision).toBe('cancelled');
      expect(
        h.executor
          .rollbacks()
          .map((c) => c.target)
          .sort(),
      ).toEqual(['app-1', 'app-2']);
    });
  });

  describe('when a check’s message carries credentials in a URL', () => {
    it('records, reports and returns it with the userinfo masked, and nowhere the password', async () => {
      const url = 'http://admin:SECRET@app-1.internal/health';
      const h = harness({
        check: () => ({ status: 'fail', message: `GET ${url}: 1 of 1 samples returned 500` }),
      });
      const result = await h.run(
        release({ components: [component({ name: 'app', targets: 2, checks: ['query'] })] }),
      );
      expect(result.decision).toBe('rolled_back');
      expect(result.message).toContain('GET http://***@app-1.internal/health: 1 of 1 samples returned 500');
      const everything = JSON.stringify([
        result,
        h.reporter.events,
        await ledger.events({}),
        await ledger.runs({}),
      ]);
      expect(everything).toContain('http://***@app-1.internal/health');
      expect(everything).not.toContain('SECRET');
      expect(everything).not.toContain('admin:');
    });
  });

  describe('when a port throws', () => {
    it('still rolls back and ends with a terminal record', async () => {
      await seedGood('app', { 'app-1': '2.14.6', 'app-2': '2.14.6' });
      const h = harness({
        check: (_spec, ctx) => {
          if (ctx.batch === 2) throw new Error('checker exploded');
          return {};
        },
      });
      const result = await h.run(
        release({ components: [component({ name: 'app', targets: 2, checks: ['query'] })] }),
      );
      expect(result.decision).toBe('rolled_back');
      expect(result.reasonCode).toBe('internal_error');
      expect(result.message).toContain('checker exploded');
      expect(
        h.executor
          .rollbacks()
          .map((c) => c.target)
          .sort(),
      ).toEqual(['app-1', 'app-2']);
      const [run] = await ledger.runs({});
      expect(run?.decision).toBe('rolled_back');
    });

    it('marks the batch the error stopped as failed, not cancelled', async () => {
      const h = harness({
        check: (_spec, ctx) => {
          if (ctx.batch === 2) throw new Error('checker exploded');
          return {};
        },
      });
      const result = await h.run(
        release({ components: [component({ name: 'app', targets: 3, checks: ['query'] })] }),
      );
      expect(result.components[0]?.batches.map((b) => b.status)).toEqual(['rolled_back', 'failed']);
    });

    describe('during the rollback', () => {
      const failing = (what: 'record' | 'updateTargets', when: (...args: never[]) => boolean) =>
        new Proxy(ledger, {
          get(target, property, receiver) {
            const value = Reflect.get(target, property, receiver);
            if (property !== what || typeof value !== 'function') return value;
            return (...args: never[]) =>
              when(...args) ? Promise.reject(new Error('ledger down')) : value.apply(target, args);
          },
        });
      const failsBatch2 = (_spec: unknown, ctx: { batch: number }) =>
        ctx.batch === 2 ? { status: 'fail' as const, message: 'too slow' } : {};

      it('rolls back every other target when one rollback command cannot even start', async () => {
        await seedGood('app', { 'app-1': '2.14.6', 'app-2': '2.14.6', 'app-3': '2.14.6' });
        const clock = new FakeClock();
        const inner = new ScriptedExecutor(clock);
        const executor = {
          run: (request: CommandRequest, signal?: AbortSignal) =>
            request.env.TRANCHE_ACTION === 'rollback' && request.env.TRANCHE_TARGET === 'app-2'
              ? Promise.reject(new Error('spawn failed'))
              : inner.run(request, signal),
        };
        const reporter = new RecordingReporter();
        const result = await runRelease(
          release({ components: [component({ name: 'app', targets: 3, checks: ['query'] })] }),
          { executor, checker: new ScriptedChecker(clock, failsBatch2), reporter, clock, ledger },
          { previousVersion: '2.14.6' },
        );
        expect(result.rolledBack.map((r) => [r.target, r.status]).sort()).toEqual([
          ['app-1', 'rolled_back'],
          ['app-2', 'failed'],
          ['app-3', 'rolled_back'],
        ]);
        expect(reporter.kinds().at(-1)).toBe('run_finished:failed');
        const app2 = reporter.events.find(
          (e) => e.kind === 'target_rollback' && e.target === 'app-2' && e.status === 'failed',
        );
        expect(app2?.message).toBe('rollback of app-2 to 2.14.6 failed (could not run: spawn failed)');
      });

      it('still returns a result and reports run_finished when the ledger stops recording', async () => {
        await seedGood('app', { 'app-1': '2.14.6', 'app-2': '2.14.6', 'app-3': '2.14.6' });
        let down = false;
        const broken = failing('record', () => down);
        const h = harness({
          ledger: broken,
          check: (spec, ctx) => {
            if (ctx.batch !== 2) return {};
            down = true;
            return failsBatch2(spec, ctx);
          },
        });
        const result = await h.run(
          release({ components: [component({ name: 'app', targets: 3, checks: ['query'] })] }),
        );
        expect(result.decision).toBe('rolled_back');
        expect(result.message).toContain('the ledger could not record the end of this run: ledger down');
        expect(
          h.executor
            .rollbacks()
            .map((c) => c.target)
            .sort(),
        ).toEqual(['app-1', 'app-2', 'app-3']);
        expect(h.reporter.kinds().at(-1)).toBe('run_finished:failed');
      });

      it('counts a target as rolled back when only recording its good version failed', async () => {
        await seedGood('app', { 'app-1': '2.14.6', 'app-2': '2.14.6' });
        const broken = failing('updateTargets', (...args: never[]) =>
          (args[3] as unknown as { good: boolean }[]).some((u) => u.good),
        );
        const h = harness({ ledger: broken, check: failsBatch2 });
        const result = await h.run(
          release({ components: [component({ name: 'app', targets: 2, checks: ['query'] })] }),
        );
        expect(result.rolledBack.map((r) => r.status)).toEqual(['rolled_back', 'rolled_back']);
        const notes = h.reporter.events
          .filter((e) => e.kind === 'target_rollback' && e.status === 'ok')
          .map((e) => e.message);
        expect(notes).toEqual([
          'app-2 is back on 2.14.6, but the ledger could not record it: ledger down',
          'app-1 is back on 2.14.6, but the ledger could not record it: ledger down',
        ]);
        expect(h.reporter.kinds().at(-1)).toBe('run_finished:failed');
      });
    });

    it('halts, rolling nothing back, when the healthy version cannot be recorded as good', async () => {
      const broken = new Proxy(ledger, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if (property !== 'updateTargets' || typeof value !== 'function') return value;
          return (...args: Parameters<typeof ledger.updateTargets>) =>
            args[3].some((u) => u.good) ? Promise.reject(new Error('disk full')) : value.apply(target, args);
        },
      });
      const h = harness({ ledger: broken });
      const result = await h.run(release({ components: [component({ name: 'app', targets: 2 })] }));
      expect(result.decision).toBe('halted');
      expect(result.reasonCode).toBe('internal_error');
      expect(result.message).toBe(
        '2.14.7 is live on every target, but the ledger could not record it as their good version: disk full',
      );
      expect(h.executor.rollbacks()).toEqual([]);
      const [run] = await ledger.runs({});
      expect(run?.decision).toBe('halted');
    });
  });
});
