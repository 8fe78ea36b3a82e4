/**
 * The bot's dashboard settings, from the environment: the app's OAuth client (GITHUB_CLIENT_ID and
 * GITHUB_CLIENT_SECRET, the names Probot's setup flow writes to .env), the secret that signs its
 * cookies (TRANCHE_DASHBOARD_SECRET, else the app's WEBHOOK_SECRET) and, optionally, the bot's
 * public URL (TRANCHE_BOT_URL) that GitHub sends people back to after sign-in. On GitHub
 * Enterprise Server (Probot's GHE_HOST and GHE_PROTOCOL) people sign in there.
 */
import { z } from 'zod';

/** Where the bot serves its dashboard. */
export const DASHBOARD_PATH = '/dashboard';

export interface DashboardSettings {
  clientId: string;
  clientSecret: string;
  /** Signs the dashboard's cookies (a key is derived from it). */
  sessionSecret: string;
  /** The bot's public origin (`https://bot.example.com`); undefined: each request's Host header. */
  publicOrigin?: string | undefined;
  /** GitHub's REST API (`https://ghe.example.com/api/v3`); undefined: api.github.com. */
  apiUrl?: string | undefined;
}

const botUrlSchema = z.url({ protocol: /^https?$/ });

/** The settings, or the sentence that says why the dashboard is off. */
export function dashboardSettings(env: NodeJS.ProcessEnv): DashboardSettings | string {
  const {
    GITHUB_CLIENT_ID,
    GITHUB_CLIENT_SECRET,
    TRANCHE_DASHBOARD_SECRET,
    WEBHOOK_SECRET,
    TRANCHE_BOT_URL,
    GHE_HOST,
    GHE_PROTOCOL = 'https',
  } = env;
  if (!GITHUB_CLIENT_ID || !GITHUB_CLIENT_SECRET) {
    return `${DASHBOARD_PATH} is off; set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the app's OAuth client) to serve it`;
  }
  const sessionSecret = TRANCHE_DASHBOARD_SECRET || WEBHOOK_SECRET;
  if (!sessionSecret) return `${DASHBOARD_PATH} is off; set TRANCHE_DASHBOARD_SECRET to sign its sessions`;
  let publicOrigin: string | undefined;
  if (TRANCHE_BOT_URL) {
    const parsed = botUrlSchema.safeParse(TRANCHE_BOT_URL);
    if (!parsed.success) return `${DASHBOARD_PATH} is off; TRANCHE_BOT_URL is not an http(s) URL`;
    publicOrigin = new URL(parsed.data).origin;
  }
  return {
    clientId: GITHUB_CLIENT_ID,
    clientSecret: GITHUB_CLIENT_SECRET,
    sessionSecret,
    publicOrigin,
    apiUrl: GHE_HOST ? `${GHE_PROTOCOL}://${GHE_HOST}/api/v3` : undefined,
  };
}
