/**
 * Signing in to the bot's dashboard with GitHub, the web flow of the app's OAuth client:
 * GET /dashboard/login sends the person to GitHub with a random `state` that a short-lived signed
 * cookie binds to this browser; GET /dashboard/callback takes GitHub's code back (only with that
 * state), exchanges it for the person's token, asks GitHub who they are (GET /user) and sets the
 * session cookie (session.ts). The token is then dropped, never stored nor logged. The page's
 * Sign out button (and GET /dashboard/logout's) POSTs to /dashboard/logout, which clears the
 * session only for a request from the dashboard's own origin carrying the session's CSRF token
 * (no token is asked of a browser whose session has already ended), then says so at GET
 * /dashboard/logout.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exchangeWebFlowCode, getWebFlowAuthorizationUrl } from '@octokit/oauth-methods';
import { Octokit } from 'octokit';
import { z } from 'zod';
import { sameSecret } from '../../src/dashboard/host.ts';
import type { BotLog } from '../bot-scope.ts';
import { type DashboardOrigin, sameOrigin } from './origin.ts';
import { newSession, randomToken, readSession, SESSION_COOKIE, sessionCookieValue } from './session.ts';
import { DASHBOARD_PATH, type DashboardSettings } from './settings.ts';
import { clearCookie, readSignedCookie, setCookie, signedValue } from './signed-cookie.ts';

export const LOGIN_PATH = `${DASHBOARD_PATH}/login`;
export const CALLBACK_PATH = `${DASHBOARD_PATH}/callback`;
export const LOGOUT_PATH = `${DASHBOARD_PATH}/logout`;

const STATE_COOKIE = 'tranche_dashboard_signin';
/** How long a person has at GitHub to approve the sign-in. */
const STATE_MS = 10 * 60 * 1000;

const stateSchema = z.object({ state: z.string().min(16), next: z.string(), exp: z.number() });

/** The largest sign-out form read: it holds one token. */
const MAX_FORM = 1024;

export interface SignInDeps {
  settings: DashboardSettings;
  key: Buffer;
  origin: DashboardOrigin;
  now: () => number;
  log: BotLog;
}

/** A handler for the three sign-in paths; false for any other request. */
export function signInRoutes(deps: SignInDeps) {
  // Unauthenticated, for the OAuth endpoints (on github.com, or the Enterprise server's host).
  const github = new Octokit({
    ...(deps.settings.apiUrl ? { baseUrl: deps.settings.apiUrl } : {}),
    retry: { enabled: false },
    throttle: { enabled: false },
  });
  return async (request: IncomingMessage, response: ServerResponse, path: string): Promise<boolean> => {
    if (path === LOGIN_PATH && request.method === 'GET') login(deps, github, request, response);
    else if (path === CALLBACK_PATH && request.method === 'GET')
      await callback(deps, github, request, response);
    else if (path === LOGOUT_PATH && request.method === 'GET') logoutForm(deps, request, response);
    else if (path === LOGOUT_PATH && request.method === 'POST') await logout(deps, request, response);
    else return false;
    return true;
  };
}

function login(deps: SignInDeps, github: Octokit, request: IncomingMessage, response: ServerResponse): void {
  const state = randomToken();
  const next = dashboardPath(new URL(request.url ?? '/', 'http://bot').searchParams.get('next'));
  const secure = deps.origin.secure(request);
  const { url } = getWebFlowAuthorizationUrl({
    clientType: 'github-app',
    clientId: deps.settings.clientId,
    redirectUrl: `${deps.origin.of(request)}${CALLBACK_PATH}`,
    state,
    request: github.request,
  });
  const cookie = signedValue(deps.key, STATE_COOKIE, { state, next, exp: deps.now() + STATE_MS });
  response
    .writeHead(302, {
      location: url,
      'set-cookie': setCookie(STATE_COOKIE, cookie, {
        path: DASHBOARD_PATH,
        secure,
        maxAgeSeconds: STATE_MS / 1000,
      }),
      'cache-control': 'no-store',
    })
    .end();
}

