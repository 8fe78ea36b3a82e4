/**
 * Where a deploy reported to GitHub keeps its versions and records and how it holds its
 * environment: the two ports (release/version-source.ts, release/environment-lease.ts) its
 * caller chooses once, from `ledger:`. A SQLite or PostgreSQL ledger, or `ledger: github` (git
 * tags and GitHub deployments).
 */
import type { ResolvedEnvironment } from '../config/resolve.ts';
import type { DeployLedger, ReleaseLedger } from '../ledger/types.ts';
import { ownedHistory } from '../release/deployment-records.ts';
import { type EnvironmentLease, type LeaseLedger, ledgerLease } from '../release/environment-lease.ts';
import { ledgerSource } from '../release/ledger-source.ts';
import type { VersionSource } from '../release/version-source.ts';
import type { GitHubClient, RepoRef } from './client.ts';
import type { LiveDeployment } from './deployments.ts';
import { githubLease, githubSource } from './github-source.ts';

export interface DeployStore {
  /** The run's version source, given the environment's live GitHub deployment and its config. */
  versionSource(run: { live: LiveDeployment | null; resolved: ResolvedEnvironment }): VersionSource;
  lease: EnvironmentLease;
}

/**
 * A shared ledger: its versions, records, verdicts and leases; what is live read as the CLI and
 * the bot read it (the runs and the bot's releases in the service's repositories).
 */
export function ledgerStore(
  ledger: DeployLedger & LeaseLedger & Pick<ReleaseLedger, 'releases'>,
): DeployStore {
  const source = ledgerSource(ledger, ownedHistory(ledger));
  return { versionSource: () => source, lease: ledgerLease(ledger) };
}

/** `ledger: github`: versions as tags in `repo`, what is live from its deployments, no lease. */
export function githubStore(client: GitHubClient, repo: RepoRef): DeployStore {
  return {
    versionSource: ({ live, resolved }) =>
      githubSource(
        {
          client,
          repo,
          targets: resolved.components.flatMap((c) =>
            c.targets.map((t) => ({ component: c.name, target: t.name })),
          ),
          template: resolved.versionTemplate,
        },
        live,
      ),
    lease: githubLease,
  };
}
