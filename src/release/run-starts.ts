/**
 * What a run's first events say of it, read where runs are listed (`tranche history`, the
 * dashboard): whether it deploys or rolls back (engine/events.ts decides from its run_started),
 * and the start events themselves for what else they carry.
 */
import { startsRollback } from '../engine/events.ts';
import type { DeployEvent } from '../engine/ports.ts';
import type { Ledger, RunRecord } from '../ledger/types.ts';

export type RunAction = 'deploy' | 'rollback';

/**
 * The first two events of each run, by run id: run_started and, when its targets came from an
 * inventory, the inventory event.
 */
export async function runStarts(
  ledger: Pick<Ledger, 'events'>,
  runs: readonly RunRecord[],
): Promise<Map<string, DeployEvent[]>> {
  const starts = await Promise.all(runs.map((run) => ledger.events({ runId: run.runId, limit: 2 })));
  return new Map(runs.map((run, i) => [run.runId, starts[i] ?? []]));
}

/** A rollback when the run's start says so; a deploy otherwise (and for a run with no start recorded). */
export function runActionOf(starts: readonly DeployEvent[]): RunAction {
  const started = starts.find((e) => e.kind === 'run_started');
  return started && startsRollback(started) ? 'rollback' : 'deploy';
}

/** The runs, each with its action. */
export async function withActions<R extends RunRecord>(
  ledger: Pick<Ledger, 'events'>,
  runs: readonly R[],
): Promise<(R & { action: RunAction })[]> {
  const starts = await runStarts(ledger, runs);
  return runs.map((run) => ({ ...run, action: runActionOf(starts.get(run.runId) ?? []) }));
}
