/**
 * GitHub deployments as the record of what runs where: finding the environment's live one, creating
 * one per run without ever creating two, and posting its statuses.
 */

import type { DeploymentHistory } from '../release/live-version.ts';
import { type GitHubClient, NO_RETRY, outcomeUnknown, type RepoRef, redactedMessage } from './client.ts';
import { parseDeploymentPayload, type TrancheDeployment } from './deployment-payload.ts';
import { cut, STATUS_DESCRIPTION_MAX } from './limits.ts';

/** Deployments of the environment listed (newest first, one request) when searching for the live one. */
export const LIVE_LIST_SIZE = 100;
/** Tranche deployments whose latest status is read, at most, before the search gives up. */
export const LIVE_SCAN_LIMIT = 30;
/** Deployments of the commit and environment searched for a run's own, newest first. */
const RUN_ID_SCAN = 10;
/** Attempts at creating a deployment whose earlier attempt's outcome was unknown. */
const CREATE_ATTEMPTS = 3;

export interface LiveDeployment {
  id: number;
  sha: string;
  /** The version its payload names; null for a deployment not made by Tranche. */
  version: string | null;
}

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export interface Logger {
  info(message: string): void;
  warning(message: string): void;
}

/** The live deployment could not be told apart from failed ones: deploying would leave no rollback target. */
export class LiveDeploymentUnknownError extends Error {
  override name = 'LiveDeploymentUnknownError';
}

/**
 * The environment's live deployment: the newest Tranche deployment whose latest status is
 * `success`; null when the environment has none. Costs one request for the list plus one per
 * Tranche deployment looked at (deployments made by others are skipped without a request). Throws
 * LiveDeploymentUnknownError when LIVE_SCAN_LIMIT Tranche deployments in a row did not succeed and
 * older ones remain: rolling out without knowing the good version would make rollback impossible.
 */
export async function findLiveDeployment(
  client: GitHubClient,
  repo: RepoRef,
  environment: string,
): Promise<LiveDeployment | null> {
  const { data } = await client.rest.repos.listDeployments({
    ...repo,
    environment,
    per_page: LIVE_LIST_SIZE,
  });
  let looked = 0;
  for (const [index, deployment] of data.entries()) {
    const version = payloadVersion(deployment.payload);
    if (version === undefined) continue;
    if (looked === LIVE_SCAN_LIMIT) {
      throw new LiveDeploymentUnknownError(
        `none of the newest ${LIVE_SCAN_LIMIT} Tranche deployments of ${environment} succeeded and ${data.length - index} older ones were not read: ` +
          'without the live version a failed deploy could not be rolled back; mark the live deployment with a success status, or use a SQLite or PostgreSQL ledger',
      );
    }
    looked += 1;
    const { data: statuses } = await client.rest.repos.listDeploymentStatuses({
      ...repo,
      deployment_id: deployment.id,
      per_page: 1,
    });
    if (statuses[0]?.state === 'success') return { id: deployment.id, sha: deployment.sha, version };
  }
  if (data.length === LIVE_LIST_SIZE && looked > 0) {
    throw new LiveDeploymentUnknownError(
      `none of the newest ${LIVE_LIST_SIZE} deployments of ${environment} is a successful Tranche deployment, and older ones were not read: ` +
        'without the live version a failed deploy could not be rolled back; use a SQLite or PostgreSQL ledger',
    );
  }
  return null;
}

/**
 * The environment's live deployment, found by findLiveDeployment, as a deployment history: GitHub
 * is read newest first and the search stops at the first success, so older ones are left out
 * (nothing older can be the live one). The history is of that one environment and service.
 */
export function liveDeploymentHistory(live: LiveDeployment | null): DeploymentHistory {
  return {
    async successes() {
      return live?.version ? [{ version: live.version, commit: live.sha, at: 0 }] : [];
    },
  };
}

/** The version a deployment's payload names; undefined when it is not a Tranche deployment. */
function payloadVersion(payload: unknown): string | undefined {
  try {
    if (payload === null || typeof payload !== 'object' || !('tranche' in payload)) return undefined;
    return parseDeploymentPayload(payload).version;
  } catch {
    return undefined;
  }
}

