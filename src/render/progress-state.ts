/**
 * What a live progress display knows about a run, folded from its events by a pure reducer.
 * Drawing lives in progress.ts; this file only keeps the model.
 */
import { startsRollback } from '../engine/events.ts';
import type { DeployEvent } from '../engine/ports.ts';
import type { RunDecision } from '../engine/vocabulary.ts';
import { RUN_DECISIONS } from '../engine/vocabulary.ts';
import { checkData, dataNumber, dataString, dataStrings, dataVersion } from './event-data.ts';

export type TargetPhase =
  | 'waiting'
  | 'deploying'
  | 'deployed'
  | 'healthy'
  | 'unhealthy'
  | 'failed'
  | 'rolling_back'
  | 'rolled_back'
  | 'rollback_failed'
  | 'rollback_skipped';

export interface TargetView {
  name: string;
  phase: TargetPhase;
}

/** The latest observation of one check. */
export interface CheckView {
  check: string;
  target: string;
  status: string;
  value?: number | undefined;
  unit?: string | undefined;
  max?: number | undefined;
  min?: number | undefined;
  /** The check took longer than the engine's slow-check limit. */
  slow: boolean;
  metric: string;
}

export interface BatchView {
  number: number;
  /** Batches in the component, when the engine says. */
  of?: number | undefined;
  status: 'running' | 'ok' | 'failed';
}

export interface RollbackView {
  /** Targets to roll back, as announced by rollback_started. */
  total: number;
  /** Targets whose rollback ended (ok, failed or skipped). */
  done: number;
  failed: number;
  skipped: number;
  targets: readonly RollbackTargetView[];
  finished: boolean;
}

export interface RollbackTargetView extends TargetView {
  component?: string | undefined;
  from?: string | undefined;
  to?: string | null | undefined;
}

export interface RunOutcome {
  ok: boolean;
  decision?: RunDecision | undefined;
  reasonCode?: string | undefined;
  message?: string | undefined;
  durationMs?: number | undefined;
}

export interface ProgressState {
  service: string;
  environment: string;
  version: string;
  previousVersion: string | null | undefined;
  /** The run puts an earlier version back (`tranche rollback`), as its run_started says. */
  rollsBack: boolean;
  /** Time of run_started, or of the first event seen. */
  startedAt: number | undefined;
  /** Time of the latest event: the display's clock. */
  now: number;
  components: readonly string[];
  /** The component being deployed, and how many components finished before it. */
  component: string | undefined;
  componentsDone: number;
  batch: BatchView | undefined;
  /** The current batch's targets. */
  targets: readonly TargetView[];
  /** Latest observation per check of the current component, in first-seen order. */
  checks: readonly CheckView[];
  bake: { startedAt: number; bakeMs: number } | undefined;
  rollback: RollbackView | undefined;
  /** Message of the latest failed step. */
  lastFailure: string | undefined;
  finished: RunOutcome | undefined;
}

export function initialProgress(): ProgressState {
  return {
    service: '',
    environment: '',
    version: '',
    previousVersion: undefined,
    rollsBack: false,
    startedAt: undefined,
    now: 0,
    components: [],
    component: undefined,
    componentsDone: 0,
    batch: undefined,
    targets: [],
    checks: [],
    bake: undefined,
    rollback: undefined,
    lastFailure: undefined,
    finished: undefined,
  };
}

