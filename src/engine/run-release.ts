import { analysisArms, armsLabel, comparisonsOf } from './arms.ts';
import { batchCommandEnv, batchFailure, runBatchCommand, targetVerdicts } from './batch-commands.ts';
import { commandEnv } from './command-env.ts';
import { checkFailure, decideStep, deployFailure, type StepFailure } from './decide.ts';
import { EventSink } from './events.ts';
import { componentBatches } from './plan.ts';
import { forEachLimit } from './pool.ts';
import {
  type BatchCheckContext,
  type BatchCheckSpec,
  type BatchCommandResult,
  type BatchTarget,
  type CheckResult,
  type CommandContext,
  type ComponentSpec,
  type EnginePorts,
  isBatchCheck,
  type ReleaseSpec,
  type TargetCheckSpec,
  type TargetSpec,
} from './ports.ts';
import { redactCredentials } from './redact.ts';
import { type DeployResult, RESULT_SCHEMA_VERSION, type RollbackResult } from './result.ts';
import { rollBack, type Touched } from './rollback.ts';
import { RunState } from './run-state.ts';
import { SeriesRecorder } from './series.ts';
import type { RunDecision } from './vocabulary.ts';

/** A check that takes longer than this is reported as slow: SLA checks must stay fast. */
export const SLOW_CHECK_MS = 5_000;

export interface RunOptions {
  /** The environment's live version before this run, for the result and reports. */
  previousVersion: string | null;
  /** Aborting it cancels the run: no new work starts, touched targets are rolled back per onFailure. */
  signal?: AbortSignal | undefined;
}

/**
 * Rolls a release out component by component ("change one, test one"), and inside a component
 * batch by batch, checking after every batch and during its bake; on failure or cancellation it
 * rolls touched targets back per onFailure. Always ends with a run_finished event, also when a
 * port throws.
 */
export async function runRelease(
  spec: ReleaseSpec,
  ports: EnginePorts,
  options: RunOptions,
): Promise<DeployResult> {
  return new Rollout(spec, ports, options).run();
}

interface Failure extends StepFailure {
  component: string;
  /** How the run ends when it is not what the reason and onFailure imply. */
  decision?: RunDecision | undefined;
}

const CANCELLED: StepFailure = { reasonCode: 'cancelled', message: 'the run was cancelled' };

class Rollout {
  private readonly spec: ReleaseSpec;
  private readonly ports: EnginePorts;
  private readonly options: RunOptions;
  private readonly sink: EventSink;
  private readonly state: RunState;
  private readonly series = new SeriesRecorder();
  private readonly touched: Touched[] = [];
  /**
   * Targets of the run an earlier run left off their good version (it died, or halted): on a
   * failure they go back with the ones this run touched, unless it deployed them itself.
   */
  private readonly inherited: Touched[] = [];
  private goodVersions = new Map<string, string | null>();
  private readonly startedAt: number;

  constructor(spec: ReleaseSpec, ports: EnginePorts, options: RunOptions) {
    this.spec = spec;
    this.ports = ports;
    this.options = options;
    const { runId, service, environment, version } = spec;
    this.sink = new EventSink({ runId, service, environment, version }, ports);
    this.state = new RunState(spec.components.map((c) => ({ name: c.name, batches: componentBatches(c) })));
    this.startedAt = ports.clock.now();
  }

  /** The cancellation as a step failure, once the signal has aborted. */
  private cancellation(): StepFailure | undefined {
    return this.options.signal?.aborted ? CANCELLED : undefined;
  }

  async run(): Promise<DeployResult> {
    let failure: Failure | undefined;
    try {
      await this.start();
      failure = await this.deployComponents();
    } catch (error) {
      this.state.failRunning();
      failure = {
        reasonCode: 'internal_error',
        message: `the run stopped on an error: ${errorText(error)}`,
        component: this.state.lastStartedComponent() ?? '',
      };
    }
    let rolledBack: RollbackResult[] = [];
    if (failure) rolledBack = await this.recover(failure);
    else failure = await this.markGood();
    return this.finish(failure, rolledBack);
  }

