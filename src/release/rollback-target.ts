/**
 * What a rollback puts back, when nobody names a version: the one rule behind `tranche
 * rollback`, the bot's /rollback and the rollbacks a bad verdict starts.
 *
 * The target is the version of the newest successful deployment to the environment made before
 * the live version first succeeded there, passing over every version whose standing verdict is
 * bad. So a rollback
 * - never puts back a version the deploy gate would refuse (a bad verdict);
 * - never goes forward: a version that first succeeded after the live one (one an earlier
 *   rollback took away) is not a candidate, and a second rollback goes further back;
 * - has no target when nothing is live, or nothing good succeeded before the live version;
 * - puts the live version itself back (unless its verdict is bad) while a halted or killed run has
 *   left a target off it: that undoes the run, where going further back would pass over the last
 *   good version. Only a ledger that keeps each target's version knows this (`strayTargets`): a
 *   target off the live version that a run started after the live one changed last. One no run
 *   has changed since (a target taken out of the config or the inventory keeps the version it last
 *   had) strays from nothing.
 */
import type { Ledger } from '../ledger/types.ts';
import { ownedHistory, runSuccesses } from './deployment-records.ts';
import { type DeploymentHistory, liveOf, liveVersion, newestFirst, type Success } from './live-version.ts';
import { badVersions } from './track-state.ts';

/** The target among the environment's successes (see above); null when there is none. */
export function rollbackTargetOf(
  successes: readonly Success[],
  bad: ReadonlySet<string>,
  strayTargets = false,
): Success | null {
  const ordered = newestFirst(successes);
  const live = ordered[0];
  if (live === undefined) return null;
  if (strayTargets && !bad.has(live.version)) return live;
  const firstLive = ordered.findLastIndex((s) => s.version === live.version);
  return ordered.slice(firstLive + 1).find((s) => !bad.has(s.version)) ?? null;
}

/** The environment's rollback target, read from `history`; null when there is none. */
export async function rollbackTarget(
  history: DeploymentHistory,
  request: { service: string; environment: string; bad: ReadonlySet<string>; strayTargets?: boolean },
): Promise<Success | null> {
  return rollbackTargetOf(
    await history.successes(request.service, request.environment),
    request.bad,
    request.strayTargets,
  );
}

/** What a rollback of the environment would do, as a SQLite or PostgreSQL ledger knows it. */
export interface LedgerRollback {
  /** The live version; null before the first success. */
  live: string | null;
  /** Where a rollback without a named version goes; null when there is nowhere to go. */
  target: Success | null;
}

/**
 * The rule read from a ledger that keeps runs, verdicts and each target's version: what `tranche
 * rollback` without --to, the dashboard's rollback button, the bot's /rollback and the rollbacks
 * of a bad verdict put back.
 */
export async function ledgerRollback(
  ledger: Pick<Ledger, 'runs' | 'verdicts' | 'targetStates' | 'releases' | 'serviceOwner'>,
  service: string,
  environment: string,
  /** Versions to pass over besides those with a bad standing verdict (one being judged bad now). */
  alsoBad: Iterable<string> = [],
): Promise<LedgerRollback> {
  // What is live is read as the bot reads it: the runs and the bot's releases in the owner repositories.
  const history = ownedHistory(ledger);
  const [verdicts, live, runs, targets] = await Promise.all([
    ledger.verdicts(service),
    liveVersion(history, service, environment),
    ledger.runs({ service, environment }),
    ledger.targetStates(service, environment),
  ]);
  const bad = new Set([...badVersions(verdicts), ...alsoBad]);
  // Target states are the runs' own: they tell of a stray target only when a run put the live
  // version there, and only of targets a later run changed.
  const liveRun = liveOf(runSuccesses(runs));
  const later = new Set(
    liveRun === null ? [] : runs.filter((run) => run.startedAt > liveRun.startedAt).map((run) => run.runId),
  );
  const strayTargets =
    liveRun?.version === live &&
    targets.some((target) => target.version !== live && target.runId !== null && later.has(target.runId));
  return { live, target: await rollbackTarget(history, { service, environment, bad, strayTargets }) };
}
