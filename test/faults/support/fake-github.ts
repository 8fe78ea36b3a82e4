/**
 * The part of GitHub's REST API Tranche calls, kept as state: check runs, deployments with their
 * statuses, and tags. A request changes the state as GitHub would and gets GitHub's answer, so a
 * fault injected at any request leaves a state the invariants can be checked on afterwards.
 */

export interface FakeCheckRun {
  id: number;
  name: string;
  headSha: string;
  externalId: string | undefined;
  status: string;
  conclusion: string | null;
}

export interface FakeDeployment {
  id: number;
  sha: string;
  environment: string;
  payload: unknown;
  /** Oldest first. */
  statuses: string[];
}

export interface GitHubState {
  checkRuns: FakeCheckRun[];
  /** Oldest first. */
  deployments: FakeDeployment[];
  /** Tag name (refs/tags/…) → commit. */
  tags: Record<string, string>;
  nextId: number;
  /** What only the bot reads and writes: absent for the Action. */
  bot?: BotState;
}

/** The repository as the bot sees it: files on the default branch, people's roles, pull requests, its comments. */
export interface BotState {
  /** Path → text, on the default branch. */
  files: Record<string, string>;
  /** Login → role name (read, triage, write, maintain, admin). */
  roles: Record<string, string>;
  /** Pull request number → head commit. */
  pulls: Record<number, string>;
  /** Comments the bot posted, oldest first. */
  comments: { id: number; issue: number; body: string }[];
  /** Reactions the bot put on comments: comment id → contents. */
  reactions: Record<number, string[]>;
  /** Issues the bot opened, oldest first (numbered from the state's ids, as comments are). */
  issues?: { number: number; title: string; body: string }[];
  /** Commit statuses the bot set: commit → `context: state`, oldest first. */
  commitStatuses?: Record<string, string[]>;
}

export interface Answer {
  status: number;
  body: unknown;
}

const REPO_PATH = /^\/repos\/[^/]+\/[^/]+/;

export function emptyGitHub(): GitHubState {
  return { checkRuns: [], deployments: [], tags: {}, nextId: 100 };
}

/** One request against the state: the state is changed in place, GitHub's answer returned. */
export function answer(state: GitHubState, method: string, url: string, body: unknown): Answer | undefined {
  const parsed = new URL(url, 'https://api.github.com');
  const path = decodeURIComponent(parsed.pathname).replace(REPO_PATH, '');
  const query = parsed.searchParams;
  const input = (body ?? {}) as Record<string, unknown>;
  const route = ROUTES.find((r) => r.method === method && r.path.test(path));
  return route?.handle(state, path.match(route.path) ?? [], query, input);
}

type Handler = (
  state: GitHubState,
  match: RegExpMatchArray | string[],
  query: URLSearchParams,
  body: Record<string, unknown>,
) => Answer;

const ROUTES: { method: string; path: RegExp; handle: Handler }[] = [
  { method: 'POST', path: /^\/check-runs$/, handle: createCheckRun },
  { method: 'PATCH', path: /^\/check-runs\/(\d+)$/, handle: updateCheckRun },
  { method: 'GET', path: /^\/commits\/([^/]+)\/check-runs$/, handle: listCheckRuns },
  { method: 'GET', path: /^\/deployments$/, handle: listDeployments },
  { method: 'POST', path: /^\/deployments$/, handle: createDeployment },
  { method: 'GET', path: /^\/deployments\/(\d+)\/statuses$/, handle: listStatuses },
  { method: 'POST', path: /^\/deployments\/(\d+)\/statuses$/, handle: createStatus },
  { method: 'GET', path: /^\/git\/matching-refs\/(.+)$/, handle: matchingRefs },
  { method: 'GET', path: /^\/git\/ref\/(.+)$/, handle: getRef },
  { method: 'POST', path: /^\/git\/refs$/, handle: createRef },
  { method: 'POST', path: /^\/app\/installations\/(\d+)\/access_tokens$/, handle: installationToken },
  { method: 'GET', path: /^\/contents\/(.+)$/, handle: bot(getContent) },
  { method: 'GET', path: /^\/collaborators\/([^/]+)\/permission$/, handle: bot(getPermission) },
  { method: 'GET', path: /^\/pulls\/(\d+)$/, handle: bot(getPull) },
  { method: 'POST', path: /^\/issues\/(\d+)\/comments$/, handle: bot(createComment) },
  { method: 'GET', path: /^\/issues\/(\d+)\/comments$/, handle: bot(listComments) },
  { method: 'POST', path: /^\/issues\/comments\/(\d+)\/reactions$/, handle: bot(createReaction) },
  { method: 'PATCH', path: /^\/issues\/comments\/(\d+)$/, handle: bot(updateComment) },
  { method: 'POST', path: /^\/issues$/, handle: bot(createIssue) },
  { method: 'GET', path: /^\/issues$/, handle: bot(listIssues) },
  { method: 'POST', path: /^\/statuses\/([0-9a-f]+)$/, handle: bot(createCommitStatus) },
];

