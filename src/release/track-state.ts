/**
 * The promotion planner's inputs from the ledger (engine/tracks.ts): what each track member runs
 * and since when it has been healthy, the holds, the bad versions and the version order. What
 * `tranche tracks` shows and what the bot's promotion timers feed planPromotions with.
 *
 * Health from the ledger: a member runs its environment's live version (the latest successful
 * run's) — or, for a member that is a ring of targets, the version all its targets run as their
 * good version, and likewise for a whole environment when its targets are given — and is healthy on it since the environment's latest finished run ended, provided
 * no run is in progress there now (a deploy in progress is not healthy yet; one whose process died
 * before a later run finished is not in progress: release/deployment-records.ts runsInProgress), and
 * shows the version that run deploys; a whole environment stays on its live version meanwhile. A failed
 * attempt to deploy something newer restarts the bake of the version that stayed.
 *
 * Holds are ledger locks named `hold:<service>:<track>` held until released (no lease): the
 * same mechanism as an operator's lock, so a hold survives restarts and shows who set it and why.
 */
import type { TargetState } from '../engine/ports.ts';
import type { MemberHealth, PromotionInput, TrackMember, TrackSpec } from '../engine/tracks.ts';
import { effectiveVerdict } from '../engine/verdict.ts';
import type { VerdictRecord } from '../ledger/fleet-types.ts';
import type { Ledger, LockOutcome, LockRecord } from '../ledger/types.ts';
import { runSuccesses, runsInProgress } from './deployment-records.ts';
import { liveOf } from './live-version.ts';

export function holdLockName(service: string, track: string): string {
  return `hold:${service}:${track}`;
}

/**
 * What holding a track did. Someone else's hold stays theirs and is reported (`held: false`);
 * holding a track one already holds keeps the hold, from when it was first set, with the new
 * reason (`renewed: true`).
 */
export type HoldOutcome =
  | { held: true; lock: LockRecord; renewed: boolean }
  | { held: false; heldBy: LockRecord };

/** The hold rule (see HoldOutcome), read from taking the hold's lock at `now`. */
export function holdOutcome(outcome: LockOutcome, now: number): HoldOutcome {
  if (!outcome.acquired) return { held: false, heldBy: outcome.heldBy };
  return { held: true, lock: outcome.lock, renewed: outcome.lock.acquiredAt < now };
}

/** Puts the track on hold for `by` (see HoldOutcome). */
export async function holdTrack(
  ledger: Pick<Ledger, 'acquireLock'>,
  request: { service: string; track: string; by: string; reason: string; now: number },
): Promise<HoldOutcome> {
  const outcome = await ledger.acquireLock(
    holdLockName(request.service, request.track),
    request.by,
    { reason: request.reason, data: { track: request.track } },
    request.now,
  );
  return holdOutcome(outcome, request.now);
}

/** Releases the track's hold, whoever set it; null when it was not on hold. */
export function releaseTrack(
  ledger: Pick<Ledger, 'forceReleaseLock'>,
  service: string,
  track: string,
): Promise<LockRecord | null> {
  return ledger.forceReleaseLock(holdLockName(service, track));
}

/** The service's holds at `now`, by track name. */
export async function trackHolds(
  ledger: Pick<Ledger, 'locks'>,
  service: string,
  now: number,
): Promise<Map<string, LockRecord>> {
  const prefix = holdLockName(service, '');
  const holds = new Map<string, LockRecord>();
  for (const lock of await ledger.locks(now)) {
    if (lock.name.startsWith(prefix)) holds.set(lock.name.slice(prefix.length), lock);
  }
  return holds;
}

/**
 * What every member of every track runs, and since when it has been healthy on it.
 * `environmentTargets` (each environment's targets in the config): a whole environment then runs
 * the version all its targets run, as a ring does, so one that a ring's deploy moved only partly
 * runs no one version; without it (or without target states), its live version.
 */
export async function memberHealth(
  ledger: Pick<Ledger, 'runs' | 'targetStates'>,
  service: string,
  tracks: TrackSpec[],
  environmentTargets?: ReadonlyMap<string, readonly string[]>,
): Promise<MemberHealth[]> {
  const health: MemberHealth[] = [];
  for (const track of tracks) {
    for (const member of track.members) {
      const runs = await ledger.runs({ service, environment: member.environment });
      const live = liveOf(runSuccesses(runs))?.version ?? null;
      const [deploying] = runsInProgress(runs);
      const lastFinished = runs.find((r) => r.finishedAt !== null)?.finishedAt ?? null;
      // While a run moves a whole environment, its targets run no one version: it stays on the live one.
      const all = deploying ? undefined : environmentTargets?.get(member.environment);
      const version = await memberVersion(ledger, service, member, live, all);
      health.push({
        track: track.name,
        environment: member.environment,
        version,
        healthySince: version !== null && !deploying ? lastFinished : null,
        deploying: deploying?.version ?? null,
      });
    }
  }
  return health;
}

/** A ring's version from the target states; a whole environment's, too, when its targets are known. */
async function memberVersion(
  ledger: Pick<Ledger, 'targetStates'>,
  service: string,
  member: TrackMember,
  live: string | null,
  environmentTargets: readonly string[] | undefined,
): Promise<string | null> {
  const ring = member.targets ?? environmentTargets;
  if (ring === undefined) return live;
  const states = await ledger.targetStates(service, member.environment);
  if (member.targets === undefined && !states.some((s) => ring.includes(s.target))) return live;
  return ringVersionOf(states, ring);
}

/**
 * The version every target of the ring runs as its verified (good) version, from per-target
 * states (the ledger's, or the bot's from its releases); null when they differ, one runs a
 * version not verified yet, or none of them has a state.
 */
export function ringVersionOf(
  states: readonly Pick<TargetState, 'target' | 'version' | 'goodVersion'>[],
  targets: readonly string[],
): string | null {
  const wanted = new Set(targets);
  const ring = states.filter((s) => wanted.has(s.target));
  const versions = new Set(ring.map((s) => (s.version === s.goodVersion ? s.version : null)));
  const [only] = versions;
  return ring.length > 0 && versions.size === 1 ? (only ?? null) : null;
}

/** Everything planPromotions needs, read from the ledger at `now` (environmentTargets: see memberHealth). */
export async function promotionInput(
  ledger: Pick<Ledger, 'runs' | 'targetStates' | 'locks' | 'versions' | 'verdicts'>,
  service: string,
  tracks: TrackSpec[],
  now: number,
  environmentTargets?: ReadonlyMap<string, readonly string[]>,
): Promise<PromotionInput> {
  const [health, holds, versions, verdicts] = await Promise.all([
    memberHealth(ledger, service, tracks, environmentTargets),
    trackHolds(ledger, service, now),
    ledger.versions(service),
    ledger.verdicts(service),
  ]);
  return {
    tracks,
    health,
    versions: versions.map((v) => v.version),
    holds: [...holds.keys()],
    bad: badVersions(verdicts),
    now,
  };
}

/** The versions whose standing verdict (effectiveVerdict) is bad, from a service's verdict log. */
export function badVersions(verdicts: readonly VerdictRecord[]): string[] {
  const byVersion = Map.groupBy(verdicts, (v) => v.version);
  return [...byVersion].filter(([, records]) => effectiveVerdict(records)?.verdict === 'bad').map(([v]) => v);
}
