/**
 * What an environment goes back to, by the one rollback rule read from the ledger
 * (src/release/rollback-target.ts), with the commit to deploy.
 */

import { ledgerRollback } from '../../src/release/rollback-target.ts';
import type { HandlerScope } from '../bot-scope.ts';
import { versionCommit } from '../releases/version-records.ts';
import type { VersionTarget } from '../releases/versions.ts';

/** What a rollback of the environment puts back, passing over the `bad` versions; undefined when nothing. */
export async function lastGoodVersion(
  scope: HandlerScope,
  request: { service: string; environment: string; bad: ReadonlySet<string> },
): Promise<VersionTarget | undefined> {
  const { target } = await ledgerRollback(
    scope.deps.ledger,
    request.service,
    request.environment,
    request.bad,
  );
  if (target === null) return undefined;
  const commit = target.commit ?? (await versionCommit(scope, request.service, target.version));
  return commit === undefined ? undefined : { version: target.version, commit };
}
