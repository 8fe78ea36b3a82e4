/**
 * The repositories the dashboard asks GitHub about for a service: who can read it is asked of
 * each repository that owns it, by the release layer's rule (src/release/service-owner.ts); a
 * deploy or rollback runs in the first owner repository the app is installed on, as a /deploy
 * comment there would.
 */
import { randomUUID } from 'node:crypto';
import type { Probot } from 'probot';
import { serviceOwners } from '../../src/release/service-owner.ts';
import type { BotDeps, HandlerScope } from '../bot-scope.ts';
import type { RepoScope } from '../github/bot-octokit.ts';
import { installationScope, repositoryInstallation } from '../installation-scope.ts';

/** The app's installation on `owner/repo` (undefined: none), asked of GitHub or remembered. */
export type InstallationOf = (repository: string) => Promise<number | undefined>;

/** Each owner repository the app is installed on, with the installation's client. */
export async function ownerScopes(
  app: Probot,
  deps: BotDeps,
  service: string,
  installationOf: InstallationOf,
): Promise<RepoScope[]> {
  const scopes: RepoScope[] = [];
  for (const fullName of await serviceOwners(deps.ledger, service)) {
    const installationId = await installationOf(fullName);
    if (installationId === undefined) continue;
    const [owner = '', repo = ''] = fullName.split('/');
    scopes.push({
      octokit: await app.auth(installationId),
      owner,
      repo,
      fullName,
      installationId,
      htmlUrl: `https://github.com/${fullName}`,
    });
  }
  return scopes;
}

/**
 * The repository the bot acts for the service in (the first that owns it, by the release layer's
 * rule, with the app installed), with its tranche.yml, as one request of its own (a fresh claim,
 * so two clicks are two requests); undefined when no repository owning it has the app.
 */
export async function actingScope(
  app: Probot,
  deps: BotDeps,
  service: string,
): Promise<HandlerScope | undefined> {
  for (const repo of await serviceOwners(deps.ledger, service)) {
    const installationId = await repositoryInstallation(app, deps, repo);
    if (installationId === null) continue;
    const scope = await installationScope(app, deps, repo, installationId, 'dashboard');
    return { ...scope, delivery: { ...scope.delivery, id: `dashboard-${randomUUID()}` } };
  }
  return undefined;
}
