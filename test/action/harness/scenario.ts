/** GitHub API interactions for the Action's end-to-end tests: what nock answers, and what it saw. */

export interface Interaction {
  method: 'GET' | 'POST' | 'PATCH';
  /** Path and query exactly as Octokit sends them. */
  path: string;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Answer with a list holding the deployment (this id) that the last `POST …/deployments` asked
   * for, as GitHub would list one it created although its answer to the POST was lost.
   */
  echoDeployment?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  status: number;
}

export interface Recording {
  requests: RecordedRequest[];
  /** Requests no interaction matched (refused by nock). */
  unmatched: string[];
  /** Interactions never used. */
  pending: string[];
}

export const OWNER = 'acme';
export const REPO = 'shop';
export const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const R = `/repos/${OWNER}/${REPO}`;

/** Builders for each endpoint Tranche calls, answering like GitHub does. */
export const gh = {
  createCheckRun: (id: number, status = 201): Interaction => ({
    method: 'POST',
    path: `${R}/check-runs`,
    status,
    body: status < 300 ? { id, name: 'tranche', status: 'in_progress' } : { message: 'Bad Gateway' },
  }),
  updateCheckRun: (id: number, status = 200): Interaction => ({
    method: 'PATCH',
    path: `${R}/check-runs/${id}`,
    status,
    body: status < 300 ? { id } : { message: 'Bad Gateway' },
  }),
  listDeployments: (
    environment: string,
    deployments: { id: number; version?: string; runId?: string }[],
    sha?: string,
  ): Interaction => ({
    method: 'GET',
    path: `${R}/deployments?${sha ? `sha=${sha}&` : ''}environment=${environment}&per_page=${sha ? 10 : 100}`,
    status: 200,
    body: deployments.map((d) => ({
      id: d.id,
      sha: SHA,
      environment,
      payload:
        d.version || d.runId
          ? { tranche: { schemaVersion: 1, version: d.version, rollback: false, runId: d.runId } }
          : {},
    })),
  }),
  listStatuses: (deploymentId: number, state: string | undefined): Interaction => ({
    method: 'GET',
    path: `${R}/deployments/${deploymentId}/statuses?per_page=1`,
    status: 200,
    body: state ? [{ id: deploymentId * 10, state }] : [],
  }),
  matchingTags: (service: string, versions: string[]): Interaction => ({
    method: 'GET',
    path: `${R}/git/matching-refs/${encodeURIComponent(`tags/tranche/${service}/`)}`,
    status: 200,
    body: versions.map((v) => ({
      ref: `refs/tags/tranche/${service}/${v}`,
      object: { sha: SHA, type: 'commit' },
    })),
  }),
  getTag: (service: string, version: string, sha = SHA): Interaction => ({
    method: 'GET',
    path: `${R}/git/ref/${encodeURIComponent(`tags/tranche/${service}/${version}`)}`,
    status: 200,
    body: { ref: `refs/tags/tranche/${service}/${version}`, object: { sha, type: 'commit' } },
  }),
  createTag: (status = 201): Interaction => ({
    method: 'POST',
    path: `${R}/git/refs`,
    status,
    body:
      status === 422 ? { message: 'Reference already exists' } : { ref: 'refs/tags/x', object: { sha: SHA } },
  }),
  createDeployment: (id: number, status = 201, headers?: Record<string, string>): Interaction => ({
    method: 'POST',
    path: `${R}/deployments`,
    status,
    body:
      status < 300
        ? { id, sha: SHA }
        : { message: status === 502 ? 'Bad Gateway' : 'You have exceeded a secondary rate limit' },
    ...(headers ? { headers } : {}),
  }),
  /** The look-up after a create whose outcome was unknown: the deployment the create made, or none. */
  findDeployment: (created: number | undefined): Interaction => ({
    method: 'GET',
    path: `${R}/deployments?sha=${SHA}&environment=prod&per_page=10`,
    status: 200,
    body: [],
    ...(created !== undefined ? { echoDeployment: created } : {}),
  }),
  createStatus: (deploymentId: number, status = 201, headers?: Record<string, string>): Interaction => ({
    method: 'POST',
    path: `${R}/deployments/${deploymentId}/statuses`,
    status,
    body: status < 300 ? { id: 1, state: 'x' } : { message: 'You have exceeded a secondary rate limit' },
    ...(headers ? { headers } : {}),
  }),
};

/**
 * What every rollout reports once its deployment exists: `in_progress`, one check-run update per
 * batch, the completed check run, the final status (and more for the caller to add).
 */
export function reports(options: { checkRun: number; deployment: number; batches: number }): Interaction[] {
  return [
    gh.createStatus(options.deployment),
    ...Array.from({ length: options.batches + 1 }, () => gh.updateCheckRun(options.checkRun)),
    gh.createStatus(options.deployment),
  ];
}

/** Version 1.1 of a service nothing was deployed or tagged for yet: no live deployment, no tag, tag 1.1. */
export function firstVersion(): Interaction[] {
  return [gh.listDeployments('prod', []), gh.matchingTags('shop', []), gh.createTag()];
}

/**
 * A run on a push to prod, where nothing is deployed yet and the tags stop at 1.2: check run 7,
 * tag 1.3, deployment 9, and the reports of a rollout in two batches (the test fleet's three
 * targets).
 */
export function firstRollout(): Interaction[] {
  return [
    gh.createCheckRun(7),
    gh.listDeployments('prod', []),
    gh.matchingTags('shop', ['1.1', '1.2']),
    gh.createTag(),
    gh.createDeployment(9),
    ...reports({ checkRun: 7, deployment: 9, batches: 2 }),
  ];
}
