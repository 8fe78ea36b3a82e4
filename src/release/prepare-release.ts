/**
 * Prepare a release: the use case the CLI's deploy and the Action run before the engine does. It
 * reads what is live, settles the version and its commit (settle-version.ts), says what the
 * version declares (a deploy: the config's; a rollback: what it recorded) and asks the deploy
 * gate. The refusals are returned, not thrown, so that the Action can first create the deployment
 * it tells them to.
 */
import type { ReleaseConstraints } from '../engine/constraints.ts';
import { declaredConstraints, deployRefusals, type Refusal } from './deploy-gate.ts';
import { liveVersion } from './live-version.ts';
import { settleVersion, type VersionRequest } from './settle-version.ts';
import type { VersionSource } from './version-source.ts';

export interface PrepareRequest extends VersionRequest {
  environment: string;
  /** What today's config declares (a deploy's constraints). */
  configured: ReleaseConstraints | undefined;
}

export interface PreparedRelease {
  version: string;
  commit: string | null;
  constraints: ReleaseConstraints | undefined;
  /** The environment's live version before the release. */
  previousVersion: string | null;
  /** Why the gate refuses it; empty when it may go ahead. */
  refusals: Refusal[];
}

export async function prepareRelease(
  source: VersionSource,
  request: PrepareRequest,
): Promise<PreparedRelease> {
  const { service, environment, action } = request;
  const previousVersion = await liveVersion(source.history, service, environment);
  const { version, commit } = await settleVersion(source, request);
  const constraints = await declaredConstraints(source, { service, version, action }, request.configured);
  const refusals = await deployRefusals(source, { service, environment, version, constraints, action });
  return { version, commit, constraints, previousVersion, refusals };
}