  private async start(): Promise<void> {
    await this.sink.emit({
      kind: 'run_started',
      status: 'started',
      data: {
        previousVersion: this.options.previousVersion,
        commit: this.spec.commit,
        ...(this.spec.dirty ? { dirty: true } : {}),
        action: this.spec.action ?? 'deploy',
        ...(this.spec.actor ? { actor: this.spec.actor } : {}),
        components: this.spec.components.map((c) => c.name),
        ...(this.spec.constraints ? { constraints: this.spec.constraints } : {}),
      },
    });
    if (this.spec.inventory && this.spec.inventory.length > 0) {
      await this.sink.emit({
        kind: 'inventory',
        status: 'ok',
        message: this.spec.inventory
          .map((i) => `${i.component}: ${i.targets.length} target(s) from ${i.source}`)
          .join('; '),
        data: { components: this.spec.inventory },
      });
    }
    const states = await this.ports.ledger.targetStates(this.spec.service, this.spec.environment);
    this.goodVersions = new Map(states.map((s) => [key(s.component, s.target), s.goodVersion]));
    const off = new Map(
      states
        .filter((s) => s.goodVersion !== null && s.version !== s.goodVersion)
        .map((s) => [key(s.component, s.target), s]),
    );
    for (const component of this.spec.components) {
      for (const target of component.targets) {
        const state = off.get(key(component.name, target.name));
        if (state)
          this.inherited.push({ component, target, batch: 0, to: state.goodVersion, from: state.version });
      }
    }
  }

  private async deployComponents(): Promise<Failure | undefined> {
    for (const [index, component] of this.spec.components.entries()) {
      const cancelled = this.cancellation();
      if (cancelled) return { ...cancelled, component: this.state.lastStartedComponent() ?? component.name };
      this.state.startComponent(index);
      await this.sink.emit({ kind: 'component_started', status: 'started', component: component.name });
      const failure = await this.deployComponent(index, component);
      await this.sink.emit({
        kind: 'component_finished',
        status: failure ? 'failed' : 'ok',
        component: component.name,
        reasonCode: failure?.reasonCode,
      });
      if (failure) return { ...failure, component: component.name };
    }
    return undefined;
  }

  private async deployComponent(index: number, component: ComponentSpec): Promise<StepFailure | undefined> {
    const batches = this.state.batchesOf(index);
    const deployed: TargetSpec[] = [];
    for (const [b, batch] of batches.entries()) {
      const cancelled = this.cancellation();
      if (cancelled) return cancelled;
      const number = b + 1;
      const started = this.ports.clock.now();
      this.state.startBatch(index, b);
      await this.sink.emit({
        kind: 'batch_started',
        status: 'started',
        component: component.name,
        batch: number,
        data: { targets: batch.map((t) => t.name), of: batches.length, bakeMs: component.rollout.bakeMs },
      });
      const failure = await this.runBatch(component, batch, number, deployed);
      const verdict = decideStep(failure, this.spec.onFailure);
      const durationMs = this.ports.clock.now() - started;
      this.state.finishBatch(index, b, failure?.reasonCode, durationMs);
      await this.sink.emit({
        kind: 'batch_finished',
        status: failure ? 'failed' : 'ok',
        component: component.name,
        batch: number,
        durationMs,
        reasonCode: failure?.reasonCode,
        message: failure?.message,
        data: { decision: verdict.decision },
      });
      if (failure) return failure;
    }
    return undefined;
  }

  /**
   * Deploy the batch, check the targets just deployed, then bake with checks repeated. Batch
   * checks (canaries against baselines) compare the window from the end of this batch's deploy,
   * so they run in the bake rounds, or once after the batch when there is no bake.
   */
  private async runBatch(
    component: ComponentSpec,
    batch: TargetSpec[],
    number: number,
    deployed: TargetSpec[],
  ): Promise<StepFailure | undefined> {
    const deployFail = await this.deployBatch(component, batch, number);
    if (deployFail) return deployFail;
    for (const target of batch) deployed.push(target);
    const windowStart = this.ports.clock.now();
    return (
      (await this.checkTargets(component, batch, number)) ??
      (await this.bake(component, deployed, number, windowStart))
    );
  }

