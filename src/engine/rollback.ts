import { batchCommandEnv, runBatchCommand, targetVerdicts } from './batch-commands.ts';
import { commandEnv } from './command-env.ts';
import { lastLine } from './decide.ts';
import type { EventInput, EventSink } from './events.ts';
import { forEachLimit } from './pool.ts';
import type { CommandRequest, ComponentSpec, EnginePorts, ReleaseSpec, TargetSpec } from './ports.ts';
import type { RollbackResult } from './result.ts';

/** A target this run started a deploy on, and the version it last ran successfully. */
export interface Touched {
  component: ComponentSpec;
  target: TargetSpec;
  batch: number;
  /** The target's last good version; null when it never had one. */
  to: string | null;
  /**
   * What the target runs when an earlier run left it off its good version (a run that died or
   * halted) and this one has not deployed it; absent: this run's version.
   */
  from?: string | null | undefined;
}

/** The version a touched target goes back from. */
function fromOf(touched: Touched, spec: ReleaseSpec): string | null {
  return touched.from === undefined ? spec.version : touched.from;
}

/**
 * Put every touched target back on its own last good version: components in reverse order, and
 * inside a component later batches first, with bounded parallelism. A target with no previous
 * version is reported, not guessed. Rollbacks are not cancellable: they are what a cancellation asks for.
 * Nothing a port does stops it: a command that cannot start or a ledger that cannot record is that
 * target's failure (or a note on its success), and every other target is still rolled back.
 */
