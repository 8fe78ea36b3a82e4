/**
 * What a signed-in person may see and do on the bot's dashboard, asked of GitHub with the app's
 * installation token: they see a service when they can read one of the repositories that own it;
 * they may deploy or roll it back when the rule of /deploy and /rollback (decide/may-change.ts)
 * lets them in the repository the dashboard acts in, with that repository's `bot.deployers`.
 * Answers are kept for ACCESS_MS per person, so a page of many services costs few requests.
 */
import type { Probot } from 'probot';
import type { DashboardAction } from '../../src/dashboard/host.ts';
import type { BotDeps } from '../bot-scope.ts';
import { changeRefusal, type Refusal } from '../decide/may-change.ts';
import { requesterRole } from '../github/requester.ts';
import { configFor } from '../handlers/environment-check.ts';
import { actingScope, ownerScopes } from './service-repository.ts';

/** How long an answer about a person is kept. */
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
  const remembered = <T>(key: string, ask: () => Promise<T>): Promise<T> => {
    const now = deps.now();
    const kept = answers.get(key);
    if (kept && now - kept.at < ACCESS_MS) return kept.value as Promise<T>;
    const value = ask();
    // A failed question is asked again next time.
    value.catch(() => answers.delete(key));
    answers.delete(key);
    answers.set(key, { at: now, value });
    if (answers.size > MAX_ANSWERS) answers.delete(answers.keys().next().value as string);
    return value;
  };
  return {
    canRead: (login, service) =>
      remembered(JSON.stringify(['read', login, service]), async () => {
        for (const scope of await ownerScopes(app, deps, service)) {
          if ((await requesterRole(scope, login)).permission !== 'none') return true;
        }
        return false;
      }),
    actRefusal: (login, service, environment, action) =>
      remembered(JSON.stringify(['act', login, service, environment, action]), async () => {
        const scope = await actingScope(app, deps, service);
        if (!scope) return `the app is not installed on a repository that owns ${service}`;
        const config = configFor(scope, environment);
        if (!config.ok) return config.problem;
        if (config.loaded.config.service !== service)
          return `${scope.fullName}'s ${config.loaded.file} names ${config.loaded.config.service}, not ${service}`;
        const refusal: Refusal | null = changeRefusal(
          action,
          await requesterRole(scope, login),
          undefined,
          scope.settings.deployers,
        );
        return refusal?.message ?? null;
      }),
  };
}
