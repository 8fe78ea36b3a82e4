/**
 * The bot's version source (src/release/version-source.ts), what it prepares its releases from
 * (src/release/prepare-release.ts): the shared ledger's verdicts and what runs beside, what is
 * live by its releases and the ledger's runs, and versions numbered the way the repository's
 * Action counts them (versions.ts: tags, or the ledger with `bot.versions: ledger`).
 */
import { ledgerSource } from '../../src/release/ledger-source.ts';
import type { VersionSource } from '../../src/release/version-source.ts';
import type { HandlerScope } from '../bot-scope.ts';
import { deploymentHistory } from './deployment-history.ts';
import { commitOfVersion } from './version-records.ts';
import { allocateVersion } from './versions.ts';

export function botSource(scope: HandlerScope): VersionSource {
  const source = ledgerSource(scope.deps.ledger, deploymentHistory(scope));
  return {
    ...source,
    nextVersion: (service, commit, template, now) =>
      allocateVersion(scope, scope.settings.versions, { service, commit: commit ?? '', template, now }),
    commitOf: (service, version) => commitOfVersion(scope, service, version),
  };
}
