import type { AnalysisCheckSpec } from '../../src/checks/check-specs.ts';
import type {
  BatchCheckContext,
  BatchCheckSpec,
  Checker,
  CheckResult,
  CheckSpec,
  CommandContext,
  CommandRequest,
  CommandResult,
  ComponentSpec,
  DeployEvent,
  Executor,
  ReleaseSpec,
  Reporter,
  RolloutSpec,
} from '../../src/engine/ports.ts';
import type { FakeClock } from './fake-clock.ts';

export interface Behaviour {
  exitCode?: number;
  durationMs?: number;
  /** Never finishes until the run is cancelled. */
  hang?: boolean;
  timedOut?: boolean;
  /** Finishes only once this settles: lets a test order parallel commands. */
  after?: Promise<unknown>;
}

export interface ExecutorCall {
  action: string;
  component: string;
  target: string;
  version: string;
  previousVersion: string;
  batch: number;
  env: Record<string, string>;
}

/** An executor whose commands do what the script says, recording every call. */
export class ScriptedExecutor implements Executor {
  readonly calls: ExecutorCall[] = [];
  private readonly clock: FakeClock;
  private readonly script: (call: ExecutorCall) => Behaviour;

  constructor(clock: FakeClock, script: (call: ExecutorCall) => Behaviour = () => ({})) {
    this.clock = clock;
    this.script = script;
  }

  async run(request: CommandRequest, signal?: AbortSignal): Promise<CommandResult> {
    const env = request.env;
    const call: ExecutorCall = {
      action: env.TRANCHE_ACTION ?? '',
      component: env.TRANCHE_COMPONENT ?? '',
      target: env.TRANCHE_TARGET ?? '',
      version: env.TRANCHE_VERSION ?? '',
      previousVersion: env.TRANCHE_PREVIOUS_VERSION ?? '',
      batch: Number(env.TRANCHE_BATCH),
      env,
    };
    this.calls.push(call);
    const behaviour = this.script(call);
    const result = { signal: null, timedOut: false, cancelled: false, stdout: '', stderr: '' };
    if (behaviour.hang) {
      await new Promise<void>((resolve) => {
        if (signal?.aborted) resolve();
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      return { ...result, exitCode: null, signal: 'SIGTERM', cancelled: true, durationMs: 0 };
    }
    await behaviour.after;
    const durationMs = behaviour.durationMs ?? 10;
    this.clock.tick(durationMs);
    if (behaviour.timedOut)
      return { ...result, exitCode: null, signal: 'SIGKILL', timedOut: true, durationMs };
    return { ...result, exitCode: behaviour.exitCode ?? 0, durationMs };
  }

  deploys(): ExecutorCall[] {
    return this.calls.filter((c) => c.action === 'deploy');
  }

  rollbacks(): ExecutorCall[] {
    return this.calls.filter((c) => c.action === 'rollback');
  }
}

/** What a scripted check answers; `after` holds the answer back until it settles. */
export type ScriptedCheck = Partial<CheckResult> & { after?: Promise<unknown> };

/** A checker answering from a script; passes unless told otherwise. */
export class ScriptedChecker implements Checker {
  readonly calls: { check: string; target: string; batch: number; at: number }[] = [];
  private readonly clock: FakeClock;
  private readonly script: (spec: CheckSpec, context: CommandContext) => ScriptedCheck;

  constructor(
    clock: FakeClock,
    script: (spec: CheckSpec, context: CommandContext) => ScriptedCheck = () => ({}),
  ) {
    this.clock = clock;
    this.script = script;
  }

  async run(spec: CheckSpec, context: CommandContext): Promise<CheckResult> {
    this.calls.push({
      check: spec.name,
      target: context.target.name,
      batch: context.batch,
      at: this.clock.now(),
    });
    const { after, ...scripted } = this.script(spec, context);
    await after;
    return { check: spec.name, status: 'pass', message: 'ok', durationMs: 5, ...scripted };
  }
}

export class RecordingReporter implements Reporter {
  readonly events: DeployEvent[] = [];
  private readonly listeners: ((event: DeployEvent) => void)[] = [];

  event(event: DeployEvent): void {
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
  }

  /** Resolves at the first event that matches. */
  waitFor(match: (event: DeployEvent) => boolean): Promise<DeployEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.listeners.push((e) => match(e) && resolve(e)));
  }

