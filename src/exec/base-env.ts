/**
 * The environment deploy, rollback and check commands start from: the caller's, less what is
 * Tranche's own business or the runner's. A command still gets everything else it needs (cloud
 * credentials, PATH, the app's own DATABASE_URL), and its values come as TRANCHE_* on top.
 */

/** Variables a command never inherits unless the config passes them on. */
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

export interface CommandBaseEnvOptions {
  /**
   * What Tranche itself used as a credential in this run: its ledger's location and its GitHub
   * token. A variable holding one of them (a postgres:// DATABASE_URL that became the ledger,
   * GITHUB_TOKEN under `deploy --github`) is withheld, whatever its name.
   */
  credentials?: readonly (string | undefined)[] | undefined;
  /** Names the config passes on all the same (`passEnv`), for a command that needs one of them. */
  pass?: readonly string[] | undefined;
}

/**
 * `env` without the withheld variables, the Action's INPUT_* ones (they hold its token) and any
 * variable holding one of `credentials`, except those named in `pass`.
 */
export function commandBaseEnv(
  env: Record<string, string | undefined>,
  options: CommandBaseEnvOptions = {},
): Record<string, string | undefined> {
  const credentials = new Set(options.credentials?.filter((value) => value !== undefined && value !== ''));
  const pass = new Set(options.pass);
  const withheld = (name: string, value: string | undefined) =>
    WITHHELD.has(name) || name.startsWith('INPUT_') || (value !== undefined && credentials.has(value));
  return Object.fromEntries(
    Object.entries(env).filter(([name, value]) => pass.has(name) || !withheld(name, value)),
  );
}
