/**
 * What the page shows, read from the ledger through the release layer's rules (what is live,
 * what a rollback puts back, what holds an environment, which runs are still going): the
 * dashboard decides none of them itself.
 */
import type { TargetState } from '../engine/ports.ts';
import type { DashboardActionRecord } from '../ledger/dashboard-action-types.ts';
import { ACTIVE_RELEASE_STATES, type Ledger, type ReleaseRecord, type RunRecord } from '../ledger/types.ts';
import { type DeployLockBlocker, environmentHolders } from '../release/deploy-lock.ts';
import { runsInProgress } from '../release/deployment-records.ts';
import type { Success } from '../release/live-version.ts';
import { ledgerRollback } from '../release/rollback-target.ts';
import { type RunAction, withActions } from '../release/run-starts.ts';

/** What the page reads and writes in the ledger: the SQLite or PostgreSQL ledger has all of it. */
export type DashboardLedger = Pick<
  Ledger,
  | 'runs'
  | 'events'
  | 'targetStates'
  | 'versions'
  | 'locks'
  | 'verdicts'
  | 'outcomeCounts'
  | 'serviceOwner'
  | 'releases'
  | 'recordDashboardAction'
  | 'finishDashboardAction'
  | 'dashboardActions'
  | 'watchCells'
  | 'watchCursor'
>;

/** A service and the environments the host knows of (from its config), beside those the ledger has runs in. */
export interface KnownService {
  service: string;
  environments: string[];
}

export interface EnvironmentView {
  service: string;
  environment: string;
  live: string | null;
  /** The run that made the live version live. */
  liveRun: RunRecord | null;
  /** Where the rollback button goes; null when there is nowhere to go. */
  rollback: Success | null;
  targets: TargetState[];
  holders: DeployLockBlocker[];
  /** The bot's releases of the service here that are queued or started, oldest first. */
  queue: ReleaseRecord[];
  /** Runs still going, newest first, each a deploy or a rollback. */
  running: (RunRecord & { action: RunAction })[];
}

/** How many runs the page reads to find services and completed releases. */
const RECENT_RUNS = 200;

/** Every service × environment the viewer may read: the host's known ones, then the ledger's. */
export async function environmentsOf(
  ledger: DashboardLedger,
  known: readonly KnownService[],
  canRead: (service: string) => Promise<boolean>,
): Promise<{ service: string; environment: string }[]> {
  const pairs = new Map<string, { service: string; environment: string }>();
  const add = (service: string, environment: string) =>
    pairs.set(JSON.stringify([service, environment]), { service, environment });
  for (const k of known) for (const environment of k.environments) add(k.service, environment);
  for (const run of await ledger.runs({ limit: RECENT_RUNS })) add(run.service, run.environment);
  const allowed = new Map<string, boolean>();
  const result: { service: string; environment: string }[] = [];
  for (const pair of pairs.values()) {
    if (!allowed.has(pair.service)) allowed.set(pair.service, await canRead(pair.service));
    if (allowed.get(pair.service)) result.push(pair);
  }
  return result;
}

export async function environmentView(
  ledger: DashboardLedger,
  service: string,
  environment: string,
  now: number,
): Promise<EnvironmentView> {
  const [runs, rollback, targets, locks, owner] = await Promise.all([
    ledger.runs({ service, environment }),
    ledgerRollback(ledger, service, environment),
    ledger.targetStates(service, environment),
    ledger.locks(now),
    ledger.serviceOwner(service),
  ]);
  const repos = owner?.repos ?? [];
  const queue = (
    await Promise.all(
      repos.map((repo) =>
        ledger.releases({ repo, environment, states: ['queued', ...ACTIVE_RELEASE_STATES] }),
      ),
    )
  )
    .flat()
    .filter((release) => release.service === null || release.service === service)
    .toSorted((a, b) => a.requestedAt - b.requestedAt);
  const liveRun = runs.find((run) => run.decision === 'succeeded' && run.version === rollback.live) ?? null;
  return {
    service,
    environment,
    live: rollback.live,
    liveRun,
    rollback: rollback.target,
    targets,
    holders: environmentHolders(locks, { service, environment, repos }),
    queue,
    running: await withActions(ledger, runsInProgress(runs)),
  };
}

/** The runs still going in the environments the viewer may read, newest first. */
export async function activeRuns(
  ledger: DashboardLedger,
  environments: readonly { service: string; environment: string }[],
): Promise<RunRecord[]> {
  const lists = await Promise.all(
    environments.map(async ({ service, environment }) =>
      runsInProgress(await ledger.runs({ service, environment, limit: 20 })),
    ),
  );
  return lists.flat().toSorted((a, b) => b.startedAt - a.startedAt);
}

/** Finished runs of the services the viewer may read, newest first. */
export async function completedRuns(
  ledger: DashboardLedger,
  readable: ReadonlySet<string>,
  limit: number,
): Promise<(RunRecord & { action: RunAction })[]> {
  const runs = await ledger.runs({ finished: true, limit: RECENT_RUNS });
  return withActions(ledger, runs.filter((run) => readable.has(run.service)).slice(0, limit));
}

export async function recentActions(
  ledger: DashboardLedger,
  readable: ReadonlySet<string>,
  limit: number,
): Promise<DashboardActionRecord[]> {
  return (await ledger.dashboardActions(limit * 4)).filter((a) => readable.has(a.service)).slice(0, limit);
}
