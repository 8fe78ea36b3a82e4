/**
 * The promotion planner's inputs (engine/tracks.ts) from the bot's own records: the releases it
 * started and the deployments it saw, which is all a bot knows whether or not the Action shares
 * its ledger. A member environment runs the version of its live release (by the one rule,
 * src/release/live-version.ts: the newest release that succeeded) and is healthy on it since the environment's latest release finished (a failed
 * attempt at something newer restarts the bake; one that never got a deployment does not), unless
 * a release is running there now.
 *
 * Releases may cover only some targets (a ring's promotion, payload.tranche.targets): each target
 * runs the version of the newest release that succeeded on it, a ring runs the version all its
 * targets run (ringVersionOf, as from the ledger's target states), and only releases that touch
 * the ring count for its health. A whole environment some of whose targets a newer release moved
 * to another version runs no one version.
 *
 * Versions are ordered as the ledger numbered them, then as the bot first saw them deployed
 * (tag-numbered versions are in no ledger): later means newer, so a promotion never goes back.
 * Holds are the CLI's (ledger locks `hold:<service>:<track>`); bad versions, those whose
 * standing verdict is bad.
 */
import type { MemberHealth, PromotionInput, TrackSpec } from '../../src/engine/tracks.ts';
import { isActiveRelease } from '../../src/ledger/release-queue.ts';
import type { Ledger, ReleaseRecord } from '../../src/ledger/types.ts';
import { liveOf, newestFirst, type Success } from '../../src/release/live-version.ts';
import { badVersions, ringVersionOf, trackHolds } from '../../src/release/track-state.ts';

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
    for (const { environment, targets } of track.members) {
      const releases = await ledger.releases({ repo, environment, limit: ENVIRONMENT_RELEASES });
      health.push({ track: track.name, environment, ...memberHealthOf(releases, targets) });
    }
  }
  return health;
}

/** One member's health from its environment's releases; `targets`: a ring's, undefined: all. */
function memberHealthOf(
  releases: ReleaseRecord[],
  targets: string[] | undefined,
): Pick<MemberHealth, 'version' | 'healthySince'> {
  const touching = targets
    ? releases.filter((r) => r.targets === null || r.targets.some((t) => targets.includes(t)))
    : releases;
  // Newest success first, by the live-version rule; an earlier success stays what its targets run once it is inactive.
  const succeeded = newestFirst(
    touching.flatMap((r) =>
      r.succeededAt !== null && r.version !== null
        ? [{ version: r.version, commit: r.commit, at: r.succeededAt, targets: r.targets }]
        : [],
    ),
  );
  const version = targets
    ? ringVersionOf(targetStates(succeeded, targets), targets)
    : wholeVersion(succeeded);
  if (version === null) return { version: null, healthySince: null };
  if (touching.some((r) => isActiveRelease(r.state))) return { version, healthySince: null };
  // A release that never got a deployment (refused, or GitHub said no) touched nothing.
  const finished = touching.filter((r) => r.deploymentId !== null).map((r) => r.finishedAt ?? 0);
  return { version, healthySince: Math.max(succeeded[0]?.at ?? 0, ...finished) };
}

/** A release that succeeded, as the live-version rule reads it, with the targets it went to (null: all). */
type SucceededRelease = Success & Pick<ReleaseRecord, 'targets'>;

/** What each of the targets runs: the version of the newest release that succeeded on it. */
function targetStates(succeeded: SucceededRelease[], targets: string[]) {
  return targets.flatMap((target) => {
    const version = succeeded.find((r) => r.targets === null || r.targets.includes(target))?.version;
    return version ? [{ target, version, goodVersion: version }] : [];
  });
}

/**
 * What every target of the environment runs: the live version of the releases over all of them
 * (release/live-version.ts), unless a newer one over some of them put another version there (then null).
 */
function wholeVersion(succeeded: SucceededRelease[]): string | null {
  const live = liveOf(succeeded.filter((r) => r.targets === null));
  const whole = live === null ? -1 : succeeded.indexOf(live);
  const version = live?.version ?? null;
  const partial = succeeded.slice(0, Math.max(whole, 0));
  return partial.every((r) => r.version === version) ? version : null;
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
