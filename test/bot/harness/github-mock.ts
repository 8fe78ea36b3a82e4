/**
 * GitHub's REST API for the bot tests, as nock interceptors that answer like GitHub and keep the
 * body of every write, by name, for the test to check. Every interceptor must be used once (the
 * test ends with `done()`, which is scope.isDone()); a request nobody planned for is refused, and
 * done() names it.
 */
import nock from 'nock';
import { FULL_NAME, HEAD_SHA, HTML_URL, INSTALLATION_ID, TRANCHE_YML } from './payloads.ts';

export { TRANCHE_YML };

export const API = 'https://api.github.com';

// biome-ignore lint/suspicious/noExplicitAny: request bodies are free-form JSON, read field by field
type Body = Record<string, any>;

/** A file's path as Octokit puts it in the contents API's URL: one segment, `/` escaped. */
export function contentsPath(path: string): string {
  return encodeURIComponent(path);
}

export class GitHubMock {
  readonly scope: nock.Scope;
  private readonly writes: { name: string; body: Body }[] = [];
  private readonly repo: string;
  /** GitHub requests no interceptor answered: refused, and done() names them. */
  private readonly unplanned: string[] = [];

  private readonly names = new Map<nock.Interceptor, string>();
  /** Interceptors a request may or may not use (raceLoser), dropped at done(). */
  private readonly optional: nock.Interceptor[] = [];

  constructor(repo = FULL_NAME) {
    this.repo = repo;
    this.scope = nock(API);
    // Only requests an interceptor answered: a body matcher would also see requests that miss.
    this.scope.on('request', (_request: unknown, interceptor: nock.Interceptor, body: string) => {
      const name = this.names.get(interceptor);
      if (name) this.writes.push({ name, body: body ? (JSON.parse(body) as Body) : {} });
    });
    // A handler that swallows GitHub's refusal (the sweep logs and goes on) must not hide the request.
    nock.emitter.on('no match', (request: { method?: string; url?: unknown }) => {
      const url = String(request.url ?? '');
      if (url.startsWith(API)) this.unplanned.push(`${request.method} ${url.slice(API.length)}`);
    });
  }

  private get r(): string {
    return `/repos/${this.repo}`;
  }

  /** The bodies of the writes named `name`, in order. */
  bodies(name: string): Body[] {
    return this.writes.filter((w) => w.name === name).map((w) => w.body);
  }

  /** The names of every write, in order. */
  writeNames(): string[] {
    return this.writes.map((w) => w.name);
  }

  /** An interceptor whose requests' bodies are kept under `name`. */
  private write(method: 'post' | 'patch', path: string | RegExp, name: string): nock.Interceptor {
    const interceptor = this.scope[method](path);
    this.names.set(interceptor, name);
    return interceptor;
  }

  done(): void {
    // What a race's loser did not ask for is not left for later requests to use.
    for (const interceptor of this.optional.splice(0)) nock.removeInterceptor(interceptor);
    if (!this.scope.isDone())
      throw new Error(`GitHub requests not made: ${this.scope.pendingMocks().join(', ')}`);
    if (this.unplanned.length > 0)
      throw new Error(`GitHub requests nobody planned for: ${this.unplanned.join(', ')}`);
  }

  /** The installation token Probot asks for before its first request. */
  token(installationId = INSTALLATION_ID): this {
    this.scope.post(`/app/installations/${installationId}/access_tokens`).reply(201, {
      token: 'ghs_installation_token_for_tests',
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      permissions: { contents: 'write', deployments: 'write', issues: 'write', pull_requests: 'read' },
      repository_selection: 'all',
    });
    return this;
  }

  /**
   * What a second replica sweeping at the same moment asks for only if it finds something to do
   * (the other may have done it already): an installation token and tranche.yml, each at most once.
   */
  raceLoser(yaml = TRANCHE_YML): this {
    const token = this.scope.post(`/app/installations/${INSTALLATION_ID}/access_tokens`).optionally();
    const config = this.scope.get(`${this.r}/contents/${contentsPath('.github/tranche.yml')}`).optionally();
    this.optional.push(token, config);
    token.reply(201, {
      token: 'ghs_installation_token_for_tests',
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    config.reply(200, {
      type: 'file',
      encoding: 'base64',
      name: 'tranche.yml',
      path: '.github/tranche.yml',
      sha: 'f00d',
      size: yaml.length,
      content: Buffer.from(yaml).toString('base64'),
    });
    return this;
  }

  /** .github/tranche.yml from the default branch (the contents API without a ref). */
  config(yaml = TRANCHE_YML, times = 1): this {
    return this.configAt('.github/tranche.yml', yaml, times);
  }

  /** tranche.yml at the root of the default branch, where there is no .github/tranche.yml. */
  rootConfig(yaml = TRANCHE_YML): this {
    this.scope
      .get(`${this.r}/contents/${contentsPath('.github/tranche.yml')}`)
      .reply(404, { message: 'Not Found' });
    return this.configAt('tranche.yml', yaml, 1);
  }

  /** A file at `path` on the default branch holding `yaml`. */
  configAt(path: string, yaml = TRANCHE_YML, times = 1): this {
    this.scope
      .get(`${this.r}/contents/${contentsPath(path)}`)
      .times(times)
      .reply(200, {
        type: 'file',
        encoding: 'base64',
        name: 'tranche.yml',
        path,
        sha: 'f00d',
        size: yaml.length,
        content: Buffer.from(yaml).toString('base64'),
      });
    return this;
  }

  /** Neither .github/tranche.yml nor tranche.yml on the default branch. */
  noConfig(): this {
    for (const path of ['.github/tranche.yml', 'tranche.yml']) {
      this.scope.get(`${this.r}/contents/${contentsPath(path)}`).reply(404, { message: 'Not Found' });
    }
    return this;
  }

  /** 👀 on the comment `commentId`, or on whichever comment comes next. */
  reaction(commentId?: number): this {
    const id = commentId === undefined ? '\\d+' : String(commentId);
    const path = new RegExp(`^${this.r}/issues/comments/${id}/reactions$`);
    this.write('post', path, 'reaction').reply(201, {
      id: 1,
      content: 'eyes',
    });
    return this;
  }

  /** GET …/collaborators/:login/permission: `permission` is GitHub's legacy one, `role` the role's name. */
  permission(login: string, role: string, permission = legacyPermission(role)): this {
    this.scope
      .get(`${this.r}/collaborators/${login}/permission`)
      .reply(200, { permission, role_name: role, user: { login } });
    return this;
  }

  pull(number = 12, options: { sha?: string; fork?: boolean } = {}): this {
    const head = options.fork ? 'mallory/shop' : this.repo;
    this.scope.get(`${this.r}/pulls/${number}`).reply(200, {
      number,
      state: 'open',
      head: { sha: options.sha ?? HEAD_SHA, ref: 'feature', repo: { full_name: head } },
      base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: this.repo } },
    });
    return this;
  }

