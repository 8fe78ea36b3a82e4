/**
 * /hold and /unhold: a hold freezes a release track (nothing is promoted into or out of it) until
 * it is lifted, whoever set it. A hold is the CLI's (`tranche tracks hold`): a ledger lock
 * `hold:<service>:<track>` without a lease, taken or freed in one transaction with the delivery's
 * claim. After either, the timer's work runs at once (on-comment.ts): a hold cancels what was
 * scheduled, and a lifted one lets a due promotion go ahead.
 */

import type { LockRecord } from '../../src/ledger/types.ts';
import { trackHeldNotice } from '../../src/release/notices.ts';
import { type HoldOutcome, holdLockName, holdOutcome } from '../../src/release/track-state.ts';
import { type HandlerScope, releaseNotifier } from '../bot-scope.ts';
import type { CommandOf } from '../commands/command-schema.ts';
import { reply } from '../github/replies.ts';
import { followAdvance } from '../releases/start-release.ts';
import { actorText } from '../render/actor.ts';
import { userText } from '../render/user-text.ts';
import type { RepoTracks } from '../tracks/advance-tracks.ts';
import { refuse } from './answer.ts';
import type { Requester } from './deploy.ts';
import { freeLock } from './lock.ts';
import { mayChange } from './may-change.ts';
import { tracksFor } from './tracks-check.ts';

export async function hold(scope: HandlerScope, command: CommandOf<'hold'>, requester: Requester) {
  const what = `/hold ${command.track}`;
  const tracks = await trackService(scope, command.name, command.track, requester, what);
  if (tracks === null) return;
  const { service } = tracks;
  const { ledger, now } = scope.deps;
  const at = now();
  const outcome = await ledger.lockEnvironment(
    scope.delivery,
    holdLockName(service, command.track),
    requester.login,
    { reason: command.reason, data: { track: command.track, pullRequest: requester.issueNumber } },
    at,
  );
  if ('outcome' in outcome) {
    scope.log.info(`delivery ${scope.delivery.id} was handled before; ${what} acts once`);
    return;
  }
  const held = holdOutcome(outcome, at);
  if (held.held && !held.renewed) {
    const track = tracks.tracks.find((t) => t.name === command.track);
    releaseNotifier(scope).notify(
      trackHeldNotice({
        service,
        track: command.track,
        environments: track?.members.map((m) => m.environment) ?? [],
        who: requester.login,
        reason: command.reason,
        at,
      }),
    );
  }
  await reply(scope, requester.issueNumber, holdReply(scope, command.track, held));
}

function holdReply(scope: HandlerScope, track: string, held: HoldOutcome): string {
  const unhold = `\`${scope.settings.prefix}unhold ${track}\``;
  if (!held.held)
    return `⏸️ Track **${track}** is on hold already (${holdWords(held.heldBy)}); ${unhold} lifts it.`;
  if (held.renewed)
    return `⏸️ Track **${track}** was on hold already; it stays on hold (${holdWords(held.lock)}) until ${unhold}.`;
  return `⏸️ Track **${track}** is on hold (${holdWords(held.lock)}): nothing is promoted into or out of it until ${unhold}.`;
}

export async function unhold(scope: HandlerScope, command: CommandOf<'unhold'>, requester: Requester) {
  const what = `/unhold ${command.track}`;
  const tracks = await trackService(scope, command.name, command.track, requester, what);
  if (tracks === null) return;
  const outcome = await freeLock(scope, holdLockName(tracks.service, command.track), what);
  if (!outcome) return;
  const body = outcome.released
    ? `▶️ Track **${command.track}** is no longer on hold (it was held ${holdWords(outcome.released)}); promotions into and out of it go ahead.`
    : `▶️ Track **${command.track}** is not on hold; nothing to lift.`;
  await reply(scope, requester.issueNumber, body);
  await followAdvance(scope, outcome.advance);
}

/** The service and its tracks, once the track is known and the requester may change it; else null. */
async function trackService(
  scope: HandlerScope,
  name: 'hold' | 'unhold',
  track: string,
  requester: Requester,
  what: string,
): Promise<RepoTracks | null> {
  const tracks = tracksFor(scope, track);
  if (!tracks.ok) {
    await refuse(scope, requester, what, tracks.problem);
    return null;
  }
  return (await mayChange(scope, name, requester, what)) ? tracks.tracks : null;
}

/** `by @alice: flaky canaries, since 2026-12-01 09:00 UTC` */
function holdWords(lock: LockRecord): string {
  const reason = lock.reason ? `: ${userText(lock.reason)}` : '';
  const since = new Date(lock.acquiredAt).toISOString().slice(0, 16).replace('T', ' ');
  return `by ${actorText(lock.holder)}${reason}, since ${since} UTC`;
}
