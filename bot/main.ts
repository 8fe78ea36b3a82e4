/**
 * `npm run bot`, and dist/bot.js bundled from it: Probot's server with the Tranche bot, configured
 * by Probot's standard environment (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT,
 * LOG_LEVEL) plus the ledger's (TRANCHE_LEDGER or DATABASE_URL) and TRANCHE_CONFIG. Without APP_ID
 * and PRIVATE_KEY, Probot serves its setup flow, which registers the app from ./app.yml.
 */
import { run } from 'probot';
import app from './index.ts';

await run(app);