  /** Deploy with bounded parallelism; after the first failure no further target starts. */
  private async deployBatch(
    component: ComponentSpec,
    batch: TargetSpec[],
    number: number,
  ): Promise<StepFailure | undefined> {
    if (component.commandsPer === 'batch') return this.deployWithBatchCommand(component, batch, number);
    let failure: StepFailure | undefined;
    await forEachLimit(
      batch,
      component.rollout.parallel ?? batch.length,
      async (target) => {
        // Await first, then keep the first failure: a target finishing after a failed one must
        // not overwrite it (`failure ??= await …` would read failure before the await).
        const outcome = await this.deployTarget(component, target, number);
        failure ??= outcome;
      },
      () => failure === undefined && !this.cancellation(),
    );
    return failure ?? this.cancellation();
  }

  private async deployTarget(
    component: ComponentSpec,
    target: TargetSpec,
    number: number,
  ): Promise<StepFailure | undefined> {
    const context = this.context(component, target, number, this.spec.action ?? 'deploy');
    // Recorded before the command starts: from here on the target may be half-deployed.
    this.touched.push({ component, target, batch: number, to: context.previousVersion });
    await this.ports.ledger.updateTargets(this.spec.service, this.spec.environment, this.spec.runId, [
      { component: component.name, target: target.name, version: this.spec.version, good: false },
    ]);
    const where = { component: component.name, target: target.name, batch: number };
    await this.sink.emit({ kind: 'target_deploy', status: 'started', ...where });
    const result = await this.ports.executor.run(
      {
        command: this.commandFor(component),
        cwd: this.spec.cwd,
        env: commandEnv(context),
        timeoutMs: component.timeoutMs,
      },
      this.options.signal,
    );
    const failure = deployFailure(
      target.name,
      result,
      component.timeoutMs,
      `${this.spec.action ?? 'deploy'} of ${target.name}`,
    );
    await this.sink.emit({
      kind: 'target_deploy',
      status: failure ? 'failed' : 'ok',
      ...where,
      durationMs: result.durationMs,
      reasonCode: failure?.reasonCode,
      message: failure?.message,
      data: { exitCode: result.exitCode, timedOut: result.timedOut, cancelled: result.cancelled },
    });
    return failure;
  }

  /**
   * One deploy command for the whole batch (batch-commands.ts); every target of it is touched
   * from the start, and each gets its deploy events from the command's report.
   */
  private async deployWithBatchCommand(
    component: ComponentSpec,
    batch: TargetSpec[],
    number: number,
  ): Promise<StepFailure | undefined> {
    const action = this.spec.action ?? 'deploy';
    const targets = batch.map((target) => ({
      ...target,
      previousVersion: this.goodVersion(component, target),
    }));
    for (const target of batch) {
      this.touched.push({ component, target, batch: number, to: this.goodVersion(component, target) });
    }
    await this.ports.ledger.updateTargets(
      this.spec.service,
      this.spec.environment,
      this.spec.runId,
      batch.map((t) => ({
        component: component.name,
        target: t.name,
        version: this.spec.version,
        good: false,
      })),
    );
    const where = (target: TargetSpec) => ({ component: component.name, target: target.name, batch: number });
    // Each group of per-target events is recorded in one transaction: all of the batch, or none of it.
    await this.sink.emitAll(
      batch.map((target) => ({ kind: 'target_deploy', status: 'started', ...where(target) })),
    );
    const result = await this.runBatchCommand(component, this.commandFor(component), targets, number, action);
    const verdicts = targetVerdicts(result, targets, action, component.timeoutMs);
    await this.sink.emitAll(
      verdicts.map(({ target, failure }) => ({
        kind: 'target_deploy',
        status: failure ? 'failed' : 'ok',
        ...where(target),
        durationMs: result.durationMs,
        reasonCode: failure?.reasonCode,
        message: failure?.message,
        data: {
          exitCode: result.exitCode,
          timedOut: result.timedOut,
          cancelled: result.cancelled,
          batchCommand: true,
        },
      })),
    );
    return batchFailure(verdicts, result, action, component.timeoutMs) ?? this.cancellation();
  }

  /** One batch command of this run (a deploy or a check) over the targets. */
  private runBatchCommand(
    component: ComponentSpec,
    command: string,
    targets: BatchTarget[],
    number: number,
    action: CommandContext['action'],
  ): Promise<BatchCommandResult> {
    const env = batchCommandEnv(this.spec, {
      component: component.name,
      version: this.spec.version,
      previousVersion: this.options.previousVersion,
      batch: number,
      action,
    });
    const request = { command, cwd: this.spec.cwd, env, timeoutMs: component.timeoutMs, targets };
    return runBatchCommand(this.ports.executor, request, this.options.signal);
  }

