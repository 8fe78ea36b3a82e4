/**
 * tranche.yml as the repository's default branch has it, through the contents API (no ref: the
 * default branch), never from a pull request's head: a pull request cannot change who may deploy
 * or what a deploy runs.
 */
import { ConfigError } from '../../src/config/errors.ts';
import { type LoadedConfig, parseConfig } from '../../src/config/load.ts';
import { httpStatus } from '../../src/github/client.ts';
import type { RepoScope } from './bot-octokit.ts';

export type RepoConfig =
  | { state: 'loaded'; loaded: LoadedConfig }
  | { state: 'missing'; path: string }
  | { state: 'invalid'; path: string; message: string };

export async function readConfig(scope: RepoScope, path: string): Promise<RepoConfig> {
  let text: string;
  try {
    const { data } = await scope.octokit.rest.repos.getContent({
      owner: scope.owner,
      repo: scope.repo,
      path,
    });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) {
      return { state: 'invalid', path, message: `${path} on the default branch is not a file` };
    }
    text = Buffer.from(data.content, 'base64').toString('utf8');
  } catch (error) {
    if (httpStatus(error) === 404) return { state: 'missing', path };
    throw error;
  }
  try {
    return { state: 'loaded', loaded: parseConfig(text, path) };
  } catch (error) {
    if (error instanceof ConfigError) return { state: 'invalid', path, message: error.message };
    throw error;
  }
}