export interface NewDeployment {
  sha: string;
  environment: string;
  /** Names this run: finds the deployment again when a create's outcome is unknown. */
  payload: { tranche: TrancheDeployment & { runId: string } };
  description: string;
  transientEnvironment?: boolean | undefined;
  productionEnvironment?: boolean | undefined;
  /**
   * Status checks GitHub verifies on the commit before it creates the deployment: `'all'` for
   * GitHub's default (every one); default none, as the Action deploys after its own checks ran.
   */
  requiredContexts?: readonly string[] | 'all' | undefined;
}

/**
 * Create the run's deployment. Creating twice is not harmless (two deployments of one run), so the
 * retry plugin is off for it: when an attempt ends without an answer or with a 5xx, the deployment
 * may exist anyway, and it is looked up by the run id in its payload before trying again.
 */
export async function createDeployment(
  client: GitHubClient,
  repo: RepoRef,
  request: NewDeployment,
  log: Logger,
): Promise<number> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
    if (attempt > 1) {
      const found = await findByRunId(client, repo, request);
      if (found !== undefined) {
        log.info(`the deployment was created after all (id ${found}); using it`);
        return found;
      }
    }
    try {
      const { data } = await client.rest.repos.createDeployment({
        ...repo,
        ref: request.sha,
        environment: request.environment,
        task: 'deploy',
        auto_merge: false,
        ...(request.requiredContexts === 'all'
          ? {}
          : { required_contexts: [...(request.requiredContexts ?? [])] }),
        payload: request.payload,
        description: cut(request.description, STATUS_DESCRIPTION_MAX),
        ...(request.transientEnvironment !== undefined
          ? { transient_environment: request.transientEnvironment }
          : {}),
        ...(request.productionEnvironment !== undefined
          ? { production_environment: request.productionEnvironment }
          : {}),
        ...NO_RETRY,
      });
      if (!('id' in data))
        throw new Error(`GitHub did not create the deployment: ${data.message ?? 'no reason given'}`);
      return data.id;
    } catch (error) {
      if (!outcomeUnknown(error)) throw error;
      lastError = error;
      log.warning(
        `creating the deployment failed without a clear answer (${redactedMessage(error)}); checking whether it exists`,
      );
    }
  }
  throw lastError;
}

async function findByRunId(
  client: GitHubClient,
  repo: RepoRef,
  request: NewDeployment,
): Promise<number | undefined> {
  const { data } = await client.rest.repos.listDeployments({
    ...repo,
    sha: request.sha,
    environment: request.environment,
    per_page: RUN_ID_SCAN,
  });
  const runId = request.payload.tranche.runId;
  return data.find((d) => {
    const payload = d.payload as { tranche?: { runId?: unknown } } | null;
    return typeof payload === 'object' && payload?.tranche?.runId === runId;
  })?.id;
}

export interface StatusUpdate {
  state: DeploymentState;
  description: string;
  logUrl?: string | undefined;
  /** Where the environment is reached: GitHub's "View deployment" link. */
  environmentUrl?: string | undefined;
}

/** Post a deployment status; the description is cut to GitHub's 140 characters. */
export async function postDeploymentStatus(
  client: GitHubClient,
  repo: RepoRef,
  deploymentId: number,
  update: StatusUpdate,
): Promise<void> {
  await client.rest.repos.createDeploymentStatus({
    ...repo,
    deployment_id: deploymentId,
    state: update.state,
    description: cut(update.description, STATUS_DESCRIPTION_MAX),
    ...(update.logUrl ? { log_url: update.logUrl } : {}),
    ...(update.environmentUrl ? { environment_url: update.environmentUrl } : {}),
  });
}

/**
 * Marks an environment's earlier successful deployments inactive once `version` succeeded there:
 * GitHub does so itself only outside production environments, and only the newest should show
 * as active.
 */
export async function markSuperseded(
  client: GitHubClient,
  repo: RepoRef,
  deploymentIds: readonly number[],
  version: string | null,
): Promise<void> {
  for (const deploymentId of deploymentIds) {
    await postDeploymentStatus(client, repo, deploymentId, {
      state: 'inactive',
      description: `superseded by ${version ?? 'a newer deployment'}`,
    });
  }
}
