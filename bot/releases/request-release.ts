/**
 * A person's deploy or rollback, however asked (a /deploy or /rollback comment, the dashboard's
 * buttons): settle the version and commit, refuse a known version the deploy gate refuses (a bad
 * verdict, an unmet dependency constraint), then let the ledger admit the release (start it, or
 * queue it) in one transaction with the request's claim, and act on what it decided. Who may ask
 * is the caller's check (decide/may-change.ts), made before this.
 */

import type { ReleaseKind, ReleaseRecord } from '../../src/ledger/types.ts';
import { badVersions } from '../../src/release/track-state.ts';
import type { HandlerScope } from '../bot-scope.ts';
import { lastGoodVersion } from '../verdicts/rollback-targets.ts';
import { admit } from './admit.ts';
import { releaseRefusal } from './release-gate.ts';
import { knownVersionCommit, type VersionTarget } from './versions.ts';

export interface ReleaseAsk {
  kind: ReleaseKind;
  service: string;
  environment: string;
  /** A known version to deploy or return to; a rollback without one goes where the rollback rule says. */
  version?: string | undefined;
  /** What a deploy without a version deploys, as the next version (a pull request's head commit). */
  commit?: string | undefined;
  requestedBy: string;
  pullRequest: number | null;
}

/** The admitted release (null: its request was admitted before), or why nothing was asked. */
export type ReleaseAnswer = { ok: true; release: ReleaseRecord | null } | { ok: false; refusal: string };

/** Asks the queue for the release; `what` names the request in the log. */
export async function requestRelease(
  scope: HandlerScope,
  ask: ReleaseAsk,
  what: string,
): Promise<ReleaseAnswer> {
  const target = await versionTarget(scope, ask);
  if (typeof target === 'string') return { ok: false, refusal: target };
  const commit = target?.commit ?? ask.commit;
  if (commit === undefined)
    return { ok: false, refusal: `a deploy of ${ask.service} names a version or a commit` };
  if (target !== undefined) {
    const gate = await releaseRefusal(scope, {
      service: ask.service,
      environment: ask.environment,
      version: target.version,
      kind: ask.kind,
    });
    if (gate) return { ok: false, refusal: gate };
  }
  const release = await admit(
    scope,
    {
      delivery: scope.delivery,
      repo: scope.fullName,
      installationId: scope.installationId,
      environment: ask.environment,
      service: ask.service,
      kind: ask.kind,
      version: target?.version ?? null,
      commit,
      requestedBy: ask.requestedBy,
      pullRequest: ask.pullRequest,
    },
    what,
  );
  return { ok: true, release };
}

/**
 * The version and commit to deploy: a named version must be known (its commit is deployed, not
 * the one asked with); a rollback alone goes where the rollback rule says; a deploy alone deploys
 * its commit as the next version (undefined). A string says what is wrong.
 */
async function versionTarget(
  scope: HandlerScope,
  ask: ReleaseAsk,
): Promise<VersionTarget | undefined | string> {
  const { service } = ask;
  if (ask.version !== undefined) {
    const commit = await knownVersionCommit(scope, scope.settings.versions, service, ask.version);
    if (commit === undefined) {
      const where =
        scope.settings.versions === 'ledger' ? 'in the ledger' : `as a tag tranche/${service}/${ask.version}`;
      return `${service} has no version \`${ask.version}\` ${where}; name a version that was deployed before`;
    }
    return { version: ask.version, commit };
  }
  if (ask.kind === 'deploy') return undefined;
  return (
    (await rollbackTarget(scope, service, ask.environment)) ??
    `there is no earlier good version of ${service} in **${ask.environment}** to roll back to; name one with \`${scope.settings.prefix}rollback ${ask.environment} to <version>\``
  );
}

/** Where a rollback without a version goes: the one rollback rule (src/release/rollback-target.ts). */
async function rollbackTarget(
  scope: HandlerScope,
  service: string,
  environment: string,
): Promise<VersionTarget | undefined> {
  const bad = new Set(badVersions(await scope.deps.ledger.verdicts(service)));
  return lastGoodVersion(scope, { service, environment, bad });
}
