/**
 * Release tracks (seed 003: "multiple layers of canaries"): an ordered list such as yolo →
 * canary → stable. A version enters the first track by being deployed; it moves on to the next
 * track once every environment of its track has been healthy on it for the track's bake (when
 * the next track's `promote` is `auto`), or when someone promotes it (`manual`).
 *
 * The promotion planner is a pure function of the tracks, what each track's environments run
 * and since when they have been healthy, the holds, the bad verdicts and `now`: it says which
 * promotions are due now, which are coming and when, and why anything else is not moving. The
 * bot persists what it schedules in the ledger's promotions table (schedulePromotion,
 * claimPromotion, finishPromotion), so timers survive a restart and fire once across replicas.
 */

import type { CanarySelection } from './categories.ts';
import { formatDuration } from './format-duration.ts';

export const PROMOTE_MODES = ['auto', 'manual'] as const;
export type PromoteMode = (typeof PROMOTE_MODES)[number];

export interface TrackMember {
  environment: string;
  /** The environment's targets that belong to the track (a label selector's matches); undefined: all. */
  targets?: string[] | undefined;
}

export interface TrackSpec {
  name: string;
  members: TrackMember[];
  /** How long every member must be healthy on a version before it is promoted to the next track. */
  bakeMs: number;
  /** How a version reaches this track from the previous one; the first track's is not used. */
  promote: PromoteMode;
  /** When categories chose the members (by environment labels): what each covers, for plans. */
  categories?: CanarySelection | undefined;
}

/** What one member of a track runs, and since when it has been healthy on it. */
export interface MemberHealth {
  track: string;
  environment: string;
  /** The version it runs everywhere (all its targets); null when nothing, or not one version. */
  version: string | null;
  /** Epoch ms since when it has run `version` healthily; null while it is not healthy (deploying, failing). */
  healthySince: number | null;
  /** The version a run in progress is deploying there; absent or null when none is. */
  deploying?: string | null | undefined;
}

export interface PromotionInput {
  tracks: TrackSpec[];
  health: MemberHealth[];
  /** The service's versions, oldest first (the ledger's counter order): later means newer. */
  versions: string[];
  /** Names of held tracks: nothing is promoted into or out of them. */
  holds: string[];
  /** Versions with a bad verdict: never promoted. */
  bad: string[];
  now: number;
}

export interface TrackState {
  track: string;
  /** The version every member runs; null when they run nothing or differ (see `mixed`). */
  version: string | null;
  /** Members run different versions (a promotion in progress, or a rollback on some). */
  mixed: boolean;
  /** When the last member became healthy on `version`; null unless all are healthy on it. */
  healthySince: number | null;
  /** When its bake on `version` is (or was) over; null unless all members are healthy on it. */
  bakedAt: number | null;
  held: boolean;
  /** The version a run in progress is deploying to one of its members; null when none is. */
  deploying: string | null;
}

export const PROMOTION_REASONS = ['baked', 'requested'] as const;
export type PromotionReason = (typeof PROMOTION_REASONS)[number];

export interface Promotion {
  version: string;
  from: string;
  to: string;
  /** When it is (or was) due: the from-track's bake over; `now` for a requested one. */
  dueAt: number;
  reason: PromotionReason;
  /** One line for people, e.g. `1.7 baked 1h on every environment of yolo`. */
  message: string;
}

export const BLOCK_REASONS = ['held', 'manual', 'bad_verdict', 'deploying', 'unhealthy', 'mixed'] as const;
export type BlockReason = (typeof BLOCK_REASONS)[number];

export interface Blocked {
  version: string | null;
  from: string;
  to: string;
  reason: BlockReason;
  /** For `manual`: when the bake is (or was) over. */
  bakedAt?: number | undefined;
  message: string;
}

export interface PromotionPlan {
  tracks: TrackState[];
  /** Promotions whose time has come (dueAt ≤ now), to be made now. */
  due: Promotion[];
  /** Automatic promotions that will be due once the bake is over, soonest first. */
  upcoming: Promotion[];
  /** The soonest of `upcoming`: when the next promotion is due; null when none is coming. */
  next: Promotion | null;
  /** Pairs of tracks where a version is waiting and will not move on its own, and why. */
  blocked: Blocked[];
}

