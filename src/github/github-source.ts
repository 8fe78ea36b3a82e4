/**
 * `ledger: github` as a version source (src/release/version-source.ts): versions are git tags,
 * what is live is the environment's live GitHub deployment, and the run's records are kept by
 * GitHubLedger. It keeps no verdicts and no record of other services or of what a version
 * declared, so the gate checks only this service's constraints against its live version.
 */
import type { EnvironmentLease } from '../release/environment-lease.ts';
import type { VersionSource } from '../release/version-source.ts';
import { type LiveDeployment, liveDeploymentHistory } from './deployments.ts';
import { GitHubLedger, type GitHubLedgerOptions } from './github-ledger.ts';
import { taggedCommit } from './tag-versions.ts';

export function githubSource(
  options: Omit<GitHubLedgerOptions, 'liveVersion'>,
  live: LiveDeployment | null,
): VersionSource {
  const { client, repo } = options;
  const liveVersion = live?.version ?? null;
  const ledger = new GitHubLedger({ ...options, liveVersion });
  return {
    ledger,
    nextVersion: (service, commit, template, now) => ledger.nextVersion(service, commit, template, now),
    history: liveDeploymentHistory(live),
    knowsOtherServices: false,
    commitOf: (service, version) => taggedCommit(client, repo, service, version),
    recordedConstraints: async () => undefined,
    standingVerdict: async () => undefined,
    liveReleases: async (service) =>
      liveVersion === null ? [] : [{ service, version: liveVersion, constraints: null }],
  };
}

/**
 * `ledger: github` holds no lease: GitHub has no lock a run could take and lose when it dies.
 * Two runs of one environment are kept apart by the workflow's `concurrency` group, and two
 * versions never get one number because tags are created atomically (tag-versions.ts).
 */
export const githubLease: EnvironmentLease = {
  async hold() {
    return { release: async () => {} };
  },
};
