/**
 * `npm run bot`, and dist/bot.js bundled from it: the Tranche bot in a Node HTTP server, configured
 * by Probot's standard environment (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET,
 * WEBHOOK_PATH, LOG_LEVEL, GHE_HOST; PORT and HOST for where it listens) plus the ledger's
 * (TRANCHE_LEDGER or DATABASE_URL), TRANCHE_CONFIG and TRANCHE_OUTCOMES_SECRET. The server is
 * createNodeMiddleware's, not Probot's `run`: that one hands every request to Probot's webhook
 * middleware before the app's own handlers, and the bot's guard (http/webhook-guard.ts) must see
 * each body first.
 */
import { createServer } from 'node:http';
import { createNodeMiddleware, createProbot } from 'probot';
import app from './index.ts';

const { APP_ID, WEBHOOK_SECRET, PORT = '3000', HOST = 'localhost' } = process.env;
if (!APP_ID || !WEBHOOK_SECRET) {
  throw new Error('tranche bot: set APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET');
}
// Probot's own server logs at info unless LOG_LEVEL says otherwise; createProbot's default is warn.
const probot = createProbot({ env: { LOG_LEVEL: 'info', ...process.env } });
const middleware = await createNodeMiddleware(app, { probot });
const server = createServer((request, response) => {
  void middleware(request, response, () => response.writeHead(404).end());
});
server.listen(Number(PORT), HOST, () => {
  probot.log.info(`tranche bot: webhooks on http://${HOST}:${PORT}${probot.webhookPath}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
