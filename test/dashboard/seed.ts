/** Runs written into a real ledger event by event, as the engine writes them. */
import type { DeployEvent } from '../../src/engine/ports.ts';
import type { Ledger } from '../../src/ledger/types.ts';

export interface SeededRun {
  runId: string;
  service: string;
  environment: string;
  version: string;
  previous: string | null;
  targets: string[];
  /** The run fails its check on the last target and rolls every target back to `previous`. */
  fails?: boolean;
  /** Leave the run going after its first batch's check. */
  unfinished?: boolean;
  at: number;
  commit?: string;
  /** Who started the run. */
  actor?: string;
}

/** Writes the run's events and target states; a failing run rolls back, an unfinished one stops midway. */
export async function seedRun(ledger: Ledger, run: SeededRun): Promise<void> {
  let seq = 0;
  let at = run.at;
  const base = { runId: run.runId, service: run.service, environment: run.environment, version: run.version };
  const emit = (event: Omit<DeployEvent, 'runId' | 'seq' | 'at' | 'service' | 'environment' | 'version'>) => {
    seq += 1;
    at += 1000;
    return ledger.record({ ...base, seq, at, ...event } as DeployEvent);
  };
  await emit({
    kind: 'run_started',
    status: 'started',
    data: {
      previousVersion: run.previous,
      commit: run.commit ?? null,
      action: 'deploy',
      ...(run.actor === undefined ? {} : { actor: run.actor }),
      components: ['app'],
    },
  });
  await emit({ kind: 'component_started', status: 'started', component: 'app' });
  for (const [index, target] of run.targets.entries()) {
    const batch = index + 1;
    const last = index === run.targets.length - 1;
    const where = { component: 'app', batch };
    await emit({
      kind: 'batch_started',
      status: 'started',
      ...where,
      data: { targets: [target], of: run.targets.length, bakeMs: 30_000 },
    });
    await emit({ kind: 'target_deploy', status: 'ok', ...where, target, durationMs: 200 });
    await ledger.updateTargets(run.service, run.environment, run.runId, [
      { component: 'app', target, version: run.version, good: false },
    ]);
    const bad = run.fails === true && last;
    await emit({
      kind: 'check',
      status: bad ? 'failed' : 'ok',
      ...where,
      target,
      durationMs: 50,
      message: bad ? 'latency (412.00 ms) is greater than maximum allowed (150.00 ms)' : 'latency ok',
      data: {
        check: 'latency',
        status: bad ? 'fail' : 'pass',
        value: bad ? 412 : 20 + index,
        unit: 'ms',
        max: 150,
      },
    });
    if (run.unfinished) {
      await emit({ kind: 'bake_started', status: 'started', ...where, data: { bakeMs: 30_000 } });
      return;
    }
    await emit({ kind: 'batch_finished', status: bad ? 'failed' : 'ok', ...where, durationMs: 1000 });
  }
  if (run.fails) {
    await emit({ kind: 'rollback_started', status: 'started', data: { targets: run.targets.length } });
    for (const target of run.targets) {
      await emit({
        kind: 'target_rollback',
        status: 'ok',
        component: 'app',
        target,
        data: { from: run.version, to: run.previous },
      });
      if (run.previous)
        await ledger.updateTargets(run.service, run.environment, run.runId, [
          { component: 'app', target, version: run.previous, good: true },
        ]);
    }
    await emit({ kind: 'rollback_finished', status: 'ok', data: { targets: run.targets.length, failed: 0 } });
  } else {
    await ledger.updateTargets(
      run.service,
      run.environment,
      run.runId,
      run.targets.map((target) => ({ component: 'app', target, version: run.version, good: true })),
    );
  }
  const decision = run.fails ? 'rolled_back' : 'succeeded';
  await emit({
    kind: 'run_finished',
    status: run.fails ? 'failed' : 'ok',
    durationMs: at - run.at,
    reasonCode: run.fails ? 'check_failed' : undefined,
    message: run.fails
      ? 'CRITICAL: latency (412.00 ms) is greater than maximum allowed (150.00 ms)'
      : `${run.version} is live`,
    data: { decision },
  });
}
