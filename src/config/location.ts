/**
 * Where a repository keeps its tranche.yml, and where its commands run: one rule for the bot (on
 * the default branch), the Action (in its checkout) and the CLI (at the repository's root).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * A repository's tranche.yml, first found first: `.github/tranche.yml` (Probot's place for an
 * app's settings), else `tranche.yml` at the root.
 */
export const CONFIG_PATHS: readonly string[] = ['.github/tranche.yml', 'tranche.yml'];

/** The repository's config in `dir`, the root of a checkout: the first of CONFIG_PATHS there. */
export function configIn(dir: string): string | undefined {
  return CONFIG_PATHS.map((path) => join(dir, path)).find((file) => existsSync(file));
}

/**
 * The repository configs beside `file` that it hides: for the first of CONFIG_PATHS in a checkout's
 * root, the others there too, which nothing reads (the bot, the Action and the CLI all take the
 * first). None for any other file.
 */
export function hiddenBy(file: string): string[] {
  const root = configHome(file);
  const found = CONFIG_PATHS.map((path) => join(root, path)).filter((candidate) => existsSync(candidate));
  return found[0] === file ? found.slice(1) : [];
}

/**
 * The config file `path` names: the file itself, or for a directory (a checkout's root) the
 * repository's config in it; `missing` names that directory when it holds neither.
 */
export function locateConfig(path: string): { file: string } | { missing: string } {
  if (!isDirectory(path)) return { file: path };
  const file = configIn(path);
  return file === undefined ? { missing: path } : { file };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    // Not reachable as a directory (a file on the way, no permission): read as a file, whose
    // reading then says what is wrong.
    return false;
  }
}

/** The paths as one name for messages: `.github/tranche.yml or tranche.yml`. */
export function configName(paths: readonly string[]): string {
  return paths.join(' or ');
}

/**
 * The directory a config's deploy and check commands run in and its default ledger lives in: the
 * config file's own, or for one kept in a `.github` directory the directory above (the
 * repository's root), not `.github`.
 */
export function configHome(configFile: string): string {
  const dir = dirname(configFile);
  return basename(dir) === '.github' ? dirname(dir) : dir;
}
