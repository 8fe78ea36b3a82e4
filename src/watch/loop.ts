/**
 * The watch loop: every interval, run each cell's check against its target, keep the matrix,
 * and record in the ledger each cell that turns red or green. A cell's state before this watch
 * is the one the ledger holds, so a restarted watch records only real changes.
 */

import { forEachLimit } from '../engine/pool.ts';
import type { Checker, Clock, CommandContext, TargetState } from '../engine/ports.ts';
import type { Ledger } from '../ledger/types.ts';
import type { WatchState, WatchTransition } from '../ledger/watch-types.ts';
import { cellOf, type WatchCell } from './matrix.ts';
import { cellKey, cellKeys, type WatchedCell, type WatchPlan } from './plan.ts';

export interface WatchRound {
  /** 1 for the first round. */
  round: number;
  /** Clock time the round ended. */
  at: number;
  /** Observed cells by cellKey, in plan order. */
  cells: ReadonlyMap<string, WatchCell>;
  /** What the ledger says each target runs (none before its first deploy). */
  targets: readonly TargetState[];
}

export interface WatchListener {
  /** A cell changed state (or was observed for the first time ever), and the ledger has recorded it. */
  transition?(transition: WatchTransition, from: WatchState | null): void;
  /** A cell's check finished, whether or not its state changed. */
  observed?(cell: WatchCell): void;
  /** A round finished (not called for a round the signal cut short). */
  round?(round: WatchRound): void;
}

export interface WatchOptions {
  plan: WatchPlan;
  ledger: Pick<Ledger, 'targetStates' | 'recordWatchTransitions' | 'watchCells'>;
  checker: Checker;
  clock: Clock;
  /** Working directory of check commands. */
  cwd: string;
  /** Pause between the end of one round and the start of the next. */
  intervalMs: number;
  /** Checks running at once. */
  parallel: number;
  /** Run one round only. */
  once?: boolean | undefined;
  signal?: AbortSignal | undefined;
  listener?: WatchListener | undefined;
}

/** Runs rounds until the signal aborts (or one, with `once`); resolves to the matrix of the last full round. */
export async function watch(options: WatchOptions): Promise<WatchRound | null> {
  const { plan, ledger, clock, signal } = options;
  const recorded = new Map(
    (await ledger.watchCells(plan.service, plan.environment)).map((t) => [cellKey(t), cellOf(t)]),
  );
  const cells = new Map<string, WatchCell>();
  let last: WatchRound | null = null;
  for (let round = 1; !signal?.aborted; round++) {
    const targets = await ledger.targetStates(plan.service, plan.environment);
    const versions = new Map(targets.map((t) => [JSON.stringify([t.component, t.target]), t]));
    await forEachLimit(
      plan.cells,
      options.parallel,
      async (cell) => {
        const state = versions.get(JSON.stringify([cell.component, cell.target.name]));
        const result = await options.checker.run(cell.check, context(plan, cell, state), options.cwd, signal);
        // A check the signal cut short says nothing about the target.
        if (signal?.aborted) return;
        const key = cellKey({ ...cell, target: cell.target.name, check: cell.check.name });
        const before = cells.get(key) ?? recorded.get(key);
        const transition: WatchTransition = {
          service: plan.service,
          environment: plan.environment,
          component: cell.component,
          target: cell.target.name,
          check: cell.check.name,
          at: clock.now(),
          state: result.status === 'pass' ? 'green' : 'red',
          status: result.status,
          reason: result.message,
          value: result.value ?? null,
        };
        const changed = before === undefined || before.state !== transition.state;
        if (changed) await ledger.recordWatchTransitions([transition]);
        const observed = changed ? cellOf(transition) : { ...cellOf(transition), since: before.since };
        cells.set(key, observed);
        if (changed) options.listener?.transition?.(transition, before?.state ?? null);
        options.listener?.observed?.(observed);
      },
      () => !signal?.aborted,
    );
    if (signal?.aborted) break;
    const inOrder = cellKeys(plan).flatMap((key) => {
      const cell = cells.get(key);
      return cell ? [[key, cell] as const] : [];
    });
    last = { round, at: clock.now(), cells: new Map(inOrder), targets };
    options.listener?.round?.(last);
    if (options.once) break;
    await clock.sleep(options.intervalMs, signal);
  }
  return last;
}

/**
 * What a check command sees (TRANCHE_* variables): the version the ledger says the target runs
 * (empty before its first deploy) and, as the previous version, its last good one.
 */
function context(plan: WatchPlan, cell: WatchedCell, state: TargetState | undefined): CommandContext {
  return {
    service: plan.service,
    environment: plan.environment,
    environmentLabels: plan.environmentLabels,
    component: cell.component,
    target: cell.target,
    version: state?.version ?? '',
    previousVersion: state?.goodVersion ?? null,
    batch: 0,
    action: 'check',
    commit: null,
  };
}
