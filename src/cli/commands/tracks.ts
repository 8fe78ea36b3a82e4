/**
 * `tranche tracks`: which version is on which release track, since when it has been healthy
 * there, what is due to be promoted (and when the next promotion is due), and what is stuck and
 * why. Reads the ledger; promotes nothing (the bot does, or a deploy to the next track's
 * environments). `tranche tracks hold <track>` and `release <track>` set and lift a hold.
 */
import { resolveTracks } from '../../config/resolve.ts';
import { listedTargets } from '../../config/targets.ts';
import { type Blocked, type PromotionPlan, planPromotions, type TrackSpec } from '../../engine/tracks.ts';
import { actingName } from '../../release/actor.ts';
import { trackHeldNotice } from '../../release/notices.ts';
import { holdTrack, promotionInput, releaseTrack, trackHolds } from '../../release/track-state.ts';
import { trackCoverageLines } from '../../render/canary-coverage.ts';
import { elapsedText } from '../../render/format.ts';
import { notifyOnce } from '../notify.ts';
import { type CommonOptions, loadProject, type Project, withLedger } from '../project.ts';
import { type Runtime, UsageError } from '../runtime.ts';
import { isoTime, table } from '../table.ts';

/** Exit codes: 0; 2 bad config or usage (no tracks configured). */
export async function tracksCommand(options: CommonOptions, runtime: Runtime): Promise<number> {
  const project = await loadProject(options, runtime);
  const tracks = configuredTracks(project, options);
  const service = project.loaded.config.service;
  const now = Date.now();
  const { plan, holds } = await withLedger(
    options,
    runtime,
    project.dir,
    async (ledger) => ({
      plan: planPromotions(await promotionInput(ledger, service, tracks, now, environmentTargets(project))),
      holds: await trackHolds(ledger, service, now),
    }),
    'read',
  );
  if (options.json) {
    const held = Object.fromEntries([...holds].map(([track, lock]) => [track, lock]));
    runtime.stdout.write(`${JSON.stringify({ service, now, ...plan, holds: held }, null, 2)}\n`);
    return 0;
  }
  runtime.stdout.write(`${renderTracks(service, tracks, plan, now).join('\n')}\n`);
  return 0;
}

/** Each environment's targets: a whole environment a ring's deploy moved only partly runs no one version. */
export function environmentTargets(project: Project): Map<string, string[]> {
  return new Map(
    Object.entries(project.loaded.config.environments).map(([name, environment]) => [
      name,
      environment.components.flatMap((c) => listedTargets(c.targets).map((t) => t.name)),
    ]),
  );
}

function configuredTracks(project: Project, options: CommonOptions): TrackSpec[] {
  const tracks = resolveTracks(project.loaded.config);
  if (tracks.length === 0) throw new UsageError(`${options.config} defines no tracks`);
  return tracks;
}

export function renderTracks(
  service: string,
  tracks: TrackSpec[],
  plan: PromotionPlan,
  now: number,
): string[] {
  const rows = [['track', 'environments', 'version', 'healthy since', 'baked', 'promote']];
  plan.tracks.forEach((state, i) => {
    const track = tracks[i] as TrackSpec;
    const baked =
      state.bakedAt === null ? '-' : state.bakedAt <= now ? 'yes' : `in ${elapsedText(state.bakedAt - now)}`;
    rows.push([
      `${state.track}${state.held ? ' (HELD)' : ''}`,
      track.members.map((m) => m.environment + (m.targets ? `[${m.targets.length}]` : '')).join(', '),
      (state.version ?? (state.mixed ? 'mixed' : '-')) +
        (state.deploying ? ` (deploying ${state.deploying})` : ''),
      isoTime(state.healthySince),
      baked,
      i === 0 ? 'deploy' : track.promote,
    ]);
  });
  const lines = [`${service} tracks`, ...table(rows[0] as string[], rows.slice(1)).split('\n')];
  for (const p of plan.due) lines.push(`due now: ${p.version} ${p.from} → ${p.to} (${p.message})`);
  lines.push(
    plan.next
      ? `next promotion: ${plan.next.version} ${plan.next.from} → ${plan.next.to} at ${isoTime(plan.next.dueAt)} (in ${elapsedText(plan.next.dueAt - now)})`
      : 'next promotion: none scheduled',
  );
  for (const b of plan.blocked) lines.push(`waiting: ${b.from} → ${b.to}: ${b.message}${byHand(tracks, b)}`);
  for (const track of tracks)
    if (track.categories) lines.push(...trackCoverageLines(track.name, track.categories));
  return lines;
}