export async function rollBack(
  touched: readonly Touched[],
  spec: ReleaseSpec,
  ports: EnginePorts,
  sink: EventSink,
): Promise<RollbackResult[]> {
  const results: RollbackResult[] = [];
  await sink.emitAnyway({ kind: 'rollback_started', status: 'started', data: { targets: touched.length } });
  const started = ports.clock.now();
  for (const group of groupByComponentReversed(touched)) {
    const component = group[0]?.component;
    if (!component) continue;
    if (component.commandsPer === 'batch') {
      for (const batch of batchesGoingBack(group)) {
        for (const result of await rollBackBatch(batch, spec, ports, sink)) results.push(result);
      }
      continue;
    }
    // In the order they were started (later batches first), whichever finishes first.
    const done: RollbackResult[] = [];
    await forEachLimit(group, component.rollout.rollbackParallel, async (t, index) => {
      done[index] = await rollBackTarget(t, spec, ports, sink);
    });
    results.push(...done);
  }
  const failed = results.filter((r) => r.status !== 'rolled_back').length;
  await sink.emitAnyway({
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
  const from = fromOf(touched, spec);
  const where = { component: component.name, target: target.name, batch };
  const base = { component: component.name, target: target.name, from: from ?? spec.version, to };
  if (to === null) {
    await sink.emitAnyway(noPreviousVersion(touched, spec));
    return { ...base, status: 'no_previous_version' };
  }
  await sink.emitAnyway({
    kind: 'target_rollback',
    status: 'started',
    ...where,
    data: { from, to },
  });
  const env = commandEnv({
    service: spec.service,
    environment: spec.environment,
    environmentLabels: spec.environmentLabels ?? {},
    component: component.name,
    target,
    version: to,
    previousVersion: from,
    batch,
    action: 'rollback',
    commit: spec.commit,
  });
  const command = component.rollback ?? component.deploy;
  const outcome = await runRollback(ports, { command, cwd: spec.cwd, env, timeoutMs: component.timeoutMs });
  const ok = outcome.ok;
  let note: string | undefined;
  if (ok) {
    try {
      await ports.ledger.updateTargets(spec.service, spec.environment, spec.runId, [
        { component: component.name, target: target.name, version: to, good: true },
      ]);
    } catch (error) {
      note = `${target.name} is back on ${to}, but the ledger could not record it: ${errorText(error)}`;
    }
  }
  await sink.emitAnyway({
    kind: 'target_rollback',
    status: ok ? 'ok' : 'failed',
    ...where,
    durationMs: outcome.durationMs,
    message: ok ? note : `rollback of ${target.name} to ${to} failed (${outcome.why})`,
    data: { from, to, exitCode: outcome.exitCode, timedOut: outcome.timedOut },
  });
  return { ...base, status: ok ? 'rolled_back' : 'failed' };
}

/** The event of a touched target that had no good version before this run: nothing to go back to. */
function noPreviousVersion(touched: Touched, spec: ReleaseSpec): EventInput {
  const { component, target, batch } = touched;
  return {
    kind: 'target_rollback',
    status: 'skipped',
    component: component.name,
    target: target.name,
    batch,
    message: `${target.name} has no previous good version to return to`,
    data: { from: fromOf(touched, spec), to: null },
  };
}

/** A group's touched targets by batch and by the version each goes back to: one rollback command each. */
function batchesGoingBack(group: readonly Touched[]): Touched[][] {
  const batches = new Map<string, Touched[]>();
  for (const t of group) {
    const id = `${t.batch}\u0000${t.to ?? ''}\u0000${t.from ?? ''}`;
    const batch = batches.get(id) ?? [];
    batch.push(t);
    batches.set(id, batch);
  }
  return [...batches.values()];
}

/**
 * One rollback command for touched targets of one batch going back to one version (the
 * component's rollback command per batch, see batch-commands.ts); with no version to go back to,
 * each is reported as a per-target rollback would be.
 */
async function rollBackBatch(
  group: readonly Touched[],
  spec: ReleaseSpec,
  ports: EnginePorts,
  sink: EventSink,
): Promise<RollbackResult[]> {
  const [first] = group;
  if (!first) return [];
  const { component, batch, to } = first;
  const from = fromOf(first, spec);
  const result = (t: Touched, status: RollbackResult['status']): RollbackResult => ({
    component: component.name,
    target: t.target.name,
    from: from ?? spec.version,
    to,
    status,
  });
  // Each group of per-target events is recorded in one transaction: all of the batch, or none of it.
  if (to === null) {
    await sink.emitAllAnyway(group.map((t) => noPreviousVersion(t, spec)));
    return group.map((t) => result(t, 'no_previous_version'));
  }
  const data = { from, to };
  const where = (t: Touched) => ({ component: component.name, target: t.target.name, batch });
  await sink.emitAllAnyway(
    group.map((t) => ({ kind: 'target_rollback', status: 'started', ...where(t), data })),
  );
  const targets = group.map((t) => ({ ...t.target, previousVersion: to }));
  const ran = await runBatchCommand(ports.executor, {
    command: component.rollback ?? component.deploy,
    cwd: spec.cwd,
    env: batchCommandEnv(spec, {
      component: component.name,
      version: to,
      previousVersion: from,
      batch,
      action: 'rollback',
    }),
    timeoutMs: component.timeoutMs,
    targets,
  });
  const verdicts = targetVerdicts(ran, targets, 'rollback', component.timeoutMs);
  const back = verdicts.filter((v) => !v.failure);
  let note: string | undefined;
  try {
    await ports.ledger.updateTargets(
      spec.service,
      spec.environment,
      spec.runId,
      back.map((v) => ({ component: component.name, target: v.target.name, version: to, good: true })),
    );
  } catch (error) {
    note = `back on ${to}, but the ledger could not record it: ${errorText(error)}`;
  }
  const outcomes = verdicts.map(({ failure }, i) => ({ t: group[i] as Touched, failure }));
  await sink.emitAllAnyway(
    outcomes.map(({ t, failure }) => ({
      kind: 'target_rollback',
      status: failure ? 'failed' : 'ok',
      ...where(t),
      durationMs: ran.durationMs,
      message: failure?.message ?? (note && `${t.target.name} is ${note}`),
      data: { ...data, exitCode: ran.exitCode, timedOut: ran.timedOut, batchCommand: true },
    })),
  );
  return outcomes.map(({ t, failure }) => result(t, failure ? 'failed' : 'rolled_back'));
}

interface RollbackOutcome {
  ok: boolean;
  /** Why it failed, for the message. */
  why: string;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
}

/** The rollback command's outcome; an executor that throws is a failed rollback, not a stopped one. */
async function runRollback(ports: EnginePorts, request: CommandRequest): Promise<RollbackOutcome> {
  try {
    const result = await ports.executor.run(request);
    const ok = result.exitCode === 0 && !result.timedOut;
    const printed = lastLine(result.stderr) || lastLine(result.stdout);
    const why =
      (result.timedOut ? 'timed out' : `exit ${result.exitCode ?? result.signal}`) +
      (printed ? `: ${printed}` : '');
    return { ok, why, exitCode: result.exitCode, timedOut: result.timedOut, durationMs: result.durationMs };
  } catch (error) {
    return {
      ok: false,
      why: `could not run: ${errorText(error)}`,
      exitCode: null,
      timedOut: false,
      durationMs: 0,
    };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
