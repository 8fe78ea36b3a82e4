/**
 * What an environment goes back to, by the one rollback rule (src/release/rollback-target.ts) over
 * the bot's releases and the ledger's runs, with the commit to deploy.
 */

import { rollbackTarget } from '../../src/release/rollback-target.ts';
import type { HandlerScope } from '../bot-scope.ts';
import { deploymentHistory } from '../releases/deployment-history.ts';
import { versionCommit } from '../releases/version-records.ts';
import type { VersionTarget } from '../releases/versions.ts';

/** What a rollback of the environment puts back, passing over the `bad` versions; undefined when nothing. */
export async function lastGoodVersion(
  scope: HandlerScope,
  request: { service: string; environment: string; bad: ReadonlySet<string> },
): Promise<VersionTarget | undefined> {
  const target = await rollbackTarget(deploymentHistory(scope), request);
  if (target === null) return undefined;
  const commit = target.commit ?? (await versionCommit(scope, request.service, target.version));
  return commit === undefined ? undefined : { version: target.version, commit };
}
