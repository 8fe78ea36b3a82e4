/**
 * A handler scope without a webhook (the sweep's timer, the outcomes endpoint): the repository,
 * the installation's own client and tranche.yml from the default branch.
 */
import type { Probot } from 'probot';
import { httpStatus } from '../src/github/client.ts';
import { type BotDeps, botLog, botSettings, type HandlerScope } from './bot-scope.ts';
import type { BotOctokit } from './github/bot-octokit.ts';
import { readConfig } from './github/read-config.ts';

export async function installationScope(
  app: Probot,
  deps: BotDeps,
  repo: string,
  installationId: number,
  event: string,
): Promise<HandlerScope> {
  const [owner = '', name = ''] = repo.split('/');
  const octokit: BotOctokit = await app.auth(installationId);
  const at = deps.now();
  const base = {
    octokit,
    owner,
    repo: name,
    fullName: repo,
    installationId,
    htmlUrl: `https://github.com/${repo}`,
    deps,
    log: botLog(app.log),
    delivery: { id: `${event}-${at}-${deps.replica}`, repo, event, at },
  };
  const config = await readConfig(base, deps.configPaths);
  return { ...base, config, settings: botSettings(config) };
}

/** The app's installation on `owner/repo`, asked of GitHub with the app's own token; undefined when not installed. */
export async function installationIdOf(app: Probot, repository: string): Promise<number | undefined> {
  const [owner = '', repo = ''] = repository.split('/');
  try {
    const { data } = await (await app.auth()).rest.apps.getRepoInstallation({ owner, repo });
    return data.id;
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw error;
  }
}

/** Installations already recorded on releases the ledger holds of a repository: enough to find one. */
const RELEASES_READ = 20;

/**
 * The app's installation on `repo`: the one its releases in the ledger recorded, else GitHub's
 * answer to the app itself; null when the app is not installed there.
 */
export async function repositoryInstallation(
  app: Probot,
  deps: BotDeps,
  repo: string,
): Promise<number | null> {
  const releases = await deps.ledger.releases({ repo, limit: RELEASES_READ });
  const recorded = releases.find((r) => r.installationId !== null)?.installationId;
  if (typeof recorded === 'number') return recorded;
  return (await installationIdOf(app, repo)) ?? null;
}
