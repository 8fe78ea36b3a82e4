/** A SQLite or PostgreSQL ledger as a version source: it knows every service, verdicts included. */
import type { DeployLedger, Ledger } from '../ledger/types.ts';
import { runHistory } from './deployment-records.ts';
import { standingVerdict } from './fleet-verdicts.ts';
import { liveReleases, recordedConstraints } from './live-releases.ts';
import type { DeploymentHistory } from './live-version.ts';
import type { VersionSource } from './version-source.ts';

function hasVerdicts(ledger: DeployLedger): ledger is DeployLedger & Pick<Ledger, 'verdicts'> {
  return typeof (ledger as Partial<Ledger>).verdicts === 'function';
}

/**
 * `history`: where what is live is read; by default the ledger's runs, or with the bot's releases
 * of the service's repositories too (deployment-records.ts, ledgerHistory) where they count.
 */
export function ledgerSource(
  ledger: DeployLedger,
  history: DeploymentHistory = runHistory(ledger),
): VersionSource {
  return {
    ledger,
    history,
    nextVersion: (service, commit, template, now) => ledger.nextVersion(service, commit, template, now),
    knowsOtherServices: true,
    async commitOf(service, version) {
      return (await ledger.versions(service)).find((v) => v.version === version)?.commit;
    },
    async recordedConstraints(service, version) {
      return (await recordedConstraints(ledger, service, version)) ?? undefined;
    },
    async standingVerdict(service, version) {
      return hasVerdicts(ledger) ? standingVerdict(ledger, service, version) : undefined;
    },
    liveReleases(_service, environment) {
      return liveReleases(ledger, environment);
    },
  };
}
