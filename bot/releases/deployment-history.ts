/**
 * Where the bot reads what was deployed, for the live-version rule (src/release/live-version.ts):
 * its releases in the repository (admitted, or seen on GitHub) and the ledger's runs, so that a
 * version a CLI or Action run deployed through the shared ledger is live for the bot too.
 */

import type { Ledger } from '../../src/ledger/types.ts';
import { releaseHistory, runHistory } from '../../src/release/deployment-records.ts';
import { combinedHistory, type DeploymentHistory } from '../../src/release/live-version.ts';

/** `scope.deps.ledger`: the bot's ledger, or a read snapshot of it (Ledger.read). */
export function deploymentHistory(scope: {
  deps: { ledger: Pick<Ledger, 'releases' | 'runs'> };
  fullName: string;
}): DeploymentHistory {
  return combinedHistory(releaseHistory(scope.deps.ledger, scope.fullName), runHistory(scope.deps.ledger));
}
