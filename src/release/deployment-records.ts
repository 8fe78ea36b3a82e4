/**
 * The records that remember deployments, read as the live-version rule reads them: the ledger's
 * runs (CLI and Action deploys) and the bot's releases (admitted by the bot, or seen on GitHub).
 */
import type {
  DeployLedger,
  ReleaseLedger,
  ReleaseRecord,
  RunRecord,
  ServiceOwnerLedger,
} from '../ledger/types.ts';
import { combinedHistory, type DeploymentHistory, type Success } from './live-version.ts';

/** The bot's successful releases of an environment read for the rule, newest deployment first. */
const RELEASES_READ = 50;

/** A run's success: which run, and when it started. */
export interface RunSuccess extends Success {
  runId: string;
  startedAt: number;
}

/** The runs that succeeded, as successes at the moment each finished. */
export function runSuccesses(runs: readonly RunRecord[]): RunSuccess[] {
  return runs
    .filter((run) => run.decision === 'succeeded')
    .map((run) => ({
      version: run.version,
      commit: run.commit,
      at: run.finishedAt ?? run.startedAt,
      runId: run.runId,
      startedAt: run.startedAt,
    }));
}

/** The releases that once succeeded (superseded ones too), as successes at the moment each did. */
export function releaseSuccesses(releases: readonly ReleaseRecord[]): Success[] {
  return releases.flatMap((release) =>
    release.version !== null && release.succeededAt !== null
      ? [
          {
            version: release.version,
            commit: release.commit,
            at: release.succeededAt,
            by: release.requestedBy,
          },
        ]
      : [],
  );
}

/** The ledger's runs as a deployment history. */
export function runHistory(ledger: Pick<DeployLedger, 'runs'>): DeploymentHistory {
  return {
    async successes(service, environment) {
      return runSuccesses(await ledger.runs({ service, environment }));
    },
  };
}

/** The bot's releases in one repository as a deployment history (a release naming no service counts for any). */
export function releaseHistory(ledger: Pick<ReleaseLedger, 'releases'>, repo: string): DeploymentHistory {
  return {
    async successes(service, environment) {
      const releases = await ledger.releases({ repo, environment, succeeded: true, limit: RELEASES_READ });
      return releaseSuccesses(releases.filter((r) => r.service === null || r.service === service));
    },
  };
}

/**
 * Every deployment a shared ledger remembers of a service: the runs of CLI and Action deploys and
 * the bot's releases in the repositories that own the service. What the bot and the CLI read
 * alike, so that on one ledger they agree on what is live and what a rollback puts back.
 */
export function ledgerHistory(
  ledger: Pick<DeployLedger, 'runs'> & Pick<ReleaseLedger, 'releases'>,
  repos: readonly string[],
): DeploymentHistory {
  return combinedHistory(runHistory(ledger), ...repos.map((repo) => releaseHistory(ledger, repo)));
}

/** ledgerHistory over the repositories the ledger binds the service to when it is read. */
export function ownedHistory(
  ledger: Pick<DeployLedger, 'runs'> &
    Pick<ReleaseLedger, 'releases'> &
    Pick<ServiceOwnerLedger, 'serviceOwner'>,
): DeploymentHistory {
  return {
    async successes(service, environment) {
      const repos = (await ledger.serviceOwner(service))?.repos ?? [];
      return ledgerHistory(ledger, repos).successes(service, environment);
    },
  };
}

/**
 * The runs (newest first) that may still be going: unfinished, and started after the newest
 * finished run started. An unfinished run older than that is one whose process died without a
 * terminal record; a later run has since taken the environment over, so it holds nothing up.
 */
export function runsInProgress(runs: readonly RunRecord[]): RunRecord[] {
  const newestFinished = runs.find((run) => run.finishedAt !== null);
  return runs.filter(
    (run) =>
      run.finishedAt === null && (newestFinished === undefined || run.startedAt > newestFinished.startedAt),
  );
}