  /** The component's checkBatch command over the targets deployed so far, as one check observation. */
  private async runCheckBatch(
    component: ComponentSpec,
    command: string,
    targets: TargetSpec[],
    number: number,
  ): Promise<StepFailure | undefined> {
    const checked = targets.map((t) => ({ ...t, previousVersion: this.goodVersion(component, t) }));
    const result = await this.runBatchCommand(component, command, checked, number, 'check');
    const failed = targetVerdicts(result, checked, 'check', component.timeoutMs)
      .filter((v) => v.failure)
      .map((v) => v.target.name);
    const commandFailure = batchFailure([], result, 'check', component.timeoutMs);
    const shown = failed.slice(0, 5).join(', ') + (failed.length > 5 ? ` and ${failed.length - 5} more` : '');
    const message =
      failed.length > 0
        ? `failed on ${failed.length} of ${targets.length} target(s): ${shown}`
        : (commandFailure?.message ?? `passed on ${targets.length} target(s)`);
    const check: CheckResult = {
      check: 'checkBatch',
      status: failed.length > 0 || commandFailure ? 'fail' : 'pass',
      message,
      durationMs: result.durationMs,
    };
    return this.recordCheck(component, number, `${targets.length} target(s)`, check, {
      scope: 'batch',
      failed: failed.length,
    });
  }

  /** Run every per-target check of the component on each target; after the first failure no new check starts. */
  private async checkTargets(
    component: ComponentSpec,
    targets: TargetSpec[],
    number: number,
  ): Promise<StepFailure | undefined> {
    let failure: StepFailure | undefined;
    const stopped = () => failure !== undefined || this.cancellation() !== undefined;
    const checks = component.checks.filter((c): c is TargetCheckSpec => !isBatchCheck(c));
    if (component.checkBatch !== undefined) {
      failure =
        this.cancellation() ?? (await this.runCheckBatch(component, component.checkBatch, targets, number));
    }
    await forEachLimit(
      checks.length === 0 ? [] : targets,
      component.rollout.parallel ?? targets.length,
      async (target) => {
        for (const check of checks) {
          if (stopped()) return;
          const outcome = await this.runCheck(component, check, target, number);
          failure ??= outcome;
        }
      },
      () => !stopped(),
    );
    return failure ?? this.cancellation();
  }

  private async runCheck(
    component: ComponentSpec,
    check: TargetCheckSpec,
    target: TargetSpec,
    number: number,
  ): Promise<StepFailure | undefined> {
    const context = this.context(component, target, number, 'check');
    const result = await this.ports.checker.run(check, context, this.spec.cwd, this.options.signal);
    return this.recordCheck(component, number, target.name, result, {});
  }

  /** Run the component's batch checks, canaries against baselines; after the first failure none starts. */
  private async checkBatch(
    component: ComponentSpec,
    deployed: TargetSpec[],
    number: number,
    windowStart: number,
    final: boolean,
  ): Promise<StepFailure | undefined> {
    for (const check of component.checks) {
      if (!isBatchCheck(check)) continue;
      const failure =
        this.cancellation() ??
        (await this.runBatchCheck(component, check, deployed, number, windowStart, final));
      if (failure) return failure;
    }
    return undefined;
  }

  private async runBatchCheck(
    component: ComponentSpec,
    check: BatchCheckSpec,
    deployed: TargetSpec[],
    number: number,
    windowStart: number,
    final: boolean,
  ): Promise<StepFailure | undefined> {
    const arms = analysisArms(component, deployed, check.baseline);
    const label = armsLabel(arms);
    const scope = { scope: 'batch', canaries: arms.canaries.length, baselines: arms.baselines.length };
    // Nothing left on the previous version to compare with (the last batch): the check has no
    // batch to judge here, and its alpha was split over the batches that have one.
    if (arms.baselines.length === 0) return undefined;
    const context: BatchCheckContext = {
      service: this.spec.service,
      environment: this.spec.environment,
      component: component.name,
      version: this.spec.version,
      batch: number,
      commit: this.spec.commit,
      canaries: arms.canaries,
      baselines: arms.baselines,
      windowStart,
      now: this.ports.clock.now(),
      final,
      comparisons: this.comparisons(component, check),
    };
    const checker = this.ports.checker;
    const result: CheckResult = checker.runBatch
      ? await checker.runBatch(check, context, this.options.signal)
      : {
          check: check.name,
          status: 'error',
          message: 'this checker cannot run batch checks',
          durationMs: 0,
        };
    return this.recordCheck(component, number, label, result, scope);
  }

