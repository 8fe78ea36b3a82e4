/** /status and /help: answers from the ledger and the command registry, in one reply. */
import { isRepositoryLock } from '../../src/ledger/release-locks.ts';
import type { HandlerScope } from '../bot-scope.ts';
import type { CommandOf } from '../commands/command-schema.ts';
import { renderHelp } from '../render/help-reply.ts';
import { renderStatusReply } from '../render/status-reply.ts';
import { answer, type CommentTarget } from './answer.ts';

/** Releases /status reads: the newest, enough for every environment's live one and the queue. */
const STATUS_RELEASES = 500;

export async function status(
  scope: HandlerScope,
  command: CommandOf<'status'>,
  target: CommentTarget,
): Promise<void> {
  const { ledger, now } = scope.deps;
  const releases = await ledger.releases({ repo: scope.fullName, limit: STATUS_RELEASES });
  const locks = (await ledger.locks(now())).filter((l) => isRepositoryLock(scope.fullName, l.name));
  const body = renderStatusReply({
    repo: scope.fullName,
    htmlUrl: scope.htmlUrl,
    environment: command.environment,
    releases,
    locks,
    concurrentReleases: scope.settings.concurrentReleases,
  });
  await answer(scope, target, body);
}

export async function help(
  scope: HandlerScope,
  command: CommandOf<'help'>,
  target: CommentTarget,
): Promise<void> {
  await answer(scope, target, renderHelp(scope.settings.prefix, command.topic));
}
