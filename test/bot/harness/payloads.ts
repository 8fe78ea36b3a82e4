/**
 * Webhook payloads shaped like GitHub's: the examples GitHub's own webhook docs are built from
 * (@octokit/webhooks-examples), with the repository, the comment and the deployment changed to
 * the test's. An issue comment becomes a pull request comment by its `issue.pull_request` field.
 */
import { createRequire } from 'node:module';

export const OWNER = 'acme';
export const REPO = 'shop';
export const FULL_NAME = `${OWNER}/${REPO}`;
export const INSTALLATION_ID = 42;
export const HEAD_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
export const HTML_URL = `https://github.com/${FULL_NAME}`;

/** The repository's tranche.yml on its default branch. */
export const TRANCHE_YML = `service: shop
version: "{n}"
environments:
  staging:
    components:
      - name: app
        targets: [s-1]
        deploy: ./deploy.sh
  production:
    components:
      - name: app
        targets: [p-1, p-2, p-3, p-4]
        deploy: ./deploy.sh
        rollout: { first: 1, growth: 2, bake: 30s }
  eu:
    components:
      - name: app
        targets: [e-1]
        deploy: ./deploy.sh
`;

interface Example {
  name: string;
  examples: Record<string, unknown>[];
}

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as Example[];

function example(name: string, pick: (e: Record<string, unknown>) => boolean): Record<string, unknown> {
  const found = examples.find((e) => e.name === name)?.examples.find(pick);
  if (!found) throw new Error(`no ${name} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}

// biome-ignore lint/suspicious/noExplicitAny: example payloads are free-form JSON, edited field by field
type Json = Record<string, any>;

function withRepository(payload: Json, fullName: string): Json {
  const [owner = OWNER, name = REPO] = fullName.split('/');
  payload.repository = {
    ...payload.repository,
    name,
    full_name: fullName,
    html_url: `https://github.com/${fullName}`,
    url: `https://api.github.com/repos/${fullName}`,
    default_branch: 'main',
    owner: { ...payload.repository.owner, login: owner },
  };
  payload.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI=' };
  return payload;
}

function user(login: string, type: 'User' | 'Bot' = 'User'): Json {
  return {
    ...(example('issue_comment', (e) => e.action === 'created').sender as Json),
    login,
    type,
    id: login.length * 1000 + 7,
  };
}

export interface CommentOptions {
  body: string;
  login?: string;
  type?: 'User' | 'Bot';
  /** The pull request (or issue) number. */
  number?: number;
  commentId?: number;
  /** false: a comment on an issue, not a pull request. */
  pullRequest?: boolean;
  repo?: string;
}

/** issue_comment.created on a pull request, from GitHub's example with an installation. */
export function commentPayload(options: CommentOptions): Json {
  const payload = withRepository(
    example('issue_comment', (e) => e.action === 'created' && e.installation !== undefined),
    options.repo ?? FULL_NAME,
  );
  const number = options.number ?? 12;
  const author = user(options.login ?? 'alice', options.type);
  const repoApi = `https://api.github.com/repos/${options.repo ?? FULL_NAME}`;
  payload.issue = {
    ...payload.issue,
    number,
    url: `${repoApi}/issues/${number}`,
    html_url: `https://github.com/${options.repo ?? FULL_NAME}/pull/${number}`,
    ...(options.pullRequest === false
      ? {}
      : {
          pull_request: {
            url: `${repoApi}/pulls/${number}`,
            html_url: `https://github.com/${options.repo ?? FULL_NAME}/pull/${number}`,
            diff_url: `https://github.com/${options.repo ?? FULL_NAME}/pull/${number}.diff`,
            patch_url: `https://github.com/${options.repo ?? FULL_NAME}/pull/${number}.patch`,
            merged_at: null,
          },
        }),
  };
  delete payload.issue.pull_request_removed;
  if (options.pullRequest === false) delete payload.issue.pull_request;
  payload.comment = {
    ...payload.comment,
    id: options.commentId ?? 1001,
    body: options.body,
    user: author,
    performed_via_github_app: null,
  };
  payload.sender = author;
  return payload;
}

export interface StatusOptions {
  deploymentId: number;
  state: string;
  environment?: string;
  version?: string;
  rollback?: boolean;
  requestedBy?: string;
  sha?: string;
  description?: string;
  logUrl?: string;
  /** A payload without `tranche`: a deployment Tranche did not make. */
  foreign?: boolean;
}

/** deployment_status.created, from GitHub's example with an installation, as the Action posts it. */
export function statusPayload(options: StatusOptions): Json {
  const payload = withRepository(
    example('deployment_status', (e) => e.installation !== undefined && e.check_run === undefined),
    FULL_NAME,
  );
  const environment = options.environment ?? 'production';
  const api = `https://api.github.com/repos/${FULL_NAME}/deployments/${options.deploymentId}`;
  const logUrl = options.logUrl ?? `${HTML_URL}/actions/runs/7001`;
  payload.deployment = {
    ...payload.deployment,
    id: options.deploymentId,
    url: api,
    sha: options.sha ?? HEAD_SHA,
    ref: options.sha ?? HEAD_SHA,
    environment,
    original_environment: environment,
    payload: options.foreign
      ? {}
      : {
          tranche: {
            schemaVersion: 1,
            rollback: options.rollback ?? false,
            ...(options.version ? { version: options.version } : {}),
            ...(options.requestedBy ? { requestedBy: options.requestedBy } : {}),
          },
        },
    creator: user('tranche[bot]', 'Bot'),
  };
  payload.deployment_status = {
    ...payload.deployment_status,
    id: options.deploymentId * 10 + 1,
    state: options.state,
    environment,
    description: options.description ?? `${options.state}: tranche`,
    log_url: logUrl,
    target_url: logUrl,
    deployment_url: api,
    creator: user('github-actions[bot]', 'Bot'),
  };
  payload.sender = user('github-actions[bot]', 'Bot');
  return payload;
}