/**
 * How to promote by hand from here: a deploy of the version to each environment of the track; a
 * track of some targets of an environment (a ring) only the bot's `/promote` deploys.
 */
function byHand(tracks: TrackSpec[], blocked: Blocked): string {
  if (blocked.reason !== 'manual' || blocked.version === null) return '';
  const members = tracks.find((t) => t.name === blocked.to)?.members ?? [];
  if (members.some((m) => m.targets)) return `: the bot's /promote ${blocked.version} to ${blocked.to}`;
  return `: ${members.map((m) => `tranche deploy -e ${m.environment} --version ${blocked.version}`).join('; ')}`;
}

export interface HoldOptions extends CommonOptions {
  reason?: string | undefined;
  by?: string | undefined;
}

/** `tranche tracks hold <track> --reason …`: exit 0 held (or already one's own: its reason replaced); 1 someone else holds it; 2 usage. */
export async function holdCommand(track: string, options: HoldOptions, runtime: Runtime): Promise<number> {
  const project = await loadProject(options, runtime);
  knownTrack(configuredTracks(project, options), track);
  const reason = options.reason?.trim();
  if (!reason) throw new UsageError('hold needs --reason: say why, so others know');
  const by = actingName(options.by, runtime.env);
  const service = project.loaded.config.service;
  const outcome = await withLedger(options, runtime, project.dir, (ledger) =>
    holdTrack(ledger, { service, track, by, reason, now: Date.now() }),
  );
  if (outcome.held && !outcome.renewed) {
    const members = configuredTracks(project, options).find((t) => t.name === track)?.members ?? [];
    const environments = members.map((m) => m.environment);
    await notifyOnce(project, runtime, options, (notifier) =>
      notifier.notify(
        trackHeldNotice({ service, track, environments, who: by, reason, at: outcome.lock.acquiredAt }),
      ),
    );
  }
  if (outcome.held && outcome.renewed) {
    const since = isoTime(outcome.lock.acquiredAt);
    runtime.stdout.write(
      `${track} was already on hold by ${by} (since ${since}); its reason is now: ${reason}\n`,
    );
    return 0;
  }
  if (outcome.held) {
    runtime.stdout.write(`${track} is on hold (${by}: ${reason}); nothing is promoted into or out of it\n`);
    return 0;
  }
  const { holder, reason: why, acquiredAt } = outcome.heldBy;
  runtime.stdout.write(`${track} is already on hold: ${holder} since ${isoTime(acquiredAt)}: ${why ?? ''}\n`);
  return 1;
}

/** `tranche tracks release <track>`: exit 0 released (or was not held); 2 usage. */
export async function releaseCommand(
  track: string,
  options: CommonOptions,
  runtime: Runtime,
): Promise<number> {
  const project = await loadProject(options, runtime);
  knownTrack(configuredTracks(project, options), track);
  const service = project.loaded.config.service;
  const released = await withLedger(options, runtime, project.dir, (ledger) =>
    releaseTrack(ledger, service, track),
  );
  runtime.stdout.write(
    released ? `${track} is no longer on hold (was ${released.holder}'s)\n` : `${track} was not on hold\n`,
  );
  return 0;
}

function knownTrack(tracks: TrackSpec[], track: string): void {
  if (!tracks.some((t) => t.name === track)) {
    throw new UsageError(`no track ${track}; tracks: ${tracks.map((t) => t.name).join(', ')}`);
  }
}
