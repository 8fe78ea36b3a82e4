/**
 * The engine's view of the world: the release it is asked to roll out, and the ports it talks
 * through. Nothing here touches process.env, the file system, the network or GitHub; adapters
 * (CLI, Action, bot) build the ports and hand them in.
 */
import type { Action, CheckStatus, EventKind, EventStatus, OnFailure, ReasonCode } from './vocabulary.ts';

export interface TargetSpec {
  name: string;
  labels: Record<string, string>;
}

export interface RolloutSpec {
  /** Size of the first batch. */
  first: number;
  /** Each later batch is the previous one times growth (rounded up). */
  growth: number;
  /** Cap on a batch's size; undefined for none. */
  maxBatch?: number | undefined;
  /** Targets deployed at once inside a batch; undefined for the whole batch. */
  parallel?: number | undefined;
  /** Burn-in after each batch, during which checks are repeated. */
  bakeMs: number;
  /** How often checks are repeated during the bake. */
  checkIntervalMs: number;
  /** Targets rolled back at once. */
  rollbackParallel: number;
}

interface CheckSpecBase {
  name: string;
  timeoutMs: number;
}

export interface HttpCheckSpec extends CheckSpecBase {
  kind: 'http';
  /** May hold `{target}` and `{labels.KEY}` placeholders, filled in URL-encoded. */
  url: string;
  /** Expected status code of every sample. */
  status: number;
  /** Requests per observation. */
  samples: number;
  /** Maximum allowed p95 latency of the samples, in ms. */
  p95Ms?: number | undefined;
}

export interface CommandCheckSpec extends CheckSpecBase {
  kind: 'command';
  /** Shell command; values reach it only through TRANCHE_* environment variables. */
  command: string;
  /** Bounds on the `{"value": n}` the command may print as its last line of output. */
  max?: number | undefined;
  min?: number | undefined;
  /** Unit of the value, for reports and plots. */
  unit?: string | undefined;
}

export type CheckSpec = HttpCheckSpec | CommandCheckSpec;

export interface ComponentSpec {
  name: string;
  targets: TargetSpec[];
  /** Shell command run once per target to deploy TRANCHE_VERSION. */
  deploy: string;
  /** Shell command run once per target to go back to TRANCHE_VERSION; defaults to `deploy`. */
  rollback?: string | undefined;
  /** Per command; on expiry the whole process group is killed. */
  timeoutMs: number;
  rollout: RolloutSpec;
  checks: CheckSpec[];
}

export interface ReleaseSpec {
  runId: string;
  service: string;
  environment: string;
  version: string;
  commit: string | null;
  /** Working directory of every command. */
  cwd: string;
  components: ComponentSpec[];
  onFailure: OnFailure;
  /** `rollback` when this run puts an earlier version back (`tranche rollback`); default `deploy`. */
  action?: 'deploy' | 'rollback' | undefined;
}

/** The values a command sees, as TRANCHE_* environment variables. */
export interface CommandContext {
  service: string;
  environment: string;
  component: string;
  target: TargetSpec;
  version: string;
  previousVersion: string | null;
  batch: number;
  action: Action;
  commit: string | null;
}

export interface CommandRequest {
  command: string;
  cwd: string;
  /** Only the TRANCHE_* variables; the executor adds its own base environment. */
  env: Record<string, string>;
  timeoutMs: number;
}

export interface CommandResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Killed because the run was cancelled. */
  cancelled: boolean;
  durationMs: number;
  /** The last few KiB of output, for reports. */
  stdout: string;
  stderr: string;
}

export interface Executor {
  run(request: CommandRequest, signal?: AbortSignal): Promise<CommandResult>;
}

export interface CheckResult {
  check: string;
  status: CheckStatus;
  /** A number to record and plot (p95 latency, the command's {"value": n}). */
  value?: number | undefined;
  /** What the value measures, e.g. `p95`; reports print it beside the value. */
  metric?: string | undefined;
  unit?: string | undefined;
  threshold?: { max?: number | undefined; min?: number | undefined } | undefined;
  /** One line: why it passed or failed. */
  message: string;
  durationMs: number;
}

export interface Checker {
  run(spec: CheckSpec, context: CommandContext, cwd: string, signal?: AbortSignal): Promise<CheckResult>;
}

export interface Clock {
  now(): number;
  /** Resolves after ms, or early (without throwing) when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface DeployEvent {
  runId: string;
  /** Order of events within a run, from 1. */
  seq: number;
  /** Epoch milliseconds from the engine's clock. */
  at: number;
  kind: EventKind;
  status: EventStatus;
  service: string;
  environment: string;
  version: string;
  component?: string | undefined;
  target?: string | undefined;
  batch?: number | undefined;
  durationMs?: number | undefined;
  reasonCode?: ReasonCode | undefined;
  message?: string | undefined;
  /** Kind-specific details: check values and thresholds, exit codes, from/to versions. */
  data?: Record<string, unknown> | undefined;
}

/** What the ledger knows of one target. */
export interface TargetState {
  component: string;
  target: string;
  /** What the target runs now, as far as the ledger knows (may be half-deployed). */
  version: string | null;
  /** The version it last ran successfully: what a rollback returns it to. */
  goodVersion: string | null;
}

export interface TargetUpdate {
  component: string;
  target: string;
  version: string;
  /** Also record version as the target's good version. */
  good: boolean;
}

/** The part of the ledger the engine needs. */
export interface EngineLedger {
  targetStates(service: string, environment: string): Promise<TargetState[]>;
  record(event: DeployEvent): Promise<void>;
  updateTargets(service: string, environment: string, runId: string, updates: TargetUpdate[]): Promise<void>;
}

/**
 * Hears every event right after the ledger recorded it. The engine awaits it, so a reporter that
 * talks to a remote API (a GitHub check run) sees events in order and may apply backpressure; a
 * reporter must not throw for a failure of its own (a report that could not be sent is not a
 * reason to roll a release back).
 */
export interface Reporter {
  event(event: DeployEvent): void | Promise<void>;
}

export interface EnginePorts {
  executor: Executor;
  checker: Checker;
  ledger: EngineLedger;
  reporter: Reporter;
  clock: Clock;
}
