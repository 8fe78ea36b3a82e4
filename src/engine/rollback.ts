import { commandEnv } from './command-env.ts';
import type { EventSink } from './events.ts';
import { forEachLimit } from './pool.ts';
import type { ComponentSpec, EnginePorts, ReleaseSpec, TargetSpec } from './ports.ts';
import type { RollbackResult } from './result.ts';

/** A target this run started a deploy on, and the version it last ran successfully. */
export interface Touched {
  component: ComponentSpec;
  target: TargetSpec;
  batch: number;
  /** The target's last good version; null when it never had one. */
  to: string | null;
}

/**
 * Put every touched target back on its own last good version: components in reverse order, and
 * inside a component later batches first, with bounded parallelism. A target with no previous
 * version is reported, not guessed. Rollbacks are not cancellable: they are what a cancellation asks for.
 */
export async function rollBack(
  touched: readonly Touched[],
  spec: ReleaseSpec,
  ports: EnginePorts,
  sink: EventSink,
): Promise<RollbackResult[]> {
  const results: RollbackResult[] = [];
  await sink.emit({ kind: 'rollback_started', status: 'started', data: { targets: touched.length } });
  const started = ports.clock.now();
  for (const group of groupByComponentReversed(touched)) {
    const component = group[0]?.component;
    if (!component) continue;
    await forEachLimit(group, component.rollout.rollbackParallel, async (t) => {
      results.push(await rollBackTarget(t, spec, ports, sink));
    });
  }
  const failed = results.filter((r) => r.status !== 'rolled_back').length;
  await sink.emit({
    kind: 'rollback_finished',
    status: failed === 0 ? 'ok' : 'failed',
    durationMs: ports.clock.now() - started,
    data: { targets: results.length, failed },
  });
  return results;
}

function groupByComponentReversed(touched: readonly Touched[]): Touched[][] {
  const groups = new Map<string, Touched[]>();
  for (const t of touched) {
    const group = groups.get(t.component.name) ?? [];
    group.push(t);
    groups.set(t.component.name, group);
  }
  return [...groups.values()].reverse().map((group) => [...group].sort((a, b) => b.batch - a.batch));
}

async function rollBackTarget(
  touched: Touched,
  spec: ReleaseSpec,
  ports: EnginePorts,
  sink: EventSink,
): Promise<RollbackResult> {
  const { component, target, batch, to } = touched;
  const where = { component: component.name, target: target.name, batch };
  const base = { component: component.name, target: target.name, from: spec.version, to };
  if (to === null) {
    await sink.emit({
      kind: 'target_rollback',
      status: 'skipped',
      ...where,
      message: `${target.name} has no previous good version to return to`,
      data: { from: spec.version, to },
    });
    return { ...base, status: 'no_previous_version' };
  }
  await sink.emit({ kind: 'target_rollback', status: 'started', ...where, data: { from: spec.version, to } });
  const env = commandEnv({
    service: spec.service,
    environment: spec.environment,
    component: component.name,
    target,
    version: to,
    previousVersion: spec.version,
    batch,
    action: 'rollback',
    commit: spec.commit,
  });
  const command = component.rollback ?? component.deploy;
  const result = await ports.executor.run({ command, cwd: spec.cwd, env, timeoutMs: component.timeoutMs });
  const ok = result.exitCode === 0 && !result.timedOut;
  if (ok) {
    await ports.ledger.updateTargets(spec.service, spec.environment, spec.runId, [
      { component: component.name, target: target.name, version: to, good: true },
    ]);
  }
  await sink.emit({
    kind: 'target_rollback',
    status: ok ? 'ok' : 'failed',
    ...where,
    durationMs: result.durationMs,
    message: ok
      ? undefined
      : `rollback of ${target.name} to ${to} failed (exit ${result.exitCode ?? result.signal})`,
    data: { from: spec.version, to, exitCode: result.exitCode, timedOut: result.timedOut },
  });
  return { ...base, status: ok ? 'rolled_back' : 'failed' };
}
