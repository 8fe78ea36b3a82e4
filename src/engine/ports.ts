/**
 * The engine's view of the world: the release it is asked to roll out, and the ports it talks
 * through. Nothing here touches process.env, the file system, the network or GitHub; adapters
 * (CLI, Action, bot) build the ports and hand them in.
 */
import type { CategorySpec } from './categories.ts';
import type { ReleaseConstraints } from './constraints.ts';
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

/**
 * A check as the engine runs it: its name, its time limit and what it observes. What it measures
 * and how (a URL, a query, a statistical test) is the checker's business (checks/check-specs.ts
 * holds those kinds), so a new kind of check does not touch the engine.
 */
interface CheckSpecBase {
  /** What the checker runs it as: `http`, `command`, `prometheus`, `analysis`. */
  kind: string;
  name: string;
  timeoutMs: number;
}

/** A check observed on one target at a time. */
export interface TargetCheckSpec extends CheckSpecBase {
  observes?: 'target' | undefined;
}

/** A check observed on a batch as a whole: its canary targets against baseline targets (arms.ts). */
export interface BatchCheckSpec extends CheckSpecBase {
  observes: 'batch';
  /** Which targets form the baseline; default: the component's targets this run has not deployed yet. */
  baseline?: BaselineSpec | undefined;
}

export interface BaselineSpec {
  /** These targets (of the component or elsewhere), instead of the undeployed ones. */
  targets?: string[] | undefined;
  /** Only baseline targets carrying all these labels. */
  labels?: Record<string, string> | undefined;
}

export type CheckSpec = TargetCheckSpec | BatchCheckSpec;

export function isBatchCheck(spec: CheckSpec): spec is BatchCheckSpec {
  return spec.observes === 'batch';
}

export interface ComponentSpec {
  name: string;
  targets: TargetSpec[];
  /** Shell command run once per target (once per batch, with commandsPer `batch`) to deploy TRANCHE_VERSION. */
  deploy: string;
  /** Shell command run once per target (or batch) to go back to TRANCHE_VERSION; defaults to `deploy`. */
  rollback?: string | undefined;
  /**
   * `batch`: deploy and rollback run once per batch through Executor.runBatch, with the batch's
   * targets in a file and a result per target read back (batch-commands.ts). Default: per target.
   */
  commandsPer?: 'target' | 'batch' | undefined;
  /** With commandsPer `batch`: a check command run once per look over the targets deployed so far. */
  checkBatch?: string | undefined;
  /** Per command; on expiry the whole process group is killed. */
  timeoutMs: number;
  rollout: RolloutSpec;
  checks: CheckSpec[];
  /**
   * Canary categories: the first batch is the canaries chosen over these target labels (see
   * categories.ts), the rest follow in batches growing from its size. Undefined, or no target
   * carrying any of the labels: batches as the rollout says.
   */
  categories?: CategorySpec | undefined;
}

export interface ReleaseSpec {
  runId: string;
  service: string;
  environment: string;
  /** The environment's labels (config `environments.<name>.labels`); default none. */
  environmentLabels?: Record<string, string> | undefined;
  version: string;
  commit: string | null;
  /** The work tree had uncommitted changes (`--allow-dirty`): what runs is `commit` and more. */
  dirty?: boolean | undefined;
  /** Working directory of every command. */
  cwd: string;
  components: ComponentSpec[];
  onFailure: OnFailure;
  /** `rollback` when this run puts an earlier version back (`tranche rollback`); default `deploy`. */
  action?: 'deploy' | 'rollback' | undefined;
  /**
   * Who started the run, as its adapter names them (the CLI's `--actor`, the workflow's actor);
   * recorded with the run_started event. Undefined: nobody named.
   */
  actor?: string | undefined;
  /** The targets read from inventories when the run was planned; recorded as its `inventory` event. */
  inventory?: InventorySpec[] | undefined;
  /**
   * What this version requires of other services and which schemas it writes and reads; recorded
   * with the run_started event, so later deploys of other services (and rollbacks to this
   * version) can be checked against it. See constraints.ts.
   */
  constraints?: ReleaseConstraints | undefined;
}

