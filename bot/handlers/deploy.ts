/**
 * /deploy and /rollback: check who asks and from where, settle the version and commit, then let
 * the ledger admit the release (start it, or queue it) in one transaction with the delivery's
 * claim, and act on what it decided.
 */

import { type HandlerScope, limitsOf } from '../bot-scope.ts';
import type { CommandOf } from '../commands/command-schema.ts';
import { changeRefusal } from '../decide/may-change.ts';
import { reply } from '../github/replies.ts';
import { pullRequestFacts, requesterRole } from '../github/requester.ts';
import { followAdvance, startRelease } from '../releases/start-release.ts';
import { knownVersionCommit, rollbackTarget, type VersionTarget } from '../releases/versions.ts';
import { renderReleaseReply } from '../render/release-reply.ts';
import { type CommentTarget, refuse } from './answer.ts';
import { configFor } from './environment-check.ts';

export interface Requester extends CommentTarget {
  login: string;
}

export async function deploy(
  scope: HandlerScope,
  command: CommandOf<'deploy'> | CommandOf<'rollback'>,
  requester: Requester,
): Promise<void> {
  const what = `/${command.name} ${command.environment}`;
  const config = configFor(scope, command.environment);
  if (!config.ok) return refuse(scope, requester, what, config.problem);
  const role = await requesterRole(scope, requester.login);
  const pullRequest = await pullRequestFacts(scope, requester.issueNumber);
  const refusal = changeRefusal(command.name, role, pullRequest, scope.settings.deployers);
  if (refusal) return refuse(scope, requester, what, refusal.message);

  const service = config.loaded.config.service;
  const target = await versionTarget(scope, command, service);
  if (typeof target === 'string') return refuse(scope, requester, what, target);

  const { ledger, now } = scope.deps;
  const admission = await ledger.admitRelease(
    {
      delivery: scope.delivery,
      repo: scope.fullName,
      installationId: scope.installationId,
      environment: command.environment,
      service,
      kind: command.name,
      version: target?.version ?? null,
      commit: target?.commit ?? pullRequest.headSha,
      requestedBy: requester.login,
      pullRequest: requester.issueNumber,
    },
    limitsOf(scope.settings),
    now(),
  );
  if (admission.outcome === 'duplicate') {
    scope.log.info(`delivery ${scope.delivery.id} was handled before; ${what} acts once`);
    return;
  }
  await followAdvance(scope, admission.advance);
  if (admission.outcome === 'started') return startRelease(scope, admission.release);
  scope.log.info(`release ${admission.release.id} queued: ${admission.blockedBy?.reason ?? 'waiting'}`);
  const body = renderReleaseReply(admission.release, {
    htmlUrl: scope.htmlUrl,
    blockedBy: admission.blockedBy,
    position: admission.position,
    prefix: scope.settings.prefix,
    concurrentReleases: scope.settings.concurrentReleases,
  });
  const commentId = await reply(scope, requester.issueNumber, body);
  await ledger.updateRelease(admission.release.id, { commentId }, now());
}

/**
 * The version and commit to deploy: a named version must be known (its commit is deployed, not
 * the pull request's); /rollback alone goes to the version live before the current one; /deploy
 * alone deploys the head commit as the next version (undefined). A string says what is wrong.
 */
async function versionTarget(
  scope: HandlerScope,
  command: CommandOf<'deploy'> | CommandOf<'rollback'>,
  service: string,
): Promise<VersionTarget | undefined | string> {
  if (command.version !== undefined) {
    const commit = await knownVersionCommit(scope, scope.settings.versions, service, command.version);
    if (commit === undefined) {
      const where =
        scope.settings.versions === 'ledger'
          ? 'in the ledger'
          : `as a tag tranche/${service}/${command.version}`;
      return `${service} has no version \`${command.version}\` ${where}; name a version that was deployed before`;
    }
    return { version: command.version, commit };
  }
  if (command.name === 'deploy') return undefined;
  const succeeded = await scope.deps.ledger.releases({
    repo: scope.fullName,
    environment: command.environment,
    succeeded: true,
    limit: 50,
  });
  return (
    rollbackTarget(succeeded) ??
    `there is no earlier good version of ${service} in **${command.environment}** to roll back to; name one with \`${scope.settings.prefix}rollback ${command.environment} to <version>\``
  );
}
