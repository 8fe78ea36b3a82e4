/**
 * The promotion planner's inputs (engine/tracks.ts) from the bot's own records: the releases it
 * started and the deployments it saw, which is all a bot knows whether or not the Action shares
 * its ledger. A member environment runs the version of its live release (the newest deployment
 * whose status is success) and is healthy on it since the environment's latest release finished
 * (a failed attempt at something newer restarts the bake; one that never got a deployment does
 * not), unless a release is running there now.
 *
 * Versions are ordered as the ledger numbered them, then as the bot first saw them deployed
 * (tag-numbered versions are in no ledger): later means newer, so a promotion never goes back.
 * Holds are the CLI's (ledger locks `hold:<service>:<track>`); bad versions, those whose
 * standing verdict is bad.
 */
import type { MemberHealth, PromotionInput, TrackSpec } from '../../src/engine/tracks.ts';
import { isActiveRelease } from '../../src/ledger/release-queue.ts';
import { badVersions, trackHolds } from '../../src/ledger/track-state.ts';
import type { Ledger, ReleaseRecord } from '../../src/ledger/types.ts';

/** Releases of one environment looked at: enough for its live one and what runs there. */
const ENVIRONMENT_RELEASES = 100;
/** Releases of the repository read for the order of versions. */
const ORDER_RELEASES = 1000;

type TrackLedger = Pick<Ledger, 'releases' | 'versions' | 'verdicts' | 'locks'>;

/** What every member of every track runs, and since when it has been healthy on it. */
export async function releaseHealth(
  ledger: Pick<Ledger, 'releases'>,
  repo: string,
  tracks: TrackSpec[],
): Promise<MemberHealth[]> {
  const health: MemberHealth[] = [];
  for (const track of tracks) {
    for (const { environment } of track.members) {
      const releases = await ledger.releases({ repo, environment, limit: ENVIRONMENT_RELEASES });
      health.push({ track: track.name, environment, ...environmentHealth(releases) });
    }
  }
  return health;
}

function environmentHealth(releases: ReleaseRecord[]): Pick<MemberHealth, 'version' | 'healthySince'> {
  const live = releases
    .filter((r) => r.state === 'success' && r.version !== null)
    .sort((a, b) => (b.deploymentId ?? 0) - (a.deploymentId ?? 0) || b.id - a.id)[0];
  if (!live) return { version: null, healthySince: null };
  if (releases.some((r) => isActiveRelease(r.state))) return { version: live.version, healthySince: null };
  // A release that never got a deployment (refused, or GitHub said no) touched nothing.
  const finished = releases.filter((r) => r.deploymentId !== null).map((r) => r.finishedAt ?? 0);
  return { version: live.version, healthySince: Math.max(live.succeededAt ?? 0, ...finished) };
}

/** The service's versions, oldest first: the ledger's numbering, then first deployed. */
export async function versionOrder(
  ledger: Pick<Ledger, 'releases' | 'versions'>,
  repo: string,
  service: string,
): Promise<string[]> {
  const order = new Set((await ledger.versions(service)).map((v) => v.version));
  const releases = await ledger.releases({ repo, limit: ORDER_RELEASES });
  for (const release of releases.toReversed()) if (release.version !== null) order.add(release.version);
  return [...order];
}

/** Everything planPromotions needs for the repository's service at `now`. */
export async function botPromotionInput(
  ledger: TrackLedger,
  repo: string,
  service: string,
  tracks: TrackSpec[],
  now: number,
): Promise<PromotionInput> {
  const [health, versions, holds, verdicts] = await Promise.all([
    releaseHealth(ledger, repo, tracks),
    versionOrder(ledger, repo, service),
    trackHolds(ledger, service, now),
    ledger.verdicts(service),
  ]);
  return { tracks, health, versions, holds: [...holds.keys()], bad: badVersions(verdicts), now };
}

/** A track that is a ring of targets inside its environments (tracks[].targets). */
export function ringTracks(tracks: TrackSpec[]): string[] {
  return tracks.filter((t) => t.members.some((m) => m.targets !== undefined)).map((t) => t.name);
}