/** What is due, what is coming and what is stuck; pure. */
export function planPromotions(input: PromotionInput): PromotionPlan {
  const states = input.tracks.map((track) => trackState(track, input));
  const due: Promotion[] = [];
  const upcoming: Promotion[] = [];
  const blocked: Blocked[] = [];
  for (let i = 0; i + 1 < input.tracks.length; i++) {
    const step = promotionStep(input, states, i);
    if (step === undefined) continue;
    if (isBlock(step)) blocked.push(step);
    else if (step.dueAt <= input.now) due.push(step);
    else upcoming.push(step);
  }
  upcoming.sort((a, b) => a.dueAt - b.dueAt);
  return { tracks: states, due, upcoming, next: upcoming[0] ?? null, blocked };
}

function isBlock(step: Promotion | Blocked): step is Blocked {
  return (BLOCK_REASONS as readonly string[]).includes(step.reason);
}

export interface ManualPromotion {
  version: string;
  /** The track to promote to; default: the one after the last track that runs the version. */
  to?: string | undefined;
}

export type ManualPromotionDecision =
  | { allowed: true; promotion: Promotion }
  | {
      allowed: false;
      reason: 'unknown_track' | 'not_on_a_track' | 'last_track' | 'already_there' | BlockReason;
      message: string;
    };

/**
 * `/promote <version> [to <track>]`: skips the bake, never a hold or a bad verdict. The version
 * must run on the track before the target track (or, without `to`, on some track but the last),
 * and not already on the target track (or something newer: a promotion never goes back).
 */
export function requestPromotion(input: PromotionInput, request: ManualPromotion): ManualPromotionDecision {
  const { version } = request;
  const states = input.tracks.map((track) => trackState(track, input));
  const on = states.map((s, i) => (s.version === version ? i : -1)).filter((i) => i >= 0);
  let to: number;
  if (request.to !== undefined) {
    to = input.tracks.findIndex((t) => t.name === request.to);
    if (to < 0) {
      const known = input.tracks.map((t) => t.name).join(', ');
      return {
        allowed: false,
        reason: 'unknown_track',
        message: `no track ${request.to} (tracks: ${known})`,
      };
    }
  } else {
    const last = on.at(-1);
    if (last === undefined) {
      return {
        allowed: false,
        reason: 'not_on_a_track',
        message: `${version} is on no track yet: deploy it first`,
      };
    }
    to = last + 1;
  }
  const toTrack = input.tracks[to];
  const fromTrack = input.tracks[to - 1];
  if (!toTrack || !fromTrack) {
    const reason = to === 0 ? 'not_on_a_track' : 'last_track';
    const message =
      to === 0
        ? `${version} reaches ${input.tracks[0]?.name} by a deploy, not a promotion`
        : `${version} is already on the last track`;
    return { allowed: false, reason, message };
  }
  if (states[to - 1]?.version !== version) {
    return {
      allowed: false,
      reason: 'not_on_a_track',
      message: `${version} does not run on every environment of ${fromTrack.name}, the track before ${toTrack.name}`,
    };
  }
  if (hasAtLeast(input, toTrack, version)) {
    return {
      allowed: false,
      reason: 'already_there',
      message: `every environment of ${toTrack.name} runs ${version} or a newer version already`,
    };
  }
  const refusal = refusalOf(input, version, fromTrack.name, toTrack.name);
  if (refusal) return { allowed: false, reason: refusal.reason, message: refusal.message };
  return {
    allowed: true,
    promotion: {
      version,
      from: fromTrack.name,
      to: toTrack.name,
      dueAt: input.now,
      reason: 'requested',
      message: `${version} promoted from ${fromTrack.name} to ${toTrack.name} on request`,
    },
  };
}