  /** The version tags that exist (listMatchingRefs). */
  tags(versions: string[] = [], service = 'shop'): this {
    this.scope.get(`${this.r}/git/matching-refs/${encodeURIComponent(`tags/tranche/${service}/`)}`).reply(
      200,
      versions.map((v) => ({
        ref: `refs/tags/tranche/${service}/${v}`,
        object: { sha: HEAD_SHA, type: 'commit' },
      })),
    );
    return this;
  }

  createTag(): this {
    this.write('post', `${this.r}/git/refs`, 'createTag').reply(201, {
      ref: 'refs/tags/tranche/shop/x',
      object: { sha: HEAD_SHA, type: 'commit' },
    });
    return this;
  }

  /** The tag of a known version, or 404 for a version never tagged. */
  getTag(version: string, sha: string | null, service = 'shop'): this {
    const path = `${this.r}/git/ref/${encodeURIComponent(`tags/tranche/${service}/${version}`)}`;
    if (sha === null) this.scope.get(path).reply(404, { message: 'Not Found' });
    else this.scope.get(path).reply(200, { ref: `refs/tags/tranche/${service}/${version}`, object: { sha } });
    return this;
  }

  createDeployment(id: number, status = 201, answer?: Body): this {
    this.write('post', `${this.r}/deployments`, 'createDeployment').reply(
      status,
      answer ?? { id, sha: HEAD_SHA, environment: 'production' },
    );
    return this;
  }

  comment(number = 12, id = 5001): this {
    this.write('post', `${this.r}/issues/${number}/comments`, 'comment').reply(201, {
      id,
      html_url: `${HTML_URL}/pull/${number}#issuecomment-${id}`,
    });
    return this;
  }

  editComment(id = 5001): this {
    this.write('patch', `${this.r}/issues/comments/${id}`, 'editComment').reply(200, { id });
    return this;
  }

  deploymentStatus(deploymentId: number): this {
    this.write('post', `${this.r}/deployments/${deploymentId}/statuses`, `status:${deploymentId}`).reply(
      201,
      { id: deploymentId * 10 + 2 },
    );
    return this;
  }

  /** The app's installation on the repository (GET …/installation, with the app's own token). */
  installation(id = INSTALLATION_ID): this {
    this.scope.get(`${this.r}/installation`).reply(200, { id, account: { login: this.repo.split('/')[0] } });
    return this;
  }

  notInstalled(): this {
    this.scope.get(`${this.r}/installation`).reply(404, { message: 'Not Found' });
    return this;
  }

  /** POST …/statuses/:sha, kept under `status@<sha>`. */
  commitStatus(sha: string): this {
    this.write('post', `${this.r}/statuses/${sha}`, `status@${sha}`).reply(201, { id: 1, state: 'pending' });
    return this;
  }

  /** POST …/issues: a new issue numbered `number`. */
  issue(number: number): this {
    this.write('post', `${this.r}/issues`, 'issue').reply(201, {
      number,
      html_url: `${HTML_URL}/issues/${number}`,
    });
    return this;
  }

  /** POST …/actions/runs/:run/deployment_protection_rule: the rule's review. */
  review(runId: number): this {
    this.write('post', `${this.r}/actions/runs/${runId}/deployment_protection_rule`, 'review').reply(204);
    return this;
  }

  checkRuns(environment: string, url: string | null, sha = HEAD_SHA): this {
    this.scope
      .get(`${this.r}/commits/${sha}/check-runs`)
      .query({ check_name: `tranche / ${environment}`, filter: 'latest', per_page: '1' })
      .reply(200, { total_count: url ? 1 : 0, check_runs: url ? [{ id: 77, html_url: url }] : [] });
    return this;
  }
}

function legacyPermission(role: string): string {
  if (role === 'maintain') return 'write';
  if (role === 'triage') return 'read';
  return role;
}

/** Strict HTTP for a test file: only 127.0.0.1 (the bot's server, PostgreSQL) is reachable for real. */
export function strictNetwork(): void {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
}

export function resetNetwork(): void {
  nock.emitter.removeAllListeners('no match');
  nock.cleanAll();
  nock.enableNetConnect();
}
