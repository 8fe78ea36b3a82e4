/**
 * The bot with its dashboard on, behind a real HTTP server on 127.0.0.1, for the dashboard tests:
 * a browser's side of it (a cookie jar, same-origin form posts) and GitHub's (the OAuth exchange
 * on github.com and the API on api.github.com, both mocked with nock).
 */
import nock from 'nock';
import { createNodeMiddleware } from 'probot';
import { afterEach, beforeEach } from 'vitest';
import type { DashboardSettings } from '../../../bot/dashboard/settings.ts';
import { trancheBot } from '../../../bot/index.ts';
import { SqliteLedger } from '../../../src/ledger/sqlite.ts';
import type { Ledger } from '../../../src/ledger/types.ts';
import { deliver, serve, testProbot, WEBHOOK_SECRET } from '../harness/bot-server.ts';
import { recordLiveRun, T0 } from '../harness/bot-test.ts';
import { GitHubMock, resetNetwork, strictNetwork } from '../harness/github-mock.ts';
import { statusPayload } from '../harness/payloads.ts';

/** The commits of shop 1 and shop 2. */
export const D = 'd'.repeat(40);
export const E = 'e'.repeat(40);

export const CLIENT_ID = 'Iv1.dashboardtest';
export const CLIENT_SECRET = 'dashboard-client-secret-for-tests';

export const SETTINGS: DashboardSettings = {
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  sessionSecret: WEBHOOK_SECRET,
};

export interface DashboardBot {
  url: string;
  logs: string[];
  /** A browser: cookies kept per name, sent with every request. */
  browser(): Browser;
  /** A deployment status webhook, as in the bot's other tests. */
  status(options: Parameters<typeof statusPayload>[0]): Promise<void>;
  close(): Promise<void>;
}

export interface Browser {
  cookies: Map<string, string>;
  get(path: string): Promise<Response>;
  /** A form post from the dashboard's own page (its Origin), unless `origin` says otherwise (null: none). */
  post(path: string, form: Record<string, string>, options?: { origin?: string | null }): Promise<Response>;
  /**
   * A button's request, as the page's script sends it: JSON to /dashboard/actions/<kind> with the
   * session's CSRF token (or `csrf`; null: none) from the dashboard's own origin (or `origin`).
   */
  act(
    kind: 'deploy' | 'rollback',
    body: Record<string, string>,
    options?: { csrf?: string | null; origin?: string | null; site?: string },
  ): Promise<Response>;
  /** The session cookie's own CSRF token (what the page puts in its csrf-token meta tag). */
  csrf(): string;
  /** Signs in as `login`: the OAuth web flow with GitHub's side mocked; `next` is where the sign-in began. */
  signIn(login: string, next?: string): Promise<Response>;
}

/** The newest commits of acme/shop's default branch, as GET …/commits answers: F, then E. */
export const F = 'f'.repeat(40);
export function recentCommits(github: GitHubMock): void {
  const commit = (sha: string, message: string, login: string) => ({
    sha,
    commit: { message, author: { name: login, date: new Date(T0).toISOString() } },
    author: { login },
  });
  github.scope
    .get('/repos/acme/shop/commits')
    .query({ per_page: '10' })
    .reply(200, [commit(F, 'Faster checkout\n\nLonger story.', 'wes'), commit(E, 'Version 2', 'rita')]);
}

export interface DashboardTest {
  ledger: Ledger;
  bot: DashboardBot;
  github: GitHubMock;
  clock: { now: number };
}

/**
 * Call in a describe: per test, an empty ledger, the bot with its dashboard, GitHub mocked
 * strictly, and shop 1 then 2 deployed to production (their deployment statuses delivered to the
 * bot, which binds shop to acme/shop and keeps the installation's token). With `actionRuns`, the
 * Action's runs of them are in the shared ledger too, which the page draws environments from.
 */
