/**
 * /deploy and /rollback: check who asks and from where, settle the version and commit, refuse a
 * known version the deploy gate refuses (a bad verdict, an unmet dependency constraint), then let
 * the ledger admit the release (start it, or queue it) in one transaction with the delivery's
 * claim, and act on what it decided.
 */

import { badVersions } from '../../src/release/track-state.ts';
import type { HandlerScope } from '../bot-scope.ts';
import type { CommandOf } from '../commands/command-schema.ts';
import { changeRefusal } from '../decide/may-change.ts';
import { pullRequestFacts, requesterRole } from '../github/requester.ts';
import { admit } from '../releases/admit.ts';
import { releaseRefusal } from '../releases/release-gate.ts';
import { knownVersionCommit, type VersionTarget } from '../releases/versions.ts';
import { lastGoodVersion } from '../verdicts/rollback-targets.ts';
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

  if (target !== undefined) {
    const gate = await releaseRefusal(scope, {
      service,
      environment: command.environment,
      version: target.version,
      kind: command.name,
    });
    if (gate) return refuse(scope, requester, what, gate);
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
      version: target?.version ?? null,
      commit: target?.commit ?? pullRequest.headSha,
      requestedBy: requester.login,
      pullRequest: requester.issueNumber,
    },
    what,
  );
}

/**
 * The version and commit to deploy: a named version must be known (its commit is deployed, not
 * the pull request's); /rollback alone goes where the rollback rule says; /deploy
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
  return (
    (await rollbackTarget(scope, service, command.environment)) ??
    `there is no earlier good version of ${service} in **${command.environment}** to roll back to; name one with \`${scope.settings.prefix}rollback ${command.environment} to <version>\``
  );
}

/** Where /rollback without a version goes: the one rollback rule (src/release/rollback-target.ts). */
async function rollbackTarget(
  scope: HandlerScope,
  service: string,
  environment: string,
): Promise<VersionTarget | undefined> {
  const bad = new Set(badVersions(await scope.deps.ledger.verdicts(service)));
  return lastGoodVersion(scope, { service, environment, bad });
}
