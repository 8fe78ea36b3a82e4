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

/** The id of the next comment whose test names none: each comment has its own, as on GitHub. */
let nextCommentId = 1001;

/** The next comment without an id of its own is 1001 again (each test starts here). */
export function resetCommentIds(): void {
  nextCommentId = 1001;
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
    id: options.commentId ?? nextCommentId++,
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
  /** `owner/repo` the deployment is in; default acme/shop. */
  repo?: string;
}

const STATUS_STATES = ['pending', 'queued', 'in_progress', 'success', 'failure', 'error', 'inactive'];

/** deployment_status.created, from GitHub's example with an installation, as the Action posts it. */
export function statusPayload(options: StatusOptions): Json {
  const payload = withRepository(
    example('deployment_status', (e) => e.installation !== undefined && e.check_run === undefined),
    options.repo ?? FULL_NAME,
  );
  const environment = options.environment ?? 'production';
  const api = `https://api.github.com/repos/${options.repo ?? FULL_NAME}/deployments/${options.deploymentId}`;
  const logUrl = options.logUrl ?? `https://github.com/${options.repo ?? FULL_NAME}/actions/runs/7001`;
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
    // A status of its own per state: GitHub gives every status posted its own id.
    id: options.deploymentId * 10 + STATUS_STATES.indexOf(options.state) + 1,
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

export interface CheckRunOptions {
  id: number;
  name: string;
  conclusion: string;
  sha?: string;
}

/** check_run.completed, from GitHub's example, with an installation. */
export function checkRunPayload(options: CheckRunOptions): Json {
  const payload = withRepository(
    example('check_run', (e) => e.action === 'completed'),
    FULL_NAME,
  );
  payload.check_run = {
    ...payload.check_run,
    id: options.id,
    name: options.name,
    head_sha: options.sha ?? HEAD_SHA,
    status: 'completed',
    conclusion: options.conclusion,
  };
  return payload;
}

export interface WorkflowRunOptions {
  id: number;
  name: string;
  path?: string;
  conclusion: string;
  attempt?: number;
  sha?: string;
}

/** workflow_run.completed, from GitHub's example, with an installation. */
export function workflowRunPayload(options: WorkflowRunOptions): Json {
  const payload = withRepository(
    example(
      'workflow_run',
      (e) => e.action === 'completed' && (e as Json).workflow_run?.conclusion === 'success',
    ),
    FULL_NAME,
  );
  payload.workflow_run = {
    ...payload.workflow_run,
    id: options.id,
    name: options.name,
    path: options.path ?? `.github/workflows/${options.name}.yml`,
    head_sha: options.sha ?? HEAD_SHA,
    status: 'completed',
    conclusion: options.conclusion,
    run_attempt: options.attempt ?? 1,
  };
  return payload;
}

export interface ProtectionRuleOptions {
  environment: string;
  runId: number;
  sha?: string;
  /** The deployment's payload: GitHub's own deployment of a workflow job has none. */
  payload?: unknown;
  /** Another repository's callback (which the bot must not answer). */
  callbackRepo?: string;
}

/**
 * deployment_protection_rule.requested, as GitHub's webhook reference documents it (the examples
 * package has none): the environment, the callback that reviews the run, the deployment.
 */
export function protectionRulePayload(options: ProtectionRuleOptions): Json {
  const base = withRepository(
    example('deployment_status', (e) => e.installation !== undefined && e.check_run === undefined),
    FULL_NAME,
  );
  const callbackRepo = options.callbackRepo ?? FULL_NAME;
  return {
    action: 'requested',
    environment: options.environment,
    event: 'push',
    deployment_callback_url: `https://api.github.com/repos/${callbackRepo}/actions/runs/${options.runId}/deployment_protection_rule`,
    deployment: {
      ...base.deployment,
      sha: options.sha ?? HEAD_SHA,
      ref: 'main',
      environment: options.environment,
      payload: options.payload ?? {},
    },
    repository: base.repository,
    installation: base.installation,
    sender: base.sender,
  };
}
