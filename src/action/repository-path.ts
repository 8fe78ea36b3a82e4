import { existsSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';

/**
 * The config file's path as GitHub names files in its repository (for annotations): relative to
 * the checkout that holds it, the nearest directory at or below the workspace with a `.git`. The
 * deployment workflow checks the default branch out under a directory of its own
 * (`.tranche-config/tranche.yml` in the workspace is `tranche.yml` in the repository); without a
 * checkout found, relative to the workspace.
 */
export function repositoryPath(configFile: string, workspace: string): string {
  for (let dir = dirname(configFile); ; dir = dirname(dir)) {
    const inside = relative(workspace, dir);
    if (inside.startsWith('..')) break;
    if (existsSync(`${dir}${sep}.git`)) return toPosix(relative(dir, configFile));
    if (inside === '') break;
  }
  return toPosix(relative(workspace, configFile));
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
