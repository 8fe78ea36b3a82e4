/**
 * `npm run bot`, and dist/bot.js bundled from it, configured by Probot's standard environment
 * (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, WEBHOOK_PATH, LOG_LEVEL, GHE_HOST;
 * PORT and HOST for where it listens) plus the ledger's (TRANCHE_LEDGER or DATABASE_URL),
 * TRANCHE_CONFIG, TRANCHE_OUTCOMES_SECRET, and the dashboard's GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET,
 * TRANCHE_BOT_URL and TRANCHE_DASHBOARD_SECRET (dashboard/settings.ts).
 *
 * With credentials, the bot runs in a Node HTTP server of its own around createNodeMiddleware,
 * not Probot's `run`: that one hands every request to Probot's webhook middleware before the
 * app's own handlers, and the bot's guard (http/webhook-guard.ts) must see each body first. It
 * answers GET /ping as Probot's server does, for health checks. Without APP_ID and a private
 * key, Probot's `run` serves its setup flow, which registers the app from ./app.yml (no webhook
 * can arrive before that).
 */
import { createServer } from 'node:http';
import { createNodeMiddleware, createProbot, run } from 'probot';
import { BotProbotOctokit } from './github/octokit.ts';
import app from './index.ts';

const {
  APP_ID,
  PRIVATE_KEY,
  PRIVATE_KEY_PATH,
  WEBHOOK_SECRET,
  PORT = '3000',
  HOST = 'localhost',
} = process.env;

if (!APP_ID || !(PRIVATE_KEY || PRIVATE_KEY_PATH)) {
  await run(app);
} else {
  if (!WEBHOOK_SECRET) throw new Error('tranche bot: set WEBHOOK_SECRET, the app’s webhook secret');
  // Probot's own server logs at info unless LOG_LEVEL says otherwise; createProbot's default is warn.
  const probot = createProbot({
    env: { LOG_LEVEL: 'info', ...process.env },
    overrides: { Octokit: BotProbotOctokit },
  });
  const middleware = await createNodeMiddleware(app, { probot });
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/ping') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('PONG');
      return;
    }
    void middleware(request, response, () => response.writeHead(404).end());
  });
  server.listen(Number(PORT), HOST, () => {
    probot.log.info(`Listening on http://${HOST}:${PORT} (webhooks at ${probot.webhookPath})`);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => server.close(() => process.exit(0)));
  }
}
