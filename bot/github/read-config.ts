/**
 * tranche.yml as the repository's default branch has it, through the contents API (no ref: the
 * default branch), never from a pull request's head: a pull request cannot change who may deploy
 * or what a deploy runs. Where it is follows Probot's convention for an app's settings,
 * `.github/tranche.yml`, and `tranche.yml` at the root is read when there is none there. A text
 * parsed before is not parsed again: every webhook reads the file, and it seldom changes.
 */
import { ConfigError } from '../../src/config/errors.ts';
import { type LoadedConfig, parseConfig } from '../../src/config/load.ts';
import { configName } from '../../src/config/location.ts';
import { httpStatus } from '../../src/github/client.ts';
import type { RepoScope } from './bot-octokit.ts';

export type RepoConfig =
  | { state: 'loaded'; loaded: LoadedConfig }
  | { state: 'missing'; path: string }
  | { state: 'invalid'; path: string; message: string };

/** Parsed files kept, by path and text: one per repository the process serves, give or take. */
const PARSED_KEPT = 256;
const parsed = new Map<string, RepoConfig>();

/** The first of `paths` the default branch has; a 404 on every one is `missing`. */
export async function readConfig(scope: RepoScope, paths: readonly string[]): Promise<RepoConfig> {
  for (const path of paths) {
    const text = await readFile(scope, path);
    if (text === undefined) continue;
    return typeof text === 'string' ? parseOnce(text, path) : text;
  }
  return { state: 'missing', path: configName(paths) };
}

/** The file parsed, or the parse kept from an earlier webhook of the same text (oldest dropped first). */
function parseOnce(text: string, path: string): RepoConfig {
  const key = `${path}\0${text}`;
  const kept = parsed.get(key);
  if (kept) return kept;
  const config = parse(text, path);
  if (parsed.size >= PARSED_KEPT) parsed.delete(parsed.keys().next().value ?? '');
  parsed.set(key, config);
  return config;
}

function parse(text: string, path: string): RepoConfig {
  try {
    return { state: 'loaded', loaded: parseConfig(text, path) };
  } catch (error) {
    if (error instanceof ConfigError) return { state: 'invalid', path, message: error.message };
    throw error;
  }
}

/** The file's text; undefined when the default branch has no such path. */
async function readFile(scope: RepoScope, path: string): Promise<string | RepoConfig | undefined> {
  try {
    const { data } = await scope.octokit.rest.repos.getContent({
      owner: scope.owner,
      repo: scope.repo,
      path,
    });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) {
      return { state: 'invalid', path, message: `${path} on the default branch is not a file` };
    }
    return Buffer.from(data.content, 'base64').toString('utf8');
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw error;
  }
}
