/**
 * The bot process's timer: releases whose workflow never reported lose their lease even when no
 * webhook arrives for their repository. Each one is reported (an error status, a 😕 reply) and
 * its repository's queue moves on, through the installation's own client.
 */
import type { Probot } from 'probot';
import type { ReleaseRecord } from '../src/ledger/types.ts';
import { type BotDeps, botSettings, type HandlerScope, limitsOf } from './bot-scope.ts';
import type { BotOctokit } from './github/bot-octokit.ts';
import { readConfig } from './github/read-config.ts';
import { followAdvance } from './releases/start-release.ts';

export async function sweep(app: Probot, deps: BotDeps): Promise<void> {
  const expired = await deps.ledger.expireReleases(deps.now());
  const byRepo = Map.groupBy(expired, (release) => release.repo);
  for (const [repo, releases] of byRepo) {
    try {
      await sweepRepository(app, deps, repo, releases);
    } catch (error) {
      app.log.warn(`could not report the expired releases of ${repo}: ${(error as Error).message}`);
    }
  }
}

async function sweepRepository(app: Probot, deps: BotDeps, repo: string, expired: ReleaseRecord[]) {
  const installationId = expired.find((r) => r.installationId !== null)?.installationId;
  if (installationId === undefined || installationId === null) {
    app.log.warn(`releases of ${repo} expired, but no installation is known to report them`);
    return;
  }
  const [owner = '', name = ''] = repo.split('/');
  const octokit: BotOctokit = await app.auth(installationId);
  const base = {
    octokit,
    owner,
    repo: name,
    fullName: repo,
    installationId,
    htmlUrl: `https://github.com/${repo}`,
    deps,
    log: { info: (m: string) => app.log.info(m), warn: (m: string) => app.log.warn(m) },
    delivery: { id: `sweep-${deps.now()}`, repo, event: 'sweep', at: deps.now() },
  };
  const config = await readConfig(base, deps.configPath);
  const scope: HandlerScope = { ...base, config, settings: botSettings(config) };
  const advance = await deps.ledger.advanceQueue(repo, limitsOf(scope.settings), deps.now());
  await followAdvance(scope, { expired: [...expired, ...advance.expired], started: advance.started });
}
