import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { configIn } from '../config/location.ts';

/** The config file a command reads when --config is not given and none is found. */
export const DEFAULT_CONFIG_FILE = 'tranche.yml';

/**
 * The nearest tranche.yml from `cwd` up to the root of the git repository holding it, so a
 * command works from any directory of the repository; at the root, the repository's own as the
 * bot reads it (`.github/tranche.yml`, else `tranche.yml`: config/location.ts). Outside a
 * repository `cwd` is the root. Undefined when there is none.
 */
export function findConfig(cwd: string): string | undefined {
  const root = repositoryRoot(cwd) ?? cwd;
  for (let dir = cwd; dir !== root; dir = dirname(dir)) {
    const candidate = join(dir, DEFAULT_CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
  }
  return configIn(root);
}

/** The nearest directory up from `dir` that holds `.git` (a directory, or a worktree's file). */
export function repositoryRoot(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, '.git'))) return current;
    if (dirname(current) === current) return undefined;
  }
}
