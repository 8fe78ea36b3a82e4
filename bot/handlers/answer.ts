/**
 * Answers that are only a reply (help, status, a plan, a refusal): the delivery is claimed first,
 * so a redelivered webhook does not answer twice. A refusal is also logged, with its reason.
 */
import { type HandlerScope, loadedConfig } from '../bot-scope.ts';
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
  const body = `🙅 ${asSentence(message, configNames(scope))}`;
  if (options.claimed) await reply(scope, target.issueNumber, body);
  else await answer(scope, target, body);
}

/**
 * The refusal's first letter a capital when its first word is an ordinary word; a name keeps its
 * spelling (`shop has no version…`, `3 has a bad verdict`, `tranche.yml…`, `@mallory may not…`).
 * A name is any word with more than lowercase letters in it, or one tranche.yml gives something.
 */
function asSentence(message: string, names: ReadonlySet<string>): string {
  const first = (/^\S+/.exec(message)?.[0] ?? '').replace(/[:;,.?!]+$/, '');
  const ordinary = /^[a-z]+$/.test(first) && !names.has(first);
  return ordinary ? `${message.charAt(0).toUpperCase()}${message.slice(1)}` : message;
}

/** What tranche.yml names: the service, its environments and tracks, the services it requires. */
function configNames(scope: HandlerScope): Set<string> {
  const config = loadedConfig(scope)?.config;
  if (!config) return new Set();
  return new Set([
    config.service,
    ...Object.keys(config.environments),
    ...(config.tracks ?? []).map((t) => t.name),
    ...Object.keys(config.requires ?? {}),
  ]);
}