export function useDashboardBot(options: { actionRuns?: boolean } = {}): DashboardTest {
  const t = { clock: { now: T0 } } as DashboardTest;
  beforeEach(async () => {
    strictNetwork();
    t.clock.now = T0;
    t.ledger = await SqliteLedger.open(':memory:');
    t.bot = await startDashboardBot(t.ledger, () => t.clock.now);
    t.github = new GitHubMock();
    t.github.token().config();
    await t.bot.status({
      deploymentId: 8001,
      environment: 'production',
      state: 'success',
      version: '1',
      sha: D,
    });
    t.github.config().deploymentStatus(8001);
    await t.bot.status({
      deploymentId: 8002,
      environment: 'production',
      state: 'success',
      version: '2',
      sha: E,
    });
    t.github.done();
    if (options.actionRuns) {
      for (const [version, hoursAgo] of [
        ['1', 2],
        ['2', 1],
      ] as const) {
        const at = T0 - hoursAgo * 3_600_000;
        await recordLiveRun(t.ledger, { service: 'shop', environment: 'production', version, at });
      }
    }
  });
  afterEach(async () => {
    await t.bot.close();
    await t.ledger.close();
    resetNetwork();
  });
  return t;
}

export async function startDashboardBot(ledger: Ledger, now: () => number): Promise<DashboardBot> {
  const logs: string[] = [];
  const probot = testProbot(logs);
  const bot = trancheBot({ ledger, now, sweepEveryMs: 0, dashboard: SETTINGS });
  const server = await serve(await createNodeMiddleware(bot.app, { probot }));
  const url = server.url;
  return {
    url,
    logs,
    browser: () => browser(url),
    async status(options) {
      const delivery = await deliver(url, 'deployment_status', statusPayload(options));
      if (delivery.status !== 200) throw new Error(`the bot answered ${delivery.status}: ${delivery.body}`);
    },
    async close() {
      bot.stop();
      await server.close();
    },
  };
}

function browser(url: string): Browser {
  const cookies = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(line)) cookies.delete(name);
      else cookies.set(name, value);
    }
    return response;
  };
  const cookieHeader = () => [...cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  const get = async (path: string) =>
    keep(await fetch(`${url}${path}`, { redirect: 'manual', headers: { cookie: cookieHeader() } }));
  return {
    cookies,
    get,
    async post(path, form, options = {}) {
      const origin = options.origin === undefined ? url : options.origin;
      return keep(
        await fetch(`${url}${path}`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            cookie: cookieHeader(),
            'content-type': 'application/x-www-form-urlencoded',
            ...(origin === null ? {} : { origin }),
          },
          body: new URLSearchParams(form).toString(),
        }),
      );
    },
    async act(kind, body, options = {}) {
      const origin = options.origin === undefined ? url : options.origin;
      const csrf = options.csrf === undefined ? this.csrf() : options.csrf;
      return keep(
        await fetch(`${url}/dashboard/actions/${kind}`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            cookie: cookieHeader(),
            'content-type': 'application/json',
            ...(origin === null ? {} : { origin }),
            ...(csrf === null ? {} : { 'x-csrf-token': csrf }),
            ...(options.site ? { 'sec-fetch-site': options.site } : {}),
          },
          body: JSON.stringify(body),
        }),
      );
    },
    csrf() {
      const [payload = ''] = (cookies.get('tranche_dashboard_session') ?? '').split('.');
      return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { csrf: string }).csrf;
    },
    async signIn(login, next) {
      const start = await get(
        `/dashboard/login${next === undefined ? '' : `?next=${encodeURIComponent(next)}`}`,
      );
      const authorize = new URL(start.headers.get('location') ?? '');
      const code = mockSignIn(login);
      const state = authorize.searchParams.get('state') ?? '';
      return get(`/dashboard/callback?code=${code}&state=${encodeURIComponent(state)}`);
    },
  };
}

/** GitHub's side of `login` signing in: the code exchanged on github.com, then GET /user; the code. */
export function mockSignIn(login: string): string {
  const code = `code-for-${login}`;
  nock('https://github.com')
    .post('/login/oauth/access_token', (body) => body.code === code && body.client_secret === CLIENT_SECRET)
    .reply(200, { access_token: `ghu_token_of_${login}`, token_type: 'bearer', scope: '' });
  nock('https://api.github.com', { reqheaders: { authorization: `token ghu_token_of_${login}` } })
    .get('/user')
    .reply(200, { login, id: login.length, type: 'User' });
  return code;
}
