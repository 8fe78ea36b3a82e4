import { type Description, describe } from './describe.ts';

/** What a stage timing reads of a recorded event (the engine's DeployEvent is one). */
export interface TimedEvent {
  kind: string;
  status: string;
  durationMs?: number | undefined;
  data?: Record<string, unknown> | undefined;
}

export interface StageTiming extends Description {
  stage: string;
}

/** The stage a closing event measures, or undefined for events that measure none. */
export function stageOf(event: TimedEvent): string | undefined {
  if (event.durationMs === undefined || event.status === 'started') return undefined;
  switch (event.kind) {
    case 'run_finished':
      return 'run';
    case 'batch_finished':
      return 'batch';
    case 'target_deploy':
      return 'deploy';
    case 'bake_finished':
      return 'bake';
    case 'target_rollback':
      return 'rollback target';
    case 'rollback_finished':
      return 'rollback';
    case 'check':
      return `check ${String(event.data?.check ?? '?')}`;
    default:
      return undefined;
  }
}

/** count, min, max, median and p95 of every stage's durations, stages in order of first appearance. */
export function stageTimings(events: Iterable<TimedEvent>): StageTiming[] {
  const byStage = new Map<string, number[]>();
  for (const event of events) {
    const stage = stageOf(event);
    if (stage === undefined || event.durationMs === undefined) continue;
    const durations = byStage.get(stage) ?? [];
    durations.push(event.durationMs);
    byStage.set(stage, durations);
  }
  return [...byStage].map(([stage, durations]) => ({ stage, ...(describe(durations) as Description) }));
}
