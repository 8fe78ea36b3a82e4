/**
 * A run drawn as it ran: its recorded events folded into components × batches with each target's
 * state, every check observation, the bake and the rollback. Only the events count, never today's
 * config, so a past run looks as it did (up to any event, for a replay).
 */
import type { DeployEvent } from '../engine/ports.ts';
import { storedActor } from '../ledger/actor.ts';
import { checkData, dataNumber, dataString, dataStrings, dataVersion } from '../render/event-data.ts';
import { rollbackPhase, type TargetPhase } from '../render/progress-state.ts';

export interface BatchPicture {
  number: number;
  status: 'running' | 'ok' | 'failed';
  targets: Map<string, TargetPhase>;
}

export interface ComponentPicture {
  name: string;
  /** Batches in the component, once the engine said. */
  of: number | undefined;
  batches: BatchPicture[];
}

export interface CheckPoint {
  at: number;
  target: string;
  value: number;
  ok: boolean;
}

export interface CheckPicture {
  check: string;
  unit: string | undefined;
  max: number | undefined;
  min: number | undefined;
  points: CheckPoint[];
  /** The latest observation's message. */
  message: string | undefined;
  failed: number;
  total: number;
}

export interface RollbackPicture {
  component: string | undefined;
  target: string;
  phase: TargetPhase;
  to: string | null | undefined;
}

export interface RunPicture {
  runId: string;
  service: string;
  environment: string;
  version: string;
  action: string;
  /** Who started the run, as its run_started event says; undefined when it names nobody. */
  actor: string | undefined;
  previousVersion: string | null | undefined;
  startedAt: number | undefined;
  /** The time of the latest event drawn. */
  at: number | undefined;
  components: ComponentPicture[];
  checks: CheckPicture[];
  bake:
    | { component: string | undefined; batch: number | undefined; startedAt: number; bakeMs: number }
    | undefined;
  rollback: RollbackPicture[];
  finished:
    | { ok: boolean; decision: string | undefined; message: string | undefined; at: number }
    | undefined;
  /** Events drawn, and the message of the latest failure among them. */
  events: number;
  lastFailure: string | undefined;
}

export function drawRun(runId: string, events: readonly DeployEvent[]): RunPicture {
  const picture: RunPicture = {
    runId,
    service: events[0]?.service ?? '',
    environment: events[0]?.environment ?? '',
    version: events[0]?.version ?? '',
    action: 'deploy',
    actor: undefined,
    previousVersion: undefined,
    startedAt: events[0]?.at,
    at: undefined,
    components: [],
    checks: [],
    bake: undefined,
    rollback: [],
    finished: undefined,
    events: 0,
    lastFailure: undefined,
  };
  for (const event of events) step(picture, event);
  return picture;
}

function component(picture: RunPicture, name: string | undefined): ComponentPicture {
  const key = name ?? '';
  let found = picture.components.find((c) => c.name === key);
  if (!found) {
    found = { name: key, of: undefined, batches: [] };
    picture.components.push(found);
  }
  return found;
}

function batchOf(picture: RunPicture, event: DeployEvent): BatchPicture | undefined {
  return component(picture, event.component).batches.find((b) => b.number === event.batch);
}

function step(picture: RunPicture, event: DeployEvent): void {
  picture.events += 1;
  picture.at = event.at;
  if (event.status === 'failed' && event.message) picture.lastFailure = event.message;
  switch (event.kind) {
    case 'run_started':
      picture.startedAt = event.at;
      picture.previousVersion = dataVersion(event, 'previousVersion');
      picture.action = dataString(event, 'action') ?? 'deploy';
      picture.actor = storedActor(event.data?.actor) ?? undefined;
      for (const name of dataStrings(event, 'components') ?? []) component(picture, name);
      return;
    case 'batch_started': {
      const c = component(picture, event.component);
      c.of = dataNumber(event, 'of') ?? c.of;
      const targets = new Map<string, TargetPhase>(
        (dataStrings(event, 'targets') ?? []).map((name) => [name, 'waiting']),
      );
      c.batches.push({ number: event.batch ?? c.batches.length + 1, status: 'running', targets });
      return;
    }
    case 'batch_finished': {
      const batch = batchOf(picture, event);
      if (batch) batch.status = event.status === 'ok' ? 'ok' : 'failed';
      picture.bake = undefined;
      return;
    }
    case 'target_deploy': {
      const batch = batchOf(picture, event);
      const phase = event.status === 'started' ? 'deploying' : event.status === 'ok' ? 'deployed' : 'failed';
      if (batch && event.target) batch.targets.set(event.target, phase);
      return;
    }
    case 'check':
      observe(picture, event);
      return;
    case 'bake_started':
      picture.bake = {
        component: event.component,
        batch: event.batch,
        startedAt: event.at,
        bakeMs: dataNumber(event, 'bakeMs') ?? 0,
      };
      return;
    case 'bake_finished':
      picture.bake = undefined;
      return;
    case 'target_rollback':
      rollbackStep(picture, event);
      return;
    case 'run_finished':
      picture.bake = undefined;
      picture.finished = {
        ok: event.status === 'ok',
        decision: dataString(event, 'decision'),
        message: event.message,
        at: event.at,
      };
      return;
    default:
      return;
  }
}

function observe(picture: RunPicture, event: DeployEvent): void {
  const data = checkData(event);
  let check = picture.checks.find((c) => c.check === data.check);
  if (!check) {
    check = {
      check: data.check,
      unit: data.unit,
      max: data.max,
      min: data.min,
      points: [],
      message: undefined,
      failed: 0,
      total: 0,
    };
    picture.checks.push(check);
  }
  check.total += 1;
  if (event.status !== 'ok') check.failed += 1;
  check.message = event.message;
  if (data.value !== undefined)
    check.points.push({
      at: event.at,
      target: event.target ?? '',
      value: data.value,
      ok: event.status === 'ok',
    });
  // A per-target check says how its target stands in its batch (a batch check names no target).
  const batch = batchOf(picture, event);
  if (batch && event.target && batch.targets.has(event.target))
    batch.targets.set(event.target, event.status === 'ok' ? 'healthy' : 'unhealthy');
}

function rollbackStep(picture: RunPicture, event: DeployEvent): void {
  const phase = rollbackPhase(event);
  const target = event.target ?? '';
  const entry = picture.rollback.find((r) => r.target === target && r.component === event.component);
  if (entry) {
    entry.phase = phase;
    entry.to = dataVersion(event, 'to') ?? entry.to;
  } else picture.rollback.push({ component: event.component, target, phase, to: dataVersion(event, 'to') });
}
