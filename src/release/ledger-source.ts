/** A SQLite or PostgreSQL ledger as a version source: it knows every service, verdicts included. */
import type { DeployLedger, Ledger } from '../ledger/types.ts';
import { runHistory } from './deployment-records.ts';
import { standingVerdict } from './fleet-verdicts.ts';
import { liveReleases, recordedConstraints } from './live-releases.ts';
import type { VersionSource } from './version-source.ts';

function hasVerdicts(ledger: DeployLedger): ledger is DeployLedger & Pick<Ledger, 'verdicts'> {
  return typeof (ledger as Partial<Ledger>).verdicts === 'function';
}

export function ledgerSource(ledger: DeployLedger): VersionSource {
  return {
    ledger,
    history: runHistory(ledger),
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