function trackState(track: TrackSpec, input: PromotionInput): TrackState {
  const members = track.members.map((m) =>
    input.health.find((h) => h.track === track.name && h.environment === m.environment),
  );
  const versions = new Set(members.map((m) => m?.version ?? null));
  const [only] = versions;
  const version = versions.size === 1 ? (only ?? null) : null;
  const healthy = version !== null && members.every((m) => m?.healthySince != null);
  const healthySince = healthy ? Math.max(...members.map((m) => m?.healthySince ?? 0)) : null;
  return {
    track: track.name,
    version,
    mixed: versions.size > 1,
    healthySince,
    bakedAt: healthySince === null ? null : healthySince + track.bakeMs,
    held: input.holds.includes(track.name),
    deploying: members.find((m) => m?.deploying)?.deploying ?? null,
  };
}

/** Whether every member of `state`'s track runs `version` or something newer. */
function hasAtLeast(input: PromotionInput, track: TrackSpec, version: string): boolean {
  const rank = input.versions.indexOf(version);
  return track.members.every((m) => {
    const running = input.health.find(
      (h) => h.track === track.name && h.environment === m.environment,
    )?.version;
    if (running == null) return false;
    return running === version || (rank >= 0 && input.versions.indexOf(running) > rank);
  });
}

function refusalOf(
  input: PromotionInput,
  version: string,
  from: string,
  to: string,
): { reason: BlockReason; message: string } | undefined {
  if (input.bad.includes(version)) {
    return { reason: 'bad_verdict', message: `${version} has a bad verdict: it is never promoted` };
  }
  const held = [from, to].filter((t) => input.holds.includes(t));
  if (held.length > 0) {
    return { reason: 'held', message: `${held.join(' and ')} ${held.length === 1 ? 'is' : 'are'} on hold` };
  }
  return undefined;
}

/** The promotion from track i to i + 1, if any version is waiting to make it; or why it cannot. */
function promotionStep(
  input: PromotionInput,
  states: TrackState[],
  i: number,
): Promotion | Blocked | undefined {
  const from = input.tracks[i] as TrackSpec;
  const to = input.tracks[i + 1] as TrackSpec;
  const state = states[i] as TrackState;
  const base = { from: from.name, to: to.name };
  // A run in progress comes first: until it ends, what the track runs is not settled.
  if (state.deploying !== null && !hasAtLeast(input, to, state.deploying)) {
    const where = from.members
      .filter((m) => healthOf(input, from, m.environment)?.deploying)
      .map((m) => m.environment);
    return {
      ...base,
      version: state.deploying,
      reason: 'deploying',
      message: `${state.deploying} is being deployed to ${where.join(', ')}`,
    };
  }
  if (state.mixed) {
    return {
      ...base,
      version: null,
      reason: 'mixed',
      message: `${from.name} runs more than one version (${runningText(input, from)})`,
    };
  }
  const version = state.version;
  if (version === null || hasAtLeast(input, to, version)) return undefined;
  const refusal = refusalOf(input, version, from.name, to.name);
  if (refusal) return { ...base, version, ...refusal };
  if (state.bakedAt === null) {
    const sick = from.members
      .filter(
        (m) =>
          input.health.find((h) => h.track === from.name && h.environment === m.environment)?.healthySince ==
          null,
      )
      .map((m) => m.environment);
    return {
      ...base,
      version,
      reason: 'unhealthy',
      message: `${version} is not healthy on ${sick.join(', ')}`,
    };
  }
  if (to.promote === 'manual') {
    return {
      ...base,
      version,
      reason: 'manual',
      bakedAt: state.bakedAt,
      message: `${to.name} is promoted to by hand`,
    };
  }
  return {
    ...base,
    version,
    dueAt: state.bakedAt,
    reason: 'baked',
    message: `${version} baked ${formatDuration(from.bakeMs)} on every environment of ${from.name}`,
  };
}

function healthOf(input: PromotionInput, track: TrackSpec, environment: string): MemberHealth | undefined {
  return input.health.find((h) => h.track === track.name && h.environment === environment);
}

function runningText(input: PromotionInput, track: TrackSpec): string {
  return track.members
    .map((m) => {
      const h = input.health.find((x) => x.track === track.name && x.environment === m.environment);
      return `${m.environment}: ${h?.version ?? 'nothing'}`;
    })
    .join(', ');
}
