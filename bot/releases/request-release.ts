/**
 * A person's deploy or rollback, however asked (a /deploy or /rollback comment, the dashboard's
 * buttons): prepare a named version (or the rollback rule's) as every front door does
 * (src/release/prepare-release.ts: its commit settled, the deploy gate asked: a bad verdict, an
 * unmet dependency constraint), then let the ledger admit the release (start it, or queue it) in
 * one transaction with the request's claim, and act on what it decided. Who may ask
 * is the caller's check (decide/may-change.ts), made before this.
 */

import type { ReleaseKind, ReleaseRecord } from '../../src/ledger/types.ts';
import { ledgerRollback } from '../../src/release/rollback-target.ts';
import { type HandlerScope, loadedConfig } from '../bot-scope.ts';
import { admit } from './admit.ts';
import { prepareBotRelease } from './prepare.ts';

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
  const loaded = loadedConfig(scope);
  if (!loaded) return { ok: false, refusal: `${ask.service} has no valid tranche.yml on the default branch` };
  const version = await versionAsked(scope, ask);
  if (typeof version === 'object') return { ok: false, refusal: version.refusal };
  // A named version (or the rollback rule's) is settled and gated now; the next one is numbered as it starts.
  let commit = ask.commit;
  if (version !== undefined) {
    const prepared = await prepareBotRelease(scope, loaded.config, {
      environment: ask.environment,
      kind: ask.kind,
      version,
      commit: null,
    });
    if (typeof prepared === 'string') return { ok: false, refusal: prepared };
    commit = prepared.commit ?? commit;
  }
  if (commit === undefined)
    return { ok: false, refusal: `a deploy of ${ask.service} names a version or a commit` };
  const release = await admit(
    scope,
    {
      delivery: scope.delivery,
      repo: scope.fullName,
      installationId: scope.installationId,
      environment: ask.environment,
      service: ask.service,
      kind: ask.kind,
      version: version ?? null,
      commit,
      requestedBy: ask.requestedBy,
      pullRequest: ask.pullRequest,
    },
    what,
  );
  return { ok: true, release };
}

/**
 * The version asked for: a named one; a rollback alone, where the rollback rule says (a refusal
 * when it has nowhere to go); a deploy alone, the next version (undefined).
 */
async function versionAsked(
  scope: HandlerScope,
  ask: ReleaseAsk,
): Promise<string | undefined | { refusal: string }> {
  if (ask.version !== undefined || ask.kind === 'deploy') return ask.version;
  const { service, environment } = ask;
  const { target } = await ledgerRollback(scope.deps.ledger, service, environment);
  return (
    target?.version ?? {
      refusal: `there is no earlier good version of ${service} in **${environment}** to roll back to; name one with \`${scope.settings.prefix}rollback ${environment} to <version>\``,
    }
  );
}
