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

/** A refusal: explained in a reply, and logged. Nothing else happens. */
export async function refuse(
  scope: HandlerScope,
  target: CommentTarget,
  what: string,
  message: string,
): Promise<void> {
  scope.log.info(`refused ${what} in ${scope.fullName}#${target.issueNumber}: ${message}`);
  await answer(scope, target, `🙅 ${message.charAt(0).toUpperCase()}${message.slice(1)}`);
}
