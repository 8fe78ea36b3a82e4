/**
 * Where a service's versions are numbered and its deploys remembered, as the release rules read
 * it: a SQLite or PostgreSQL ledger (ledger-source.ts), or git tags with GitHub deployments for a
 * bare Action with no database (src/github/github-source.ts). What one source cannot know (GitHub
 * keeps no verdicts and no record of other services) it says so, and the rules check the rest.
 */
import type { LiveRelease, ReleaseConstraints } from '../engine/constraints.ts';
import type { VerdictRecord } from '../ledger/fleet-types.ts';
import type { DeployLedger, VersionRecord } from '../ledger/types.ts';
import type { DeploymentHistory } from './live-version.ts';

export interface VersionSource {
  /** The engine's ledger for a run: records events and target states. */
  readonly ledger: DeployLedger;
  /** Numbers the service's next version, tied to the commit deployed (null: none known). */
  nextVersion(service: string, commit: string | null, template: string, now: number): Promise<VersionRecord>;
  /** What was deployed where, for the live-version rule. */
  readonly history: DeploymentHistory;
  /** Whether it records every service's deploys and what each declared (the constraints' `history`). */
  readonly knowsOtherServices: boolean;
  /** The commit a version was built from; null when numbered without one; undefined for a version it never numbered. */
  commitOf(service: string, version: string): Promise<string | null | undefined>;
  /** What a version declared the last time it was deployed; undefined when not known. */
  recordedConstraints(service: string, version: string): Promise<ReleaseConstraints | undefined>;
  /** The version's standing verdict; undefined when there is none, or the source keeps none. */
  standingVerdict(service: string, version: string): Promise<VerdictRecord | undefined>;
  /** What runs in the environment, per service, with what each declared (as far as it knows). */
  liveReleases(service: string, environment: string): Promise<LiveRelease[]>;
}