type BotHandler = (
  state: BotState,
  nextId: () => number,
  match: RegExpMatchArray | string[],
  body: Record<string, unknown>,
) => Answer;

/** A route only the bot calls: 404 where the state has no bot part. */
function bot(handle: BotHandler): Handler {
  return (state, match, _q, body) =>
    state.bot ? handle(state.bot, () => state.nextId++, match, body) : notFound();
}

function installationToken(): Answer {
  return {
    status: 201,
    body: {
      token: 'ghs_installation_token_for_tests',
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      permissions: { contents: 'write', deployments: 'write', issues: 'write', pull_requests: 'read' },
      repository_selection: 'all',
    },
  };
}

const LEGACY_PERMISSION: Record<string, string> = { maintain: 'write', triage: 'read' };

function getContent(state: BotState, _n: unknown, match: RegExpMatchArray | string[]): Answer {
  const path = String(match[1]);
  const text = state.files[path];
  if (text === undefined) return notFound();
  const content = Buffer.from(text).toString('base64');
  return {
    status: 200,
    body: { type: 'file', encoding: 'base64', name: path, path, sha: 'f00d', size: text.length, content },
  };
}

function getPermission(state: BotState, _n: unknown, match: RegExpMatchArray | string[]): Answer {
  const login = String(match[1]);
  const role = state.roles[login] ?? 'read';
  return {
    status: 200,
    body: { permission: LEGACY_PERMISSION[role] ?? role, role_name: role, user: { login } },
  };
}

function getPull(state: BotState, _n: unknown, match: RegExpMatchArray | string[]): Answer {
  const number = Number(match[1]);
  const sha = state.pulls[number];
  if (sha === undefined) return notFound();
  return {
    status: 200,
    body: {
      number,
      state: 'open',
      head: { sha, ref: 'feature', repo: { full_name: 'acme/shop' } },
      base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: 'acme/shop' } },
    },
  };
}

function createComment(
  state: BotState,
  nextId: () => number,
  match: RegExpMatchArray | string[],
  body: Record<string, unknown>,
): Answer {
  const comment = { id: nextId(), issue: Number(match[1]), body: String(body.body) };
  state.comments.push(comment);
  return {
    status: 201,
    body: {
      id: comment.id,
      html_url: `https://github.com/acme/shop/pull/${comment.issue}#issuecomment-${comment.id}`,
    },
  };
}

function listComments(state: BotState, _n: unknown, match: RegExpMatchArray | string[]): Answer {
  const issue = Number(match[1]);
  return {
    status: 200,
    body: state.comments.filter((c) => c.issue === issue).map((c) => ({ ...commentJson(c), body: c.body })),
  };
}

function commentJson(comment: { id: number; issue: number }) {
  return {
    id: comment.id,
    html_url: `https://github.com/acme/shop/pull/${comment.issue}#issuecomment-${comment.id}`,
  };
}

function updateComment(
  state: BotState,
  _n: unknown,
  match: RegExpMatchArray | string[],
  body: Record<string, unknown>,
): Answer {
  const comment = state.comments.find((c) => c.id === Number(match[1]));
  if (!comment) return notFound();
  comment.body = String(body.body);
  return { status: 200, body: { id: comment.id } };
}

function createReaction(
  state: BotState,
  nextId: () => number,
  match: RegExpMatchArray | string[],
  body: Record<string, unknown>,
): Answer {
  const id = Number(match[1]);
  state.reactions[id] = [...(state.reactions[id] ?? []), String(body.content)];
  return { status: 201, body: { id: nextId(), content: body.content } };
}

function createIssue(
  state: BotState,
  nextId: () => number,
  _m: unknown,
  body: Record<string, unknown>,
): Answer {
  const issue = { number: nextId(), title: String(body.title), body: String(body.body) };
  state.issues = [...(state.issues ?? []), issue];
  return {
    status: 201,
    body: { number: issue.number, html_url: `https://github.com/acme/shop/issues/${issue.number}` },
  };
}

/** Newest first, as the bot asks for them. */
function listIssues(state: BotState): Answer {
  const issues = [...(state.issues ?? [])].reverse().map((issue) => ({
    ...issue,
    html_url: `https://github.com/acme/shop/issues/${issue.number}`,
  }));
  return { status: 200, body: issues };
}

function createCommitStatus(
  state: BotState,
  nextId: () => number,
  match: RegExpMatchArray | string[],
  body: Record<string, unknown>,
): Answer {
  const sha = String(match[1]);
  const statuses = state.commitStatuses ?? {};
  statuses[sha] = [...(statuses[sha] ?? []), `${String(body.context)}: ${String(body.state)}`];
  state.commitStatuses = statuses;
  return { status: 201, body: { id: nextId(), state: body.state, context: body.context } };
}

