/**
 * Where a bad version runs, and what each of those environments goes back to, by the one live
 * rule and the one rollback rule (src/release/live-version.ts, rollback-target.ts) over the bot's
 * releases and the ledger's runs.
 */

import { liveVersion } from '../../src/release/live-version.ts';
import { rollbackTarget } from '../../src/release/rollback-target.ts';
import type { HandlerScope } from '../bot-scope.ts';
import { deploymentHistory } from '../releases/deployment-history.ts';
import { versionCommit } from '../releases/version-records.ts';
import type { VersionTarget } from '../releases/versions.ts';

/** The environments (of tranche.yml) where `version` of `service` is live. */
export async function environmentsRunning(
  scope: HandlerScope,
  service: string,
  environments: string[],
  version: string,
): Promise<string[]> {
  const history = deploymentHistory(scope);
  const running: string[] = [];
  for (const environment of environments) {
    if ((await liveVersion(history, service, environment)) === version) running.push(environment);
  }
  return running;
}

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
