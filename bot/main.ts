/**
 * `npm run bot`: Probot's server with the Tranche bot, configured by Probot's standard environment
 * (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, LOG_LEVEL) plus the ledger's
 * (TRANCHE_LEDGER or DATABASE_URL) and TRANCHE_CONFIG.
 */
import { run } from 'probot';
import app from './index.ts';

await run(app);