/** Which targets one component's inventory gave (a command's output or a file). */
export interface InventorySpec {
  component: string;
  /** Where they came from: `command ./hosts.sh`, `file hosts.ndjson`. */
  source: string;
  targets: TargetSpec[];
}

/** The values a command sees, as TRANCHE_* environment variables. */
export interface CommandContext {
  service: string;
  environment: string;
  environmentLabels: Record<string, string>;
  component: string;
  target: TargetSpec;
  version: string;
  previousVersion: string | null;
  batch: number;
  action: Action;
  commit: string | null;
}

/** What a per-batch check sees: the two arms and the time window they are compared over. */
export interface BatchCheckContext {
  service: string;
  environment: string;
  component: string;
  version: string;
  batch: number;
  commit: string | null;
  /** The component's targets this run has deployed so far: they run the new version. */
  canaries: TargetSpec[];
  /** Targets still on the previous version (or the ones the check names). */
  baselines: TargetSpec[];
  /** Epoch ms when this batch's deploy finished: the comparison window starts there. */
  windowStart: number;
  /** Epoch ms of this observation, by the engine's clock. */
  now: number;
  /** The batch's last observation (the end of its bake): an inconclusive result must be settled. */
  final: boolean;
  /**
   * How many batches of this component this check compares (those with baselines left). Each
   * spends alpha / comparisons, so the whole rollout's false-rollback rate stays within alpha
   * (a union bound over its batches), however often each batch looks.
   */
  comparisons: number;
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

/** A target as a batch command sees it in its targets file. */
export interface BatchTarget {
  name: string;
  labels: Record<string, string>;
  /** The version the target last ran successfully (a deploy's TRANCHE_PREVIOUS_VERSION, per target). */
  previousVersion: string | null;
}

/** One command for a batch of targets: they are handed over in a file, not as variables. */
export interface BatchCommandRequest extends CommandRequest {
  targets: BatchTarget[];
}

/** What a batch command reported for one target. */
export interface TargetOutcome {
  ok: boolean;
  message?: string | undefined;
}

export interface BatchCommandResult extends CommandResult {
  /** Per target name, what the command reported; a target missing here was not reported. */
  outcomes: Map<string, TargetOutcome>;
  /** Why no outcome could be read (no results file, or a malformed one); undefined when they were. */
  resultsProblem?: string | undefined;
}

export interface Executor {
  run(request: CommandRequest, signal?: AbortSignal): Promise<CommandResult>;
  /** Runs a batch command (ComponentSpec.commandsPer `batch`); the engine fails the batch without it. */
  runBatch?(request: BatchCommandRequest, signal?: AbortSignal): Promise<BatchCommandResult>;
}

export interface CheckResult {
  check: string;
  status: CheckStatus;
  /** A number to record and plot (p95 latency, the command's {"value": n}). */
  value?: number | undefined;
  /** What the value measures, e.g. `p95`; reports print it beside the value. */
  metric?: string | undefined;
  unit?: string | undefined;
  /** `log`: values span orders of magnitude (an e-value); plots draw their log10. */
  scale?: 'log' | undefined;
  threshold?: { max?: number | undefined; min?: number | undefined } | undefined;
  /** One line: why it passed or failed. */
  message: string;
  durationMs: number;
  /** A statistical decision's evidence (estimates, bounds, samples used, e-value), recorded with the event. */
  evidence?: Record<string, number | string | boolean | null> | undefined;
}

export interface Checker {
  run(
    spec: TargetCheckSpec,
    context: CommandContext,
    cwd: string,
    signal?: AbortSignal,
  ): Promise<CheckResult>;
  /** Runs a per-batch check; the engine reports a batch check as an error when the checker has none. */
  runBatch?(spec: BatchCheckSpec, context: BatchCheckContext, signal?: AbortSignal): Promise<CheckResult>;
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
  /**
   * Records several events at once, in the order given, in one transaction: all of them or none
   * (a duplicate run and seq among them fails the whole call). The engine hands it the events it
   * has together, such as a batch command's per-target results.
   */
  recordEvents(events: readonly DeployEvent[]): Promise<void>;
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
