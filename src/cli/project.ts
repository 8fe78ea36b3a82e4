import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { UnknownEnvironmentError } from '../config/errors.ts';
import { type ReadConfig, readInventories } from '../config/inventory.ts';
import { type LoadedConfig, loadConfig } from '../config/load.ts';
import { CONFIG_PATHS, configHome, configName, hiddenBy, locateConfig } from '../config/location.ts';
import { commandBaseEnv } from '../exec/base-env.ts';
import { inventoryReader } from '../exec/inventory-reader.ts';
import {
  chooseLedgerLocation,
  DEFAULT_LEDGER_PATH,
  ledgerCredential,
  ledgerFileMissing,
  openLedger,
  sqliteFileOf,
} from '../ledger/open.ts';
import type { Ledger } from '../ledger/types.ts';

import { repositoryRoot } from './find-config.ts';
import { isUnignoredInWorkTree } from './git.ts';
import { type Runtime, UsageError } from './runtime.ts';

/** The options every command takes. */
export interface CommonOptions {
  config: string;
  environment?: string | undefined;
  ledger?: string | undefined;
  json?: boolean | undefined;
}

export interface Project {
  loaded: LoadedConfig;
  /**
   * The config file's directory, or the repository root for `.github/tranche.yml`
   * (config/location.ts): commands run there, and the default ledger lives there.
   */
  dir: string;
}

export async function loadProject(options: CommonOptions, runtime: Runtime): Promise<Project> {
  const path = configPath(options, runtime);
  for (const hidden of hiddenBy(path)) {
    runtime.stderr.write(
      `tranche: ${shownPath(runtime.cwd, hidden)} is not read: ${shownPath(runtime.cwd, path)} comes first, for the bot and the Action too; remove one of them\n`,
    );
  }
  // Problems name the file as the user would: from the working directory when it is below it.
  const loaded = await loadConfig(path, shownPath(runtime.cwd, path));
  return { loaded: { ...loaded, file: relative(runtime.cwd, path) || path }, dir: configHome(path) };
}

function shownPath(cwd: string, file: string): string {
  const inside = relative(cwd, file);
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? file : inside;
}

/**
 * The project with the inventories of the environment's components read (config/inventory.ts):
 * their commands run in the config's directory with the environment deploy commands get.
 */
export async function readProjectInventory(
  project: Project,
  environment: string,
  options: CommonOptions,
  runtime: Runtime,
): Promise<Project & { loaded: ReadConfig }> {
  const read = inventoryReader({
    cwd: project.dir,
    baseEnv: projectCommandEnv(project, options, runtime),
    service: project.loaded.config.service,
  });
  return { ...project, loaded: await readInventories(project.loaded, environment, read) };
}

/** The environment named by --environment, or the only one the config has. */
export function chooseEnvironment(project: Project, options: CommonOptions): string {
  const names = Object.keys(project.loaded.config.environments);
  const named = namedEnvironment(project, options);
  if (named !== undefined) return named;
  if (names.length === 1) return names[0] as string;
  throw new UsageError(`--environment is required: ${options.config} defines ${names.join(', ')}`);
}

/**
 * The environment named by --environment, undefined when none is (for commands that then cover
 * every environment); throws UnknownEnvironmentError for one the config does not define.
 */
export function namedEnvironment(project: Project, options: CommonOptions): string | undefined {
  const name = options.environment;
  if (!name) return undefined;
  const { environments } = project.loaded.config;
  if (!Object.hasOwn(environments, name)) throw new UnknownEnvironmentError(name, Object.keys(environments));
  return name;
}

/**
 * What a command does about a SQLite ledger that is not there yet. `create` (a deploy's first run)
 * makes it. `read`, for a command that only reads what is recorded (status, history, a rollback's
 * choice …), makes nothing: the config's default ledger not there yet reads as an empty one (said
 * on stderr), and a ledger named with --ledger or TRANCHE_LEDGER that is not there is refused.
 * `existing` refuses either.
 */
export type MissingLedger = 'create' | 'read' | 'existing';

/**
 * --ledger, else TRANCHE_LEDGER, else a postgres:// DATABASE_URL, else .tranche/ledger.db beside
 * the config. A ledger that cannot be opened is a UsageError (exit 2) naming where the location
 * came from; the ledger's own message names the location (a URL with its password masked).
 */
