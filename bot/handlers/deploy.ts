/**
 * /deploy and /rollback: check who asks and from where, then ask for the release as every front
 * door does (releases/request-release.ts), the pull request's head as the commit a deploy without
 * a version deploys; a refusal is the reply.
 */
import type { HandlerScope } from '../bot-scope.ts';
import type { CommandOf } from '../commands/command-schema.ts';
import { changeRefusal } from '../decide/may-change.ts';
import { pullRequestFacts, requesterRole } from '../github/requester.ts';
import { requestRelease } from '../releases/request-release.ts';
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

  const answer = await requestRelease(
    scope,
    {
      kind: command.name,
      service: config.loaded.config.service,
      environment: command.environment,
      version: command.version,
      commit: pullRequest.headSha,
      requestedBy: requester.login,
      pullRequest: requester.issueNumber,
    },
    what,
  );
  if (!answer.ok) await refuse(scope, requester, what, answer.refusal);
}