function createCheckRun(state: GitHubState, _m: unknown, _q: unknown, body: Record<string, unknown>): Answer {
  const run: FakeCheckRun = {
    id: state.nextId++,
    name: String(body.name),
    headSha: String(body.head_sha),
    externalId: body.external_id === undefined ? undefined : String(body.external_id),
    status: String(body.status ?? 'queued'),
    conclusion: null,
  };
  state.checkRuns.push(run);
  return { status: 201, body: checkRunJson(run) };
}

function updateCheckRun(
  state: GitHubState,
  match: RegExpMatchArray | string[],
  _q: unknown,
  body: Record<string, unknown>,
): Answer {
  const run = state.checkRuns.find((r) => r.id === Number(match[1]));
  if (!run) return notFound();
  if (typeof body.status === 'string') run.status = body.status;
  if (typeof body.conclusion === 'string') {
    run.conclusion = body.conclusion;
    run.status = 'completed';
  }
  return { status: 200, body: checkRunJson(run) };
}

function listCheckRuns(
  state: GitHubState,
  match: RegExpMatchArray | string[],
  query: URLSearchParams,
): Answer {
  const runs = state.checkRuns
    .filter((r) => r.headSha === match[1] && (!query.get('check_name') || r.name === query.get('check_name')))
    .reverse();
  return { status: 200, body: { total_count: runs.length, check_runs: runs.map(checkRunJson) } };
}

function listDeployments(state: GitHubState, _m: unknown, query: URLSearchParams): Answer {
  const list = [...state.deployments]
    .reverse()
    .filter((d) => !query.get('sha') || d.sha === query.get('sha'))
    .filter((d) => !query.get('environment') || d.environment === query.get('environment'))
    .slice(0, Number(query.get('per_page') ?? 30));
  return { status: 200, body: list.map(deploymentJson) };
}

function createDeployment(
  state: GitHubState,
  _m: unknown,
  _q: unknown,
  body: Record<string, unknown>,
): Answer {
  const deployment: FakeDeployment = {
    id: state.nextId++,
    sha: String(body.ref),
    environment: String(body.environment),
    payload: body.payload ?? {},
    statuses: [],
  };
  state.deployments.push(deployment);
  return { status: 201, body: deploymentJson(deployment) };
}

function listStatuses(
  state: GitHubState,
  match: RegExpMatchArray | string[],
  query: URLSearchParams,
): Answer {
  const deployment = state.deployments.find((d) => d.id === Number(match[1]));
  if (!deployment) return notFound();
  const statuses = [...deployment.statuses].reverse().slice(0, Number(query.get('per_page') ?? 30));
  return { status: 200, body: statuses.map((s, i) => ({ id: deployment.id * 1000 + i, state: s })) };
}

function createStatus(
  state: GitHubState,
  match: RegExpMatchArray | string[],
  _q: unknown,
  body: Record<string, unknown>,
): Answer {
  const deployment = state.deployments.find((d) => d.id === Number(match[1]));
  if (!deployment) return notFound();
  deployment.statuses.push(String(body.state));
  return { status: 201, body: { id: state.nextId++, state: body.state } };
}

function matchingRefs(state: GitHubState, match: RegExpMatchArray | string[]): Answer {
  const prefix = `refs/${match[1]}`;
  const refs = Object.entries(state.tags).filter(([ref]) => ref.startsWith(prefix));
  return { status: 200, body: refs.map(([ref, sha]) => refJson(ref, sha)) };
}

function getRef(state: GitHubState, match: RegExpMatchArray | string[]): Answer {
  const ref = `refs/${match[1]}`;
  const sha = state.tags[ref];
  return sha === undefined ? notFound() : { status: 200, body: refJson(ref, sha) };
}

function createRef(state: GitHubState, _m: unknown, _q: unknown, body: Record<string, unknown>): Answer {
  const ref = String(body.ref);
  if (state.tags[ref] !== undefined) return { status: 422, body: { message: 'Reference already exists' } };
  state.tags[ref] = String(body.sha);
  return { status: 201, body: refJson(ref, String(body.sha)) };
}

function notFound(): Answer {
  return { status: 404, body: { message: 'Not Found' } };
}

function checkRunJson(run: FakeCheckRun) {
  return {
    id: run.id,
    name: run.name,
    head_sha: run.headSha,
    external_id: run.externalId ?? null,
    status: run.status,
    conclusion: run.conclusion,
  };
}

function deploymentJson(d: FakeDeployment) {
  return { id: d.id, sha: d.sha, ref: d.sha, environment: d.environment, payload: d.payload };
}

function refJson(ref: string, sha: string) {
  return { ref, object: { sha, type: 'commit' } };
}
