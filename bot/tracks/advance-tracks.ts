/**
 * The promotion timer's work for one repository, on every webhook for it (the lazy check) and
 * on the bot process's sweep: plan (engine/tracks.ts) from the bot's records, write down in the
 * ledger's promotions table what is due or coming (so the timer survives a restart), cancel what
 * is scheduled but no longer planned (a hold, a bad verdict, a newer version), then claim each
 * due promotion with a lease and carry it out. Only the replica whose claim wins carries one out,
 * so a promotion fires once with any number of replicas; a claim whose holder died runs out and
 * is taken over. A promotion carried out is done for good: when its deployment fails the version
 * stays where it was, and `/promote` tries again.
 */
import { resolveTracks } from '../../src/config/resolve.ts';
import { type PromotionPlan, planPromotions, type TrackSpec } from '../../src/engine/tracks.ts';
import type { PromotionKey, PromotionRecord } from '../../src/ledger/fleet-types.ts';
import { trackPromotedNotice } from '../../src/release/notices.ts';
import { type HandlerScope, loadedConfig, releaseNotifier } from '../bot-scope.ts';
import { BOT_ACTORS } from '../render/actor.ts';
import { carryOut } from './carry-out.ts';
import { botPromotionInput } from './track-health.ts';

/** How long a replica holds a promotion it claimed before another may take it over. */
export const PROMOTION_LEASE_MS = 5 * 60_000;

export interface RepoTracks {
  service: string;
  tracks: TrackSpec[];
}

/** The repository's service and tracks; null when it has none. */
export function repoTracks(scope: HandlerScope): RepoTracks | null {
  const loaded = loadedConfig(scope);
  if (!loaded) return null;
  const tracks = resolveTracks(loaded.config);
  if (tracks.length === 0) return null;
  return { service: loaded.config.service, tracks };
}

export async function advanceTracks(scope: HandlerScope): Promise<void> {
  const configured = repoTracks(scope);
  if (!configured) return;
  const { ledger, now, replica } = scope.deps;
  const { service, tracks } = configured;
  const at = now();
  const plan = planPromotions(await botPromotionInput(ledger, scope.fullName, service, tracks, at));
  for (const p of [...plan.due, ...plan.upcoming]) {
    await ledger.schedulePromotion(
      {
        service,
        version: p.version,
        fromTrack: p.from,
        toTrack: p.to,
        dueAt: p.dueAt,
        reason: p.message,
        repo: scope.fullName,
        installationId: scope.installationId,
      },
      at,
    );
  }
  await cancelUnplanned(scope, service, plan, at);
  const due = await ledger.promotions({ service, states: ['scheduled', 'claimed'], dueBy: at });
  for (const promotion of due) {
    // A scheduled one the plan does not have appeared since cancelUnplanned looked: another
    // replica's /promote, about to claim it itself. A claim whose holder died is taken over.
    if (promotion.state === 'scheduled' && !plan.due.some((p) => same(promotion, p))) continue;
    const claimed = await ledger.claimPromotion(promotion, replica, PROMOTION_LEASE_MS, at);
    if (claimed) await fire(scope, configured, plan, claimed);
  }
}

/** Scheduled promotions the plan no longer has (due or coming) are cancelled, saying why. */
async function cancelUnplanned(scope: HandlerScope, service: string, plan: PromotionPlan, at: number) {
  const planned = [...plan.due, ...plan.upcoming];
  for (const scheduled of await scope.deps.ledger.promotions({ service, states: ['scheduled'] })) {
    if (planned.some((p) => same(scheduled, p))) continue;
    const blocked = plan.blocked.find((b) => b.version === scheduled.version && b.to === scheduled.toTrack);
    const why = blocked?.message ?? `${scheduled.version} is no longer due for ${scheduled.toTrack}`;
    await scope.deps.ledger.cancelPromotion(scheduled, why, at);
    scope.log.info(`promotion of ${service} ${scheduled.version} to ${scheduled.toTrack} cancelled: ${why}`);
  }
}

/** Carries out a promotion this replica claimed, if the plan still has it due; then finishes it. */
async function fire(
  scope: HandlerScope,
  configured: RepoTracks,
  plan: PromotionPlan,
  claimed: PromotionRecord,
) {
  const { ledger, now, replica } = scope.deps;
  const { service, tracks } = configured;
  const to = tracks.find((t) => t.name === claimed.toTrack);
  const outcome =
    to && plan.due.some((p) => same(claimed, p))
      ? await carryOut(scope, {
          service,
          version: claimed.version,
          from: claimed.fromTrack,
          to: to.name,
          members: to.members,
          requestedBy: BOT_ACTORS.promotion,
          deliveryId: `promotion:${scope.fullName}:${service}:${claimed.version}:${claimed.toTrack}`,
        })
      : { ok: false as const, note: `${claimed.version} is no longer due for ${claimed.toTrack}` };
  await ledger.finishPromotion(claimed, replica, outcome.ok ? 'done' : 'failed', outcome.note, now());
  if (outcome.ok && to) {
    const promoted = { service, version: claimed.version, from: claimed.fromTrack, to: to.name };
    releaseNotifier(scope).notify(
      trackPromotedNotice({
        ...promoted,
        environments: to.members.map((m) => m.environment),
        who: BOT_ACTORS.promotion,
        note: outcome.note,
        at: now(),
      }),
    );
  }
  const how = outcome.ok ? 'promoted' : 'not promoted';
  scope.log.info(
    `${service} ${claimed.version} ${how} from ${claimed.fromTrack} to ${claimed.toTrack}: ${outcome.note}`,
  );
}

function same(key: PromotionKey, p: { version: string; to: string }): boolean {
  return key.version === p.version && key.toTrack === p.to;
}
