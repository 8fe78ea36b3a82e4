/**
 * /deploy and /rollback: check who asks and from where, prepare a named version (or the rollback
 * rule's) as every front door does (src/release/prepare-release.ts: its commit settled, the deploy
 * gate asked: a bad verdict, an unmet dependency constraint), then let the ledger admit the
 * release (start it, or queue it) in one transaction with the delivery's claim, and act on what
 * it decided.
 */

import { rollbackTarget } from '../../src/release/rollback-target.ts';
import { badVersions } from '../../src/release/track-state.ts';
import type { HandlerScope } from '../bot-scope.ts';
import type { CommandOf } from '../commands/command-schema.ts';
import { changeRefusal } from '../decide/may-change.ts';
import { pullRequestFacts, requesterRole } from '../github/requester.ts';
import { admit } from '../releases/admit.ts';
import { deploymentHistory } from '../releases/deployment-history.ts';
import { prepareBotRelease } from '../releases/prepare.ts';
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
  const version = await versionAsked(scope, command, service);
  if (typeof version === 'object') return refuse(scope, requester, what, version.refusal);

  // A named version (or the rollback rule's) is settled and gated now; the next one is numbered as it starts.
  let commit = pullRequest.headSha;
  if (version !== undefined) {
    const prepared = await prepareBotRelease(scope, config.loaded.config, {
      environment: command.environment,
      kind: command.name,
      version,
      commit: null,
    });
    if (typeof prepared === 'string') return refuse(scope, requester, what, prepared);
    commit = prepared.commit ?? commit;
  }
  await admit(
    scope,
    {
      delivery: scope.delivery,
      repo: scope.fullName,
      installationId: scope.installationId,
      environment: command.environment,
      service,
      kind: command.name,
      version: version ?? null,
      commit,
      requestedBy: requester.login,
      pullRequest: requester.issueNumber,
    },
    what,
  );
}

/**
 * The version asked for: a named one; /rollback alone, where the rollback rule says (a refusal
 * when it has nowhere to go); /deploy alone, the next version (undefined).
 */
async function versionAsked(
  scope: HandlerScope,
  command: CommandOf<'deploy'> | CommandOf<'rollback'>,
  service: string,
): Promise<string | undefined | { refusal: string }> {
  if (command.version !== undefined || command.name === 'deploy') return command.version;
  const bad = new Set(badVersions(await scope.deps.ledger.verdicts(service)));
  const target = await rollbackTarget(deploymentHistory(scope), {
    service,
    environment: command.environment,
    bad,
  });
  return (
    target?.version ?? {
      refusal: `there is no earlier good version of ${service} in **${command.environment}** to roll back to; name one with \`${scope.settings.prefix}rollback ${command.environment} to <version>\``,
    }
  );
}
