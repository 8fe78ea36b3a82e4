/**
 * The repositories the dashboard asks GitHub about for a service: the ones that own it, by the
 * release layer's rule (src/release/service-owner.ts). A deploy or rollback from the dashboard
 * runs in the first of them, the repository that claimed the service (or the first its
 * tranche.yml lists), as a /deploy comment there would.
 */
import { randomUUID } from 'node:crypto';
import type { Probot } from 'probot';
import { serviceOwners } from '../../src/release/service-owner.ts';
import type { BotDeps, HandlerScope } from '../bot-scope.ts';
import type { RepoScope } from '../github/bot-octokit.ts';
import { installationIdOf, installationScope } from '../installation-scope.ts';

/** The app's installation on `owner/repo` (undefined: none); installationIdOf, or a remembered answer. */
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
 * The repository a dashboard deploy or rollback of the service runs in, with its tranche.yml, as
 * one request of its own (a fresh claim, so two clicks are two requests); undefined when no
 * repository owns the service or the app is not installed on the first.
 */
export async function actingScope(
  app: Probot,
  deps: BotDeps,
  service: string,
  installationOf: InstallationOf = (repository) => installationIdOf(app, repository),
): Promise<HandlerScope | undefined> {
  const [first] = await serviceOwners(deps.ledger, service);
  if (first === undefined) return undefined;
  const installationId = await installationOf(first);
  if (installationId === undefined) return undefined;
  const scope = await installationScope(app, deps, first, installationId, 'dashboard');
  return { ...scope, delivery: { ...scope.delivery, id: `dashboard-${randomUUID()}` } };
}
