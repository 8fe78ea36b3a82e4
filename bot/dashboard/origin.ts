/**
 * Where the dashboard is served from, as a browser sees it: the bot's public origin when
 * TRANCHE_BOT_URL gives it, else the request's Host over http (as the page itself assumes; behind
 * an https proxy, set TRANCHE_BOT_URL). GitHub only sends people back to a callback URL
 * registered with the app, so a forged Host header cannot take a sign-in elsewhere.
 */
import type { IncomingMessage } from 'node:http';

export interface DashboardOrigin {
  /** `https://bot.example.com`, no trailing slash. */
  of(request: IncomingMessage): string;
  /** Cookies get the Secure attribute. */
  secure(request: IncomingMessage): boolean;
}

export function dashboardOrigin(publicOrigin: string | undefined): DashboardOrigin {
  const of = (request: IncomingMessage) => publicOrigin ?? `http://${request.headers.host ?? 'localhost'}`;
  return { of, secure: (request) => of(request).startsWith('https:') };
}

/** A request from a page of the dashboard's own origin: its Origin header says so, and the browser does not call it cross-site. */
export function sameOrigin(request: IncomingMessage, origin: DashboardOrigin): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  return request.headers.origin === origin.of(request);
}
