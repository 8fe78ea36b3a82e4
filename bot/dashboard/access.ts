/**
 * What a signed-in person may see and do on the bot's dashboard, asked of GitHub with the app's
 * installation token: they see a service when they can read one of the repositories that own it;
 * they may deploy or roll it back when the rule of /deploy and /rollback (decide/may-change.ts)
 * lets them in the repository the dashboard acts in, with that repository's `bot.deployers`.
 * GitHub's answers (an installation, a person's role on a repository, a repository's tranche.yml)
 * are kept for ACCESS_MS, so a page of many services and buttons costs few requests.
 */
import type { Probot } from 'probot';
import type { DashboardAction } from '../../src/dashboard/host.ts';
import type { BotDeps } from '../bot-scope.ts';
import { changeRefusal, type RequesterRole } from '../decide/may-change.ts';
import type { RepoScope } from '../github/bot-octokit.ts';
import { requesterRole } from '../github/requester.ts';
import { configFor } from '../handlers/environment-check.ts';
import { installationIdOf } from '../installation-scope.ts';
import { actingScope, ownerScopes } from './service-repository.ts';

/** How long an answer of GitHub's is kept. */
export const ACCESS_MS = 60_000;
/** At most this many answers are kept; the oldest go first. */
const MAX_ANSWERS = 10_000;

export interface DashboardAccess {
  canRead(login: string, service: string): Promise<boolean>;
  /** Why `login` may not `action` the service's environment; null when they may. */
  actRefusal(
    login: string,
    service: string,
    environment: string,
    action: DashboardAction,
  ): Promise<string | null>;
}

export function dashboardAccess(app: Probot, deps: BotDeps): DashboardAccess {
  const answers = new Map<string, { at: number; value: Promise<unknown> }>();
  const remembered = <T>(key: unknown[], ask: () => Promise<T>): Promise<T> => {
    const name = JSON.stringify(key);
    const now = deps.now();
    const kept = answers.get(name);
    if (kept && now - kept.at < ACCESS_MS) return kept.value as Promise<T>;
    const value = ask();
    const entry = { at: now, value };
    // A question GitHub failed is asked again next time.
    value.catch(() => answers.get(name) === entry && answers.delete(name));
    answers.delete(name);
    answers.set(name, entry);
    if (answers.size > MAX_ANSWERS) answers.delete(answers.keys().next().value as string);
    return value;
  };
  const installationOf = (repository: string) =>
    remembered(['installation', repository], () => installationIdOf(app, repository));
  const roleOf = (scope: RepoScope, login: string): Promise<RequesterRole> =>
    remembered(['role', scope.fullName, login], () => requesterRole(scope, login));
  const settingsOf = (service: string) =>
    remembered(['settings', service], () => actingScope(app, deps, service, installationOf));
  return {
    async canRead(login, service) {
      for (const scope of await ownerScopes(app, deps, service, installationOf)) {
        if ((await roleOf(scope, login)).permission !== 'none') return true;
      }
      return false;
    },
    async actRefusal(login, service, environment, action) {
      const scope = await settingsOf(service);
      if (!scope) return `the app is not installed on a repository that owns ${service}`;
      const config = configFor(scope, environment);
      if (!config.ok) return config.problem;
      if (config.loaded.config.service !== service)
        return `${scope.fullName}'s ${config.loaded.file} names ${config.loaded.config.service}, not ${service}`;
      const refusal = changeRefusal(action, await roleOf(scope, login), undefined, scope.settings.deployers);
      return refusal?.message ?? null;
    },
  };
}
