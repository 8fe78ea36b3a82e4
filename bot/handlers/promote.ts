/**
 * /promote <version> [to <track>]: promotes now, skipping the bake but never a hold or a bad
 * verdict (engine/tracks.ts, requestPromotion), through the release queue like any promotion.
 * It is written down in the promotions table as done, so the timer does not promote the version
 * there again; a version whose earlier promotion did not stick (its deploy failed) is promoted
 * again, and one the timer is carrying out right now is left to it.
 *
 * The delivery is claimed before anything is scheduled or started: of two replicas given the
 * same /promote, the one that claims it promotes and answers, and the other stays silent (it
 * would otherwise find the first one's promotion claimed and refuse it as already under way).
 */
import { requestPromotion } from '../../src/engine/tracks.ts';
import type { PromotionKey } from '../../src/ledger/fleet-types.ts';
import { trackPromotedNotice } from '../../src/release/notices.ts';
import { type HandlerScope, releaseNotifier } from '../bot-scope.ts';
import type { CommandOf } from '../commands/command-schema.ts';
import { reply } from '../github/replies.ts';
import { PROMOTION_LEASE_MS } from '../tracks/advance-tracks.ts';
import { carryOut } from '../tracks/carry-out.ts';
import { botPromotionInput } from '../tracks/track-health.ts';
import { refuse } from './answer.ts';
import type { Requester } from './deploy.ts';
import { mayChange } from './may-change.ts';
import { tracksFor } from './tracks-check.ts';

export async function promote(scope: HandlerScope, command: CommandOf<'promote'>, requester: Requester) {
  const what = `/promote ${command.version}${command.to ? ` to ${command.to}` : ''}`;
  const configured = tracksFor(scope, command.to);
  if (!configured.ok) return refuse(scope, requester, what, configured.problem);
  if (!(await mayChange(scope, 'promote', requester, what))) return;
  const { service, tracks } = configured.tracks;
  const { ledger, now, replica } = scope.deps;
  const input = await botPromotionInput(ledger, scope.fullName, service, tracks, now());
  const decision = requestPromotion(input, { version: command.version, to: command.to });
  if (!decision.allowed) return refuse(scope, requester, what, decision.message);
  const { promotion } = decision;
  if (!(await ledger.claimDelivery(scope.delivery))) {
    scope.log.info(`delivery ${scope.delivery.id} was handled before; ${what} acts once`);
    return;
  }
  const key: PromotionKey = { service, version: promotion.version, toTrack: promotion.to };
  await ledger.schedulePromotion(
    {
      ...key,
      fromTrack: promotion.from,
      dueAt: promotion.dueAt,
      reason: promotion.message,
      repo: scope.fullName,
      installationId: scope.installationId,
    },
    now(),
  );
  const claimed = await ledger.claimPromotion(key, replica, PROMOTION_LEASE_MS, now());
  if (!claimed) {
    const [row] = (await ledger.promotions({ service })).filter(
      (p) => p.toTrack === key.toTrack && p.version === key.version,
    );
    if (row?.state === 'claimed') {
      const busy = `${key.version} is being promoted to ${key.toTrack} right now`;
      return refuse(scope, requester, what, busy, { claimed: true });
    }
  }
  const to = tracks.find((t) => t.name === promotion.to);
  const outcome = await carryOut(scope, {
    service,
    version: promotion.version,
    from: promotion.from,
    to: promotion.to,
    members: to?.members ?? [],
    requestedBy: requester.login,
    thread: requester.issueNumber,
    deliveryId: `promote:${scope.delivery.id}`,
  });
  if (claimed)
    await ledger.finishPromotion(key, replica, outcome.ok ? 'done' : 'failed', outcome.note, now());
  if (!outcome.ok) return refuse(scope, requester, what, outcome.note, { claimed: true });
  releaseNotifier(scope).notify(
    trackPromotedNotice({
      service,
      version: promotion.version,
      from: promotion.from,
      to: promotion.to,
      environments: to?.members.map((m) => m.environment) ?? [],
      who: requester.login,
      note: outcome.note,
      at: now(),
    }),
  );
  const environments =
    to?.members
      .map((m) => `**${m.environment}**${m.targets ? ` [${m.targets.join(', ')}]` : ''}`)
      .join(', ') ?? '';
  await reply(
    scope,
    requester.issueNumber,
    `⏩ Promoting \`${promotion.version}\` from **${promotion.from}** to **${promotion.to}** (${environments}), for @${requester.login}; each deployment reports here.`,
  );
}
