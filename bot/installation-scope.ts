/**
 * A handler scope without a webhook (the sweep's timer, the outcomes endpoint): the repository,
 * the installation's own client and tranche.yml from the default branch.
 */
import type { Probot } from 'probot';
import { type BotDeps, botSettings, type HandlerScope } from './bot-scope.ts';
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
    log: { info: (m: string) => app.log.info(m), warn: (m: string) => app.log.warn(m) },
    delivery: { id: `${event}-${at}-${deps.replica}`, repo, event, at },
  };
  const config = await readConfig(base, deps.configPaths);
  return { ...base, config, settings: botSettings(config) };
}
