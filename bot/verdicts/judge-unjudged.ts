/**
 * The timer's verdicts: outcomes reach the ledger without the bot (`tranche report` into a shared
 * ledger, a bundle's import), so once a minute the versions with outcomes it has not judged yet
 * (the ledger's unjudged versions, marked as outcomes are recorded) are judged through their
 * repository (the first repository that owns their service, src/release/service-owner.ts, on
 * which the app is installed), and a bad verdict is acted on as if the
 * outcomes had come by webhook (react-to-verdict.ts: once, whichever replica gets there first).
 * A version is settled once judged, unless more outcomes came meanwhile; one whose judging failed
 * stays for the next sweep.
 */

import { configName } from '../../src/config/location.ts';
import type { UnjudgedVersion } from '../../src/ledger/fleet-types.ts';
import type { Ledger } from '../../src/ledger/types.ts';
import { serviceOwners } from '../../src/release/service-owner.ts';
import { type BotLog, type HandlerScope, loadedConfig } from '../bot-scope.ts';
import { judgeVersions } from './judge.ts';

export interface UnjudgedWork {
  /** `owner/repo`: a repository that owns the service. */
  repo: string;
  /** The app's installation on it. */
  installationId: number;
  service: string;
  versions: UnjudgedVersion[];
}

/** The app's installation on a repository; null when it is not installed there. */
export type InstallationOf = (repo: string) => Promise<number | null>;

/**
 * The unjudged versions per service, with the repository to judge them in. Those of a service
 * the bot has no repository for (nobody owns it, or the app is on none of its owners) are
 * settled: nothing can act on them, and their next outcome after that changes marks them again.
 */
export async function unjudgedWork(
  ledger: Ledger,
  log: BotLog,
  installationOf: InstallationOf,
): Promise<UnjudgedWork[]> {
  const byService = new Map<string, UnjudgedVersion[]>();
  for (const unjudged of await ledger.unjudgedVersions()) {
    byService.set(unjudged.service, [...(byService.get(unjudged.service) ?? []), unjudged]);
  }
  const work: UnjudgedWork[] = [];
  for (const [service, versions] of byService) {
    const home = await ownerHome(ledger, service, installationOf);
    if (home) {
      work.push({ ...home, service, versions });
      continue;
    }
    log.info(
      `outcomes of ${service} ${versions.map((v) => v.version).join(', ')}: no repository the app is installed on owns ${service}, so there is nowhere to act on a verdict; not judged`,
    );
    for (const version of versions) await ledger.settleUnjudged(version);
  }
  return work;
}

/** The first repository that owns the service on which the app is installed; null when none. */
async function ownerHome(
  ledger: Ledger,
  service: string,
  installationOf: InstallationOf,
): Promise<{ repo: string; installationId: number } | null> {
  for (const repo of await serviceOwners(ledger, service)) {
    const installationId = await installationOf(repo);
    if (installationId !== null) return { repo, installationId };
  }
  return null;
}

/** Judges the service's unjudged versions in its repository (scope), then settles them. */
export async function judgeUnjudged(scope: HandlerScope, work: UnjudgedWork): Promise<void> {
  const service = loadedConfig(scope)?.config.service;
  const versions = work.versions.map((v) => v.version);
  if (service === work.service) await judgeVersions(scope, work.service, versions);
  else {
    const why =
      service === undefined ? `has no valid ${configName(scope.deps.configPaths)}` : `now deploys ${service}`;
    scope.log.warn(
      `outcomes of ${work.service} ${versions.join(', ')}: ${scope.fullName} ${why}; not judged`,
    );
  }
  for (const version of work.versions) await scope.deps.ledger.settleUnjudged(version);
}