  /** Record one observation: series, ledger event, and whether it failed the step. */
  private async recordCheck(
    component: ComponentSpec,
    number: number,
    target: string,
    result: CheckResult,
    extra: Record<string, unknown>,
  ): Promise<StepFailure | undefined> {
    // A check cut short by cancellation says nothing about the version.
    const cancelled = this.cancellation();
    if (cancelled) return cancelled;
    this.series.observe(result, target, this.ports.clock.now());
    const failure = checkFailure(target, result);
    const slow = result.durationMs > SLOW_CHECK_MS;
    await this.sink.emit({
      kind: 'check',
      status: failure ? 'failed' : 'ok',
      component: component.name,
      target,
      batch: number,
      durationMs: result.durationMs,
      reasonCode: failure?.reasonCode,
      message: slow ? `${result.message} (slow: ${(result.durationMs / 1000).toFixed(2)} s)` : result.message,
      data: { ...checkData(result, slow), ...extra },
    });
    return failure;
  }

  /**
   * Burn-in: re-check every target deployed so far and run the batch checks every checkEvery,
   * until the bake is over. The looks are scheduled from the end of the batch's deploy (the
   * window's start), not from the end of the previous look, so they do not drift; a look that
   * runs past the next one's time skips it. The last look, at the end of the bake (or the first
   * after it, when a slow look ran past it), is marked final, so an inconclusive analysis is
   * settled; without a bake the batch checks' only look is final.
   */
  private async bake(
    component: ComponentSpec,
    deployed: TargetSpec[],
    number: number,
    windowStart: number,
  ): Promise<StepFailure | undefined> {
    const { bakeMs, checkIntervalMs } = component.rollout;
    if (bakeMs <= 0) return this.checkBatch(component, deployed, number, windowStart, true);
    const clock = this.ports.clock;
    const start = clock.now();
    const end = windowStart + bakeMs;
    const every = Math.max(1, checkIntervalMs);
    const where = { component: component.name, batch: number };
    await this.sink.emit({ kind: 'bake_started', status: 'started', ...where, data: { bakeMs } });
    let failure: StepFailure | undefined;
    let settled = false;
    while (!failure && !settled) {
      const next = Math.min(windowStart + (Math.floor((clock.now() - windowStart) / every) + 1) * every, end);
      if (next > clock.now()) await clock.sleep(next - clock.now(), this.options.signal);
      failure = this.cancellation() ?? (await this.checkTargets(component, deployed, number));
      settled = !failure && clock.now() >= end;
      failure ??= await this.checkBatch(component, deployed, number, windowStart, settled);
    }
    await this.sink.emit({
      kind: 'bake_finished',
      status: failure ? 'failed' : 'ok',
      ...where,
      durationMs: clock.now() - start,
      reasonCode: failure?.reasonCode,
    });
    return failure;
  }

  /** The batches of the component in which the check has baselines to compare with. */
  private comparisons(component: ComponentSpec, check: BatchCheckSpec): number {
    const index = this.spec.components.indexOf(component);
    return comparisonsOf(component, this.state.batchesOf(index), check.baseline);
  }

  private commandFor(component: ComponentSpec): string {
    return this.spec.action === 'rollback' ? (component.rollback ?? component.deploy) : component.deploy;
  }

  private context(
    component: ComponentSpec,
    target: TargetSpec,
    batch: number,
    action: CommandContext['action'],
  ): CommandContext {
    return {
      service: this.spec.service,
      environment: this.spec.environment,
      environmentLabels: this.spec.environmentLabels ?? {},
      component: component.name,
      target,
      version: this.spec.version,
      previousVersion: this.goodVersion(component, target),
      batch,
      action,
      commit: this.spec.commit,
    };
  }

  /** The version the target last ran successfully, as the ledger knew when the run started. */
  private goodVersion(component: ComponentSpec, target: TargetSpec): string | null {
    return this.goodVersions.get(key(component.name, target.name)) ?? null;
  }

