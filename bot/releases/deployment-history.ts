/**
 * Where the bot reads what was deployed, for the live-version rule (src/release/live-version.ts):
 * its releases in the repository (admitted, or seen on GitHub) and the ledger's runs, so that a
 * version a CLI or Action run deployed through the shared ledger is live for the bot too. The
 * CLI and the Action read the same (deployment-records.ts, ledgerHistory).
 */
import type { ReleaseRecord } from '../../src/ledger/types.ts';
import { ledgerHistory } from '../../src/release/deployment-records.ts';
import { type DeploymentHistory, liveOf, type Success } from '../../src/release/live-version.ts';
import { type HandlerScope, loadedConfig } from '../bot-scope.ts';

export function deploymentHistory(scope: Pick<HandlerScope, 'deps' | 'fullName'>): DeploymentHistory {
  return ledgerHistory(scope.deps.ledger, [scope.fullName]);
}

/**
 * What is live where `release` finished, by the one rule over the bot's releases and the runs,
 * written down on the release; none when the release names no service and no config does.
 */
export async function liveAfter(
  scope: HandlerScope,
  release: ReleaseRecord,
): Promise<{ release: ReleaseRecord; live: Success | null }> {
  const service = release.service ?? loadedConfig(scope)?.config.service;
  const live =
    service === undefined
      ? null
      : liveOf(await deploymentHistory(scope).successes(service, release.environment));
  return { release: await scope.deps.ledger.setLiveVersion(release.id, live?.version ?? null), live };
}
