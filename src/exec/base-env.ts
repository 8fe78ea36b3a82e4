/**
 * The environment deploy, rollback and check commands start from: the caller's, less what is
 * Tranche's own business or the runner's. A command still gets everything else it needs (cloud
 * credentials, PATH, the app's DATABASE_URL), and its values come as TRANCHE_* on top.
 */

/** Variables a command never inherits. */
const WITHHELD = new Set([
  // Tranche's own secrets: the ledger's URL (it may carry a password) and the bundle signing key.
  'TRANCHE_LEDGER',
  'TRANCHE_BUNDLE_KEY',
  // The runner's internals, which GitHub gives JavaScript actions but not `run:` steps.
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
]);

/** `env` without the withheld variables and the Action's INPUT_* ones (they hold its token). */
export function commandBaseEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !WITHHELD.has(name) && !name.startsWith('INPUT_')),
  );
}