/** The state after one more event. Never mutates its input. */
export function reduce(state: ProgressState, event: DeployEvent): ProgressState {
  const base: ProgressState = {
    ...state,
    service: event.service,
    environment: event.environment,
    version: event.version,
    startedAt: state.startedAt ?? event.at,
    now: Math.max(state.now, event.at),
    lastFailure: event.status === 'failed' && event.message ? event.message : state.lastFailure,
  };
  switch (event.kind) {
    case 'run_started':
      return {
        ...base,
        startedAt: event.at,
        previousVersion: dataVersion(event, 'previousVersion'),
        rollsBack: startsRollback(event),
        components: dataStrings(event, 'components') ?? [],
      };
    case 'component_started':
      return {
        ...base,
        component: event.component,
        batch: undefined,
        targets: [],
        checks: [],
        bake: undefined,
      };
    case 'component_finished':
      return { ...base, componentsDone: state.componentsDone + 1, bake: undefined };
    case 'batch_started':
      return {
        ...base,
        batch: {
          number: event.batch ?? (state.batch?.number ?? 0) + 1,
          of: dataNumber(event, 'of'),
          status: 'running',
        },
        targets: (dataStrings(event, 'targets') ?? []).map((name) => ({ name, phase: 'waiting' })),
        bake: undefined,
      };
    case 'batch_finished':
      return state.batch
        ? {
            ...base,
            batch: { ...state.batch, status: event.status === 'ok' ? 'ok' : 'failed' },
            bake: undefined,
          }
        : base;
    case 'target_deploy': {
      const phase = event.status === 'started' ? 'deploying' : event.status === 'ok' ? 'deployed' : 'failed';
      return { ...base, targets: setPhase(state.targets, event.target, phase, true) };
    }
    case 'check': {
      const check: CheckView = { ...checkData(event), target: event.target ?? '' };
      const phase = event.status === 'ok' ? 'healthy' : 'unhealthy';
      return {
        ...base,
        checks: upsert(state.checks, check, (c) => c.check === check.check),
        targets: setPhase(state.targets, event.target, phase, false),
      };
    }
    case 'bake_started':
      return { ...base, bake: { startedAt: event.at, bakeMs: dataNumber(event, 'bakeMs') ?? 0 } };
    case 'bake_finished':
      return { ...base, bake: undefined };
    case 'rollback_started':
      return {
        ...base,
        bake: undefined,
        rollback: {
          total: dataNumber(event, 'targets') ?? 0,
          done: 0,
          failed: 0,
          skipped: 0,
          targets: [],
          finished: false,
        },
      };
    case 'target_rollback':
      return { ...base, rollback: rollbackStep(state.rollback, event) };
    case 'rollback_finished':
      return state.rollback ? { ...base, rollback: { ...state.rollback, finished: true } } : base;
    case 'run_finished':
      return {
        ...base,
        bake: undefined,
        finished: {
          ok: event.status === 'ok',
          decision: decisionOf(dataString(event, 'decision')),
          reasonCode: event.reasonCode,
          message: event.message,
          durationMs: event.durationMs,
        },
      };
    default:
      return base;
  }
}

/** Where a target_rollback event leaves its target. */
export function rollbackPhase(event: Pick<DeployEvent, 'status'>): TargetPhase {
  if (event.status === 'started') return 'rolling_back';
  if (event.status === 'ok') return 'rolled_back';
  return event.status === 'skipped' ? 'rollback_skipped' : 'rollback_failed';
}

/** Milliseconds of bake left at the latest event's time; undefined when not baking. */
export function bakeRemainingMs(state: ProgressState): number | undefined {
  if (!state.bake) return undefined;
  return Math.max(0, state.bake.startedAt + state.bake.bakeMs - state.now);
}

/** Folds a whole event sequence from the initial state. */
export function reduceAll(events: Iterable<DeployEvent>, state = initialProgress()): ProgressState {
  let next = state;
  for (const event of events) next = reduce(next, event);
  return next;
}

function setPhase(
  targets: readonly TargetView[],
  name: string | undefined,
  phase: TargetPhase,
  add: boolean,
): readonly TargetView[] {
  if (name === undefined) return targets;
  if (!targets.some((t) => t.name === name)) return add ? [...targets, { name, phase }] : targets;
  return targets.map((t) => (t.name === name ? { name, phase } : t));
}

function upsert<T>(items: readonly T[], item: T, same: (existing: T) => boolean): readonly T[] {
  return items.some(same) ? items.map((existing) => (same(existing) ? item : existing)) : [...items, item];
}

function rollbackStep(rollback: RollbackView | undefined, event: DeployEvent): RollbackView {
  const current = rollback ?? { total: 0, done: 0, failed: 0, skipped: 0, targets: [], finished: false };
  const name = event.target ?? '';
  const phase = rollbackPhase(event);
  const view: RollbackTargetView = {
    name,
    phase,
    component: event.component,
    from: dataString(event, 'from'),
    to: dataVersion(event, 'to'),
  };
  const targets = upsert(current.targets, view, (t) => t.name === name && t.component === event.component);
  return {
    ...current,
    total: Math.max(current.total, targets.length),
    done: current.done + (event.status === 'started' ? 0 : 1),
    failed: current.failed + (event.status === 'failed' ? 1 : 0),
    skipped: current.skipped + (event.status === 'skipped' ? 1 : 0),
    targets,
  };
}

function decisionOf(value: string | undefined): RunDecision | undefined {
  return RUN_DECISIONS.find((d) => d === value);
}