  /** Put touched targets back per onFailure; halting leaves them where they are. */
  private async recover(failure: Failure): Promise<RollbackResult[]> {
    if (this.spec.onFailure === 'halt') {
      this.state.halt();
      return [];
    }
    const deployed = new Set(this.touched.map((t) => key(t.component.name, t.target.name)));
    const own =
      this.spec.onFailure === 'rollback-component'
        ? this.touched.filter((t) => t.component.name === failure.component)
        : this.touched;
    const left = this.inherited.filter((t) => !deployed.has(key(t.component.name, t.target.name)));
    const results = await rollBack([...own, ...left], this.spec, this.ports, this.sink);
    this.state.rolledBack(new Set(own.map((t) => t.component.name)));
    return results;
  }

  /**
   * Record the version as every touched target's good version. If the ledger cannot, the version
   * is live but unrecorded: the run halts there (nothing is rolled back for a ledger's failure).
   */
  private async markGood(): Promise<Failure | undefined> {
    try {
      await this.ports.ledger.updateTargets(
        this.spec.service,
        this.spec.environment,
        this.spec.runId,
        this.touched.map((t) => ({
          component: t.component.name,
          target: t.target.name,
          version: this.spec.version,
          good: true,
        })),
      );
      return undefined;
    } catch (error) {
      this.state.halt();
      return {
        reasonCode: 'internal_error',
        message: `${this.spec.version} is live on every target, but the ledger could not record it as their good version: ${errorText(error)}`,
        component: this.spec.components.at(-1)?.name ?? '',
        decision: 'halted',
      };
    }
  }

  private async finish(failure: Failure | undefined, rolledBack: RollbackResult[]): Promise<DeployResult> {
    const decision = runDecision(failure, this.spec.onFailure);
    let message =
      (failure?.message ?? `${this.spec.version} is live on every target`) + stuckText(rolledBack);
    const durationMs = this.ports.clock.now() - this.startedAt;
    const reasonCode = failure?.reasonCode ?? 'all_batches_healthy';
    const unrecorded = await this.sink.emitAnyway({
      kind: 'run_finished',
      status: decision === 'succeeded' ? 'ok' : 'failed',
      durationMs,
      reasonCode,
      message,
      data: { decision },
    });
    if (unrecorded !== undefined) {
      message += `; the ledger could not record the end of this run: ${errorText(unrecorded)}`;
    }
    return {
      schemaVersion: RESULT_SCHEMA_VERSION,
      runId: this.spec.runId,
      service: this.spec.service,
      environment: this.spec.environment,
      version: this.spec.version,
      previousVersion: this.options.previousVersion,
      commit: this.spec.commit,
      decision,
      reasonCode,
      message: redactCredentials(message),
      components: this.state.results(),
      rolledBack,
      checks: this.series.all(),
      startedAt: this.startedAt,
      durationMs,
    };
  }
}

/**
 * What the rollback could not do, for the run's message: targets whose rollback failed, and
 * targets with no earlier version to go back to (a first deploy), left as this run left them (its
 * version, or half of it when a command was cut short).
 */
function stuckText(rolledBack: RollbackResult[]): string {
  const failed = rolledBack.filter((r) => r.status === 'failed').length;
  const first = rolledBack.filter((r) => r.status === 'no_previous_version').length;
  return (
    (failed > 0 ? `; ${failed} target(s) could not be rolled back` : '') +
    (first > 0
      ? `; ${first} target(s) had no earlier version to go back to and stay as this run left them`
      : '')
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function key(component: string, target: string): string {
  return `${component}\u0000${target}`;
}

function checkData(result: CheckResult, slow: boolean): Record<string, unknown> {
  return {
    check: result.check,
    status: result.status,
    value: result.value,
    metric: result.metric,
    unit: result.unit,
    scale: result.scale,
    max: result.threshold?.max,
    min: result.threshold?.min,
    slow,
    ...(result.evidence ? { evidence: result.evidence } : {}),
  };
}

function runDecision(failure: Failure | undefined, onFailure: ReleaseSpec['onFailure']): RunDecision {
  if (!failure) return 'succeeded';
  if (failure.decision) return failure.decision;
  if (failure.reasonCode === 'cancelled') return 'cancelled';
  return onFailure === 'halt' ? 'halted' : 'rolled_back';
}