  kinds(): string[] {
    return this.events.map((e) => `${e.kind}:${e.status}`);
  }
}

export function rollout(options: Partial<RolloutSpec> = {}): RolloutSpec {
  return { first: 1, growth: 2, bakeMs: 0, checkIntervalMs: 10_000, rollbackParallel: 16, ...options };
}

export function targetsNamed(
  prefix: string,
  count: number,
): { name: string; labels: Record<string, string> }[] {
  return Array.from({ length: count }, (_, i) => ({ name: `${prefix}-${i + 1}`, labels: {} }));
}

export function component(
  options: { name: string; targets?: number; rollout?: Partial<RolloutSpec>; checks?: string[] } & Partial<
    Omit<ComponentSpec, 'rollout' | 'checks' | 'targets'>
  >,
): ComponentSpec {
  const { targets = 4, rollout: rolloutOptions, checks = [], ...rest } = options;
  return {
    targets: targetsNamed(options.name, targets),
    deploy: './deploy.sh',
    timeoutMs: 60_000,
    rollout: rollout(rolloutOptions),
    checks: checks.map((name) => ({
      kind: 'command',
      name,
      command: `./checks/${name}.sh`,
      timeoutMs: 10_000,
    })),
    ...rest,
  };
}

export function release(options: Partial<ReleaseSpec> & { components: ComponentSpec[] }): ReleaseSpec {
  return {
    runId: 'run-1',
    service: 'metrics-store',
    environment: 'production',
    version: '2.14.7',
    commit: 'abc123',
    cwd: '/srv',
    onFailure: 'rollback-release',
    ...options,
  };
}

export interface BatchCall {
  check: string;
  batch: number;
  canaries: string[];
  baselines: string[];
  windowStart: number;
  now: number;
  final: boolean;
  comparisons: number;
}

/** A ScriptedChecker that also runs batch checks from a script, recording every call. */
export class ScriptedBatchChecker extends ScriptedChecker {
  readonly batchCalls: BatchCall[] = [];
  private readonly batchScript: (call: BatchCall) => Partial<CheckResult>;

  constructor(clock: FakeClock, batchScript: (call: BatchCall) => Partial<CheckResult> = () => ({})) {
    super(clock);
    this.batchScript = batchScript;
  }

  async runBatch(spec: BatchCheckSpec, context: BatchCheckContext): Promise<CheckResult> {
    const call: BatchCall = {
      check: spec.name,
      batch: context.batch,
      canaries: context.canaries.map((t) => t.name),
      baselines: context.baselines.map((t) => t.name),
      windowStart: context.windowStart,
      now: context.now,
      final: context.final,
      comparisons: context.comparisons,
    };
    this.batchCalls.push(call);
    return {
      check: spec.name,
      status: 'inconclusive',
      message: 'not sure yet',
      durationMs: 5,
      ...this.batchScript(call),
    };
  }
}

export function analysisCheck(name: string, options: Partial<AnalysisCheckSpec> = {}): AnalysisCheckSpec {
  return {
    kind: 'analysis',
    observes: 'batch',
    name,
    server: 'http://prometheus:9090',
    metric: { type: 'counts', failures: 'f', total: 't', minEffect: 1.5, absentFailures: 'no-data' },
    alpha: 0.01,
    onInconclusive: 'pass',
    failOn: 'beyond-min-effect',
    timeoutMs: 10_000,
    ...options,
  };
}