async function callback(
  deps: SignInDeps,
  github: Octokit,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const query = new URL(request.url ?? '/', 'http://bot').searchParams;
  const secure = deps.origin.secure(request);
  const clearState = clearCookie(STATE_COOKIE, { path: DASHBOARD_PATH, secure });
  const started = readSignedCookie(request, deps.key, STATE_COOKIE, stateSchema, deps.now());
  if (!started || query.get('state') !== started.state) {
    deps.log.info(
      `${CALLBACK_PATH}: refused a sign-in this browser did not start (or started over 10 minutes ago)`,
    );
    page(response, 400, 'This sign-in was not started here, or took too long.', clearState);
    return;
  }
  const code = query.get('code');
  if (!code) {
    page(response, 403, 'GitHub did not sign you in.', clearState);
    return;
  }
  let login: string;
  try {
    const { authentication } = await exchangeWebFlowCode({
      clientType: 'github-app',
      clientId: deps.settings.clientId,
      clientSecret: deps.settings.clientSecret,
      code,
      redirectUrl: `${deps.origin.of(request)}${CALLBACK_PATH}`,
      request: github.request,
    });
    login = await userLogin(github, authentication.token);
  } catch (error) {
    // The error's own text could echo the request: only its kind and status are logged.
    const status = (error as { status?: unknown }).status;
    deps.log.warn(
      `${CALLBACK_PATH}: GitHub did not take the sign-in code (${(error as Error).name} ${String(status ?? '')})`,
    );
    page(response, 502, 'GitHub did not confirm the sign-in. Try again.', clearState);
    return;
  }
  const session = newSession(login, deps.now());
  deps.log.info(`${DASHBOARD_PATH}: @${login} signed in`);
  response
    .writeHead(303, {
      location: started.next,
      'set-cookie': [
        clearState,
        setCookie(SESSION_COOKIE, sessionCookieValue(deps.key, session), {
          path: DASHBOARD_PATH,
          secure,
          maxAgeSeconds: (session.exp - deps.now()) / 1000,
        }),
      ],
      'cache-control': 'no-store',
    })
    .end();
}

/** Who the token belongs to. */
async function userLogin(github: Octokit, token: string): Promise<string> {
  const { data } = await github.rest.users.getAuthenticated({ headers: { authorization: `token ${token}` } });
  return data.login;
}

/** The Sign out button of a signed-in browser; where a sign-out lands, for one signed out. */
function logoutForm(deps: SignInDeps, request: IncomingMessage, response: ServerResponse): void {
  const session = readSession(request, deps.key, deps.now());
  if (!session) {
    page(response, 200, 'You are signed out.');
    return;
  }
  // The token is random base64url: nothing in it needs escaping.
  html(
    response,
    200,
    `<form method="post" action="${LOGOUT_PATH}"><input type="hidden" name="csrf" value="${session.csrf}"><button>Sign out</button></form>`,
  );
}

async function logout(deps: SignInDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const session = readSession(request, deps.key, deps.now());
  const form = sameOrigin(request, deps.origin) ? await readForm(request) : undefined;
  const sent = form?.get('csrf') ?? '';
  if (form === undefined || (session !== undefined && !sameSecret(sent, session.csrf))) {
    page(response, 403, 'Sign out from the dashboard itself.');
    return;
  }
  if (session) deps.log.info(`${DASHBOARD_PATH}: @${session.login} signed out`);
  // Not back to the dashboard: it would send the browser on to GitHub, which signs it in again.
  response
    .writeHead(303, {
      location: LOGOUT_PATH,
      'set-cookie': clearCookie(SESSION_COOKIE, {
        path: DASHBOARD_PATH,
        secure: deps.origin.secure(request),
      }),
    })
    .end();
}

/** The URL-encoded form of a POST; undefined when it is larger than a sign-out form. */
async function readForm(request: IncomingMessage): Promise<URLSearchParams | undefined> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > MAX_FORM) return undefined;
  }
  return new URLSearchParams(text);
}

const SAFE_NEXT = new RegExp(`^${DASHBOARD_PATH}(?:[/?][\\w\\-./?=&%]*)?$`);

/** Where to go after sign-in: a path of the dashboard's own, never another site. */
function dashboardPath(next: string | null): string {
  return next && SAFE_NEXT.test(next) && !next.includes('//') ? next : DASHBOARD_PATH;
}

/** A sentence, and the way to sign in. */
function page(response: ServerResponse, status: number, sentence: string, cookie?: string): void {
  html(response, status, `<p>${sentence}</p><p><a href="${LOGIN_PATH}">Sign in with GitHub</a></p>`, cookie);
}

/** A small page of the bot's own text, never framed, cached or sniffed. */
function html(response: ServerResponse, status: number, body: string, cookie?: string): void {
  response
    .writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      ...(cookie ? { 'set-cookie': cookie } : {}),
    })
    .end(
      `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Tranche</title>\n${body}\n`,
    );
}
