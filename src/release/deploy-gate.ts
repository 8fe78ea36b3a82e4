/**
 * The check before any deploy or rollback (the CLI's, the Action's through github-deploy.ts, and
 * the bot's, including its deployment protection rule): is the version's verdict bad, and would
 * the environment break one of its dependency constraints? Each refusal names the exact reason.
 */
import {
  type ConstraintCheck,
  type LiveRelease,
  type ReleaseConstraints,
  type UnmetKind,
  unmetConstraints,
} from '../engine/constraints.ts';
import type { VerdictRecord } from '../ledger/fleet-types.ts';
import type { VersionSource } from './version-source.ts';

export interface DeployRequest {
  service: string;
  environment: string;
  version: string;
  /** What the version declares: the config's for a deploy, what it recorded for a rollback (none: undefined). */
  constraints?: ReleaseConstraints | undefined;
  action: 'deploy' | 'rollback';
}

export interface Refusal {
  kind: 'bad_verdict' | UnmetKind;
  message: string;
}

/** A deploy or rollback the gate refused; its message lists every refusal. */
export class DeployRefusedError extends Error {
  override name = 'DeployRefusedError';
  readonly refusals: Refusal[];

  constructor(
    request: Pick<DeployRequest, 'service' | 'version' | 'environment' | 'action'>,
    refusals: Refusal[],
  ) {
    const what = request.action === 'rollback' ? 'roll back to' : 'deploy';
    super(
      `refusing to ${what} ${request.service} ${request.version} in ${request.environment}: ${refusals.map((r) => r.message).join('; ')}`,
    );
    this.refusals = refusals;
  }
}

/**
 * Every reason to refuse, from what the version source knows: the standing verdict and what runs
 * in the environment (a source that keeps no record of other services, `ledger: github`, checks
 * only what it knows). Empty when the deploy may go ahead.
 */
export async function deployRefusals(source: VersionSource, request: DeployRequest): Promise<Refusal[]> {
  const verdict = await source.standingVerdict(request.service, request.version);
  const live = await source.liveReleases(request.service, request.environment);
  return refusalsOf(request, verdict, live, source.knowsOtherServices);
}

/**
 * What the version declares at the gate: a deploy, what today's config says (`configured`); a
 * rollback, what the older version declared when it was deployed, since the config has moved on.
 */
export async function declaredConstraints(
  source: Pick<VersionSource, 'recordedConstraints'>,
  request: Pick<DeployRequest, 'service' | 'version' | 'action'>,
  configured: ReleaseConstraints | undefined,
): Promise<ReleaseConstraints | undefined> {
  return request.action === 'rollback'
    ? source.recordedConstraints(request.service, request.version)
    : configured;
}

/** Throws DeployRefusedError when the gate refuses the deploy (see deployRefusals). */
export async function assertDeployAllowed(source: VersionSource, request: DeployRequest): Promise<void> {
  const refusals = await deployRefusals(source, request);
  if (refusals.length > 0) throw new DeployRefusedError(request, refusals);
}

function refusalsOf(
  request: DeployRequest,
  verdict: VerdictRecord | undefined,
  live: LiveRelease[],
  history: boolean,
): Refusal[] {
  const refusals: Refusal[] = [];
  if (verdict?.verdict === 'bad') refusals.push({ kind: 'bad_verdict', message: badVerdictText(verdict) });
  const check: ConstraintCheck = {
    service: request.service,
    version: request.version,
    environment: request.environment,
    // A version that declares nothing must still satisfy what other live services require of it.
    constraints: request.constraints ?? { requires: {} },
    live,
    history,
  };
  refusals.push(...unmetConstraints(check));
  return refusals;
}

/** `its verdict is bad (recorded 2026-12-01T20:00:00Z by tranche verdict): 1.7 failed 4.10 % of 600 outcomes, …` */
export function badVerdictText(verdict: VerdictRecord): string {
  const when = new Date(verdict.at).toISOString().replace('.000Z', 'Z');
  const who = verdict.actor ? ` by ${verdict.actor}` : '';
  return `its verdict is bad (recorded ${when}${who}): ${verdict.message}`;
}
