/**
 * The local host's sign-in, as a notebook server does it: a secret made at launch goes in the URL
 * `tranche dashboard` prints; opening it once swaps the secret for an HttpOnly, SameSite=Strict
 * session cookie and drops it from the address bar. Whoever has neither sees nothing.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DashboardAuth, type DashboardViewer, sameSecret } from './host.ts';

export interface LocalAuth extends DashboardAuth {
  /** The secret of the printed URL. */
  readonly secret: string;
  /** The path of the sign-in URL: `<base>/login`. */
  readonly loginPath: string;
  /** Answers the sign-in request; false for any other path. */
  login(req: IncomingMessage, res: ServerResponse): boolean;
}

export interface LocalViewer {
  actor: string;
  canRead: DashboardViewer['canRead'];
  canAct: DashboardViewer['canAct'];
}

function token(): string {
  return randomBytes(32).toString('base64url');
}

export function localAuth(basePath: string, viewer: LocalViewer): LocalAuth {
  const secret = token();
  const session = token();
  const csrfToken = token();
  // One name per launch: two dashboards on one machine (different ports, one cookie jar) keep their own.
  const cookie = `tranche_dashboard_${randomBytes(4).toString('hex')}`;
  const loginPath = `${basePath}/login`;
  const signedIn: DashboardViewer = { ...viewer, csrfToken };
  return {
    secret,
    loginPath,
    async viewer(req) {
      const sent = cookieValue(req.headers.cookie, cookie);
      return sent !== undefined && sameSecret(sent, session) ? signedIn : null;
    },
    refuse(_req, res) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end('Open the URL `tranche dashboard` printed: this dashboard needs its secret.\n');
    },
    login(req, res) {
      const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
      if (url.pathname !== loginPath) return false;
      const sent = url.searchParams.get('token');
      if (req.method !== 'GET' || sent === null || !sameSecret(sent, secret)) {
        this.refuse(req, res);
        return true;
      }
      res.writeHead(303, {
        location: `${basePath}/`,
        'set-cookie': `${cookie}=${session}; HttpOnly; SameSite=Strict; Path=${basePath || '/'}`,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      res.end();
      return true;
    },
  };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