export async function openProjectLedger(
  options: CommonOptions,
  runtime: Runtime,
  dir: string,
  missing: MissingLedger = 'create',
): Promise<Ledger> {
  const chosen = chooseLedgerLocation(options.ledger, runtime.env);
  const defaultPath = join(dir, DEFAULT_LEDGER_PATH);
  const creating = chosen === undefined && ledgerFileMissing(resolve(defaultPath));
  if (creating) refuseBesideEarlierDefault(dir);
  if (creating && missing === 'existing') {
    throw new UsageError(
      `no ledger at ${defaultPath}: nothing has been deployed from here; run it where your tranche.yml is, or name a ledger with --ledger or TRANCHE_LEDGER`,
    );
  }
  if (creating && missing === 'read') {
    runtime.stderr.write(`tranche: no ledger yet at ${defaultPath}: nothing is recorded\n`);
    return openLedger(':memory:', dir);
  }
  // A named file not there yet is made, and said: a typo in --ledger would otherwise read as a new, empty ledger.
  const named = chosen === undefined ? undefined : sqliteFileOf(chosen.location, dir);
  try {
    const making = missing === 'create' && named !== undefined && ledgerFileMissing(named);
    const ledger = await openLedger(chosen?.location, dir, {}, { existing: missing !== 'create' });
    if (creating) await adviseIgnoring(dir, runtime);
    if (making)
      runtime.stderr.write(`tranche: no ledger at ${named} yet (${chosen?.from}): made a new one\n`);
    return ledger;
  } catch (error) {
    const from = chosen ? chosen.from : `the default ledger (${join(dir, DEFAULT_LEDGER_PATH)})`;
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${from}: ${message}`, { cause: error });
  }
}

/**
 * Where Tranche kept the default ledger of a `.github/tranche.yml` before it kept it at the
 * repository's root (beside the config then, in `.github`).
 */
const EARLIER_DEFAULT_LEDGER = join('.github', DEFAULT_LEDGER_PATH);

/**
 * A new default ledger beside the one an earlier Tranche kept in `.github` would start the
 * service's versions and history over (version 1 again, its tags already taken): refused, saying
 * how to go on with the one there is.
 */
function refuseBesideEarlierDefault(dir: string): void {
  const earlier = join(dir, EARLIER_DEFAULT_LEDGER);
  if (!existsSync(earlier)) return;
  throw new UsageError(
    `the default ledger is ${join(dir, DEFAULT_LEDGER_PATH)}, and there is none yet; the ledger an earlier Tranche kept for .github/tranche.yml is ${earlier}. Move it (from ${dir}: mv ${dirname(EARLIER_DEFAULT_LEDGER)} ${dirname(DEFAULT_LEDGER_PATH)}) or name it with --ledger, so that its versions and history go on; nothing was created`,
  );
}

/**
 * The environment deploy, rollback and check commands start from: the CLI's, less the ledger's
 * PostgreSQL URL wherever it came from and `credentials` (a GitHub token), except what the config's
 * passEnv names (see commandBaseEnv).
 */
export function projectCommandEnv(
  project: Project,
  options: CommonOptions,
  runtime: Runtime,
  credentials: readonly string[] = [],
): Record<string, string | undefined> {
  const ledger = ledgerCredential(chooseLedgerLocation(options.ledger, runtime.env)?.location);
  return commandBaseEnv(runtime.env, {
    credentials: [ledger, ...credentials],
    pass: project.loaded.config.passEnv,
  });
}

/** On creating the default ledger in a git work tree: say how to keep it out of `git status`. */
async function adviseIgnoring(dir: string, runtime: Runtime): Promise<void> {
  const ledgerDir = dirname(DEFAULT_LEDGER_PATH);
  // Outside a repository there is nothing to ignore, and no git process to start.
  if (repositoryRoot(dir) === undefined || !(await isUnignoredInWorkTree(dir, ledgerDir))) return;
  runtime.stderr.write(
    `tranche: created the ledger ${join(dir, DEFAULT_LEDGER_PATH)}; deploys never count it as a change, ` +
      `and a line \`${ledgerDir}/\` in ${join(dir, '.gitignore')} keeps it out of git status too\n`,
  );
}

/** Where the default ledger lives (Project's `dir`), without reading the config. */
export function configDir(options: CommonOptions, runtime: Runtime): string {
  return configHome(configPath(options, runtime));
}

/** The file --config names, or the repository's config in the directory it names (config/location.ts). */
function configPath(options: CommonOptions, runtime: Runtime): string {
  const located = locateConfig(resolve(runtime.cwd, options.config));
  if ('file' in located) return located.file;
  throw new UsageError(`--config: ${options.config} is a directory with no ${configName(CONFIG_PATHS)}`);
}

export async function withLedger<T>(
  options: CommonOptions,
  runtime: Runtime,
  dir: string,
  use: (ledger: Ledger) => Promise<T>,
  missing: MissingLedger = 'create',
): Promise<T> {
  const ledger = await openProjectLedger(options, runtime, dir, missing);
  try {
    return await use(ledger);
  } finally {
    await ledger.close();
  }
}
