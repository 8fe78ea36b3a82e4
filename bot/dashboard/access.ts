/**
 * What the bot's dashboard asks GitHub, with the app's installation token. A signed-in person sees
 * a service when they can read one of the repositories that own it; they may deploy or roll it
 * back when the rule of /deploy and /rollback (decide/may-change.ts) lets them in the repository
 * the bot acts for the service in, with its `bot.deployers`. GitHub's answers (an installation, a
 * person's role on a repository, a repository's tranche.yml) are kept a minute (kept-answers.ts),
 * as are that repository's recent commits, which the page lists with a deploy button per
 * environment; the release tracks come from the same tranche.yml.
 */
import type { Probot } from 'probot';
import { resolveTracks } from '../../src/config/resolve.ts';
import type { DashboardAction } from '../../src/dashboard/host.ts';
import type { CommitView, ServiceTracks } from '../../src/dashboard/panels/panel.ts';
import { type BotDeps, loadedConfig } from '../bot-scope.ts';
import { changeRefusal, type RequesterRole } from '../decide/may-change.ts';
import type { RepoScope } from '../github/bot-octokit.ts';
import { requesterRole } from '../github/requester.ts';
import { configFor } from '../handlers/environment-check.ts';
import { installationIdOf } from '../installation-scope.ts';
import { keptAnswers } from './kept-answers.ts';
import { actingScope, ownerScopes } from './service-repository.ts';

export interface DashboardAccess {
  canRead(login: string, service: string): Promise<boolean>;
  /** Why `login` may not `action` the service's environment; null when they may. */
  actRefusal(
    login: string,
    service: string,
    environment: string,
    action: DashboardAction,
  ): Promise<string | null>;
  /** The newest commits on the default branch of the repository the service's deploys run in. */
  recentCommits(service: string): Promise<CommitView[]>;
  /** The release tracks that repository's tranche.yml declares; undefined without one. */
  serviceTracks(service: string): Promise<ServiceTracks | undefined>;
}

/** How many commits the page lists per service. */
const COMMITS = 10;

export function dashboardAccess(app: Probot, deps: BotDeps): DashboardAccess {
  const remembered = keptAnswers(deps.now);
  const installationOf = (repository: string) =>
    remembered(['installation', repository], () => installationIdOf(app, repository));
  const roleOf = (scope: RepoScope, login: string): Promise<RequesterRole> =>
    remembered(['role', scope.fullName, login], () => requesterRole(scope, login));
  const settingsOf = (service: string) =>
    remembered(['settings', service], () => actingScope(app, deps, service));
  return {
    async canRead(login, service) {
      for (const scope of await ownerScopes(app, deps, service, installationOf)) {
        if ((await roleOf(scope, login)).permission !== 'none') return true;
      }
      return false;
    },
    async actRefusal(login, service, environment, action) {
      const scope = await settingsOf(service);
      if (!scope)
        return `the bot has released ${service} from no repository, so it has nowhere to act for it`;
      const config = configFor(scope, environment);
      if (!config.ok) return config.problem;
      if (config.loaded.config.service !== service)
        return `${scope.fullName}'s ${config.loaded.file} names ${config.loaded.config.service}, not ${service}`;
      const refusal = changeRefusal(action, await roleOf(scope, login), undefined, scope.settings.deployers);
      return refusal?.message ?? null;
    },
    async serviceTracks(service) {
      const scope = await settingsOf(service);
      const loaded = scope && loadedConfig(scope);
      return loaded?.config.service === service ? { tracks: resolveTracks(loaded.config) } : undefined;
    },
    recentCommits: (service) =>
      remembered(['commits', service], async () => {
        const scope = await settingsOf(service);
        if (!scope) return [];
        const { data } = await scope.octokit.rest.repos.listCommits({
          owner: scope.owner,
          repo: scope.repo,
          per_page: COMMITS,
        });
        return data.map((c) => ({
          sha: c.sha,
          subject: c.commit.message.split('\n')[0] ?? '',
          author: c.author?.login ?? c.commit.author?.name ?? 'unknown',
          at: Date.parse(c.commit.author?.date ?? c.commit.committer?.date ?? '') || 0,
        }));
      }),
  };
}
