/**
 * The deployment manager page (src/dashboard) in the bot, beside Probot's webhook route (mounted
 * with Probot's addHandler): /dashboard and everything under it. Signing in with GitHub
 * (sign-in.ts) says who someone is; what they see and may do is asked of GitHub (access.ts); the
 * page's buttons start releases as the comment commands do (actions.ts). The page itself refuses
 * a change without the session's CSRF token or from another origin, and records every action
 * with who asked.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Probot } from 'probot';
import { createDashboardHandler, type DashboardAuth } from '../../src/dashboard/host.ts';
import { type BotDeps, botLog } from '../bot-scope.ts';
import { dashboardAccess } from './access.ts';
import { botActions } from './actions.ts';
import { dashboardOrigin } from './origin.ts';
import { readSession } from './session.ts';
import { DASHBOARD_PATH, type DashboardSettings } from './settings.ts';
import { LOGIN_PATH, LOGOUT_PATH, signInRoutes } from './sign-in.ts';
import { cookieKey } from './signed-cookie.ts';

export interface BotDashboard {
  /** A Probot handler: answers DASHBOARD_PATH and below, and leaves every other request to the next (false). */
  (request: IncomingMessage, response: ServerResponse): Promise<boolean>;
  /** Ends the page's event streams. */
  close(): void;
}

export function botDashboard(app: Probot, deps: BotDeps, settings: DashboardSettings): BotDashboard {
  const key = cookieKey(settings.sessionSecret);
  const origin = dashboardOrigin(settings.publicOrigin);
  const log = botLog(app.log);
  const signIn = signInRoutes({ settings, key, origin, now: deps.now, log });
  const access = dashboardAccess(app, deps);
  const auth: DashboardAuth = {
    async viewer(request) {
      const session = readSession(request, key, deps.now());
      if (!session) return null;
      return {
        actor: session.login,
        csrfToken: session.csrf,
        canRead: (service) => access.canRead(session.login, service),
        canAct: async (service, environment, action) =>
          (await access.actRefusal(session.login, service, environment, action)) === null,
      };
    },
    refuse(request, response) {
      if (request.method === 'GET' || request.method === 'HEAD') {
        const next = encodeURIComponent(request.url ?? DASHBOARD_PATH);
        response
          .writeHead(303, { location: `${LOGIN_PATH}?next=${next}`, 'cache-control': 'no-store' })
          .end();
        return;
      }
      response
        .writeHead(401, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(`${JSON.stringify({ ok: false, message: 'sign in with GitHub first' })}\n`);
    },
  };
  const page = createDashboardHandler({
    basePath: DASHBOARD_PATH,
    auth,
    actions: botActions(app, deps, access),
    ledger: deps.ledger,
    host: 'bot',
    origin: settings.publicOrigin,
    commits: (service) => access.recentCommits(service),
    tracks: (service) => access.serviceTracks(service),
    now: deps.now,
    signOutPath: LOGOUT_PATH,
    onError: (error) => app.log.error(`${DASHBOARD_PATH}: ${(error as Error).message}`),
  });
  const handler = async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const path = new URL(request.url ?? '/', 'http://bot').pathname;
    if (path !== DASHBOARD_PATH && !path.startsWith(`${DASHBOARD_PATH}/`)) return false;
    if (await signIn(request, response, path)) return true;
    return page(request, response);
  };
  return Object.assign(handler, { close: () => page.close() });
}
