/**
 * Answers that are only a reply (help, status, a plan, a refusal): the delivery is claimed first,
 * so a redelivered webhook does not answer twice. A refusal is also logged, with its reason.
 */
import type { HandlerScope } from '../bot-scope.ts';
import { reply } from '../github/replies.ts';

export interface CommentTarget {
  issueNumber: number;
}

/** Replies once per delivery; false when the delivery was handled before. */
export async function answer(scope: HandlerScope, target: CommentTarget, body: string): Promise<boolean> {
  if (!(await scope.deps.ledger.claimDelivery(scope.delivery))) {
    scope.log.info(`delivery ${scope.delivery.id} was handled before; not answering again`);
    return false;
  }
  await reply(scope, target.issueNumber, body);
  return true;
}

/**
 * A refusal: explained in a reply, and logged. Nothing else happens. A command that claimed its
 * delivery before acting (so that of two replicas given it, one acts and answers) says so with
 * `claimed`, and the reply does not claim it again.
 */
export async function refuse(
  scope: HandlerScope,
  target: CommentTarget,
  what: string,
  message: string,
  options: { claimed?: boolean } = {},
): Promise<void> {
  scope.log.info(`refused ${what} in ${scope.fullName}#${target.issueNumber}: ${message}`);
  const body = `🙅 ${message.charAt(0).toUpperCase()}${message.slice(1)}`;
  if (options.claimed) await reply(scope, target.issueNumber, body);
  else await answer(scope, target, body);
}
