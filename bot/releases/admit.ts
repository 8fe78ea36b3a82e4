/**
 * Asking the queue for a release (a person's /deploy, a promotion, a verdict's rollback): the
 * ledger admits it (starts it, or queues it) in one transaction with the delivery's claim; a
 * started one gets its deployment now, a queued one a ⏳ reply in its thread, and whatever the
 * same step expired or started is followed up.
 */
import type { ReleaseRecord, ReleaseRequest } from '../../src/ledger/types.ts';
import { type HandlerScope, limitsOf } from '../bot-scope.ts';
import { reply } from '../github/replies.ts';
import { renderReleaseReply } from '../render/release-reply.ts';
import { followAdvance, startRelease } from './start-release.ts';

/** The admitted release; null when its delivery was admitted before (`what` names it in the log). */
export async function admit(
  scope: HandlerScope,
  request: ReleaseRequest,
  what: string,
): Promise<ReleaseRecord | null> {
  const { ledger, now } = scope.deps;
  const admission = await ledger.admitRelease(request, limitsOf(scope.settings), now());
  if (admission.outcome === 'duplicate') {
    scope.log.info(`delivery ${request.delivery.id} was handled before; ${what} acts once`);
    return null;
  }
  await followAdvance(scope, admission.advance);
  if (admission.outcome === 'started') {
    await startRelease(scope, admission.release);
    return admission.release;
  }
  scope.log.info(`release ${admission.release.id} queued: ${admission.blockedBy?.reason ?? 'waiting'}`);
  if (admission.release.pullRequest === null) return admission.release;
  const body = renderReleaseReply(admission.release, {
    htmlUrl: scope.htmlUrl,
    blockedBy: admission.blockedBy,
    position: admission.position,
    prefix: scope.settings.prefix,
    concurrentReleases: scope.settings.concurrentReleases,
  });
  const commentId = await reply(scope, admission.release.pullRequest, body);
  return ledger.updateRelease(admission.release.id, { commentId }, now());
}
