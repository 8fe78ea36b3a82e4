/**
 * Versions the way the repository's Action counts them: by default tags `tranche/<service>/<n>`
 * (the counter the Action uses with `ledger: github`), or the bot's ledger when the Action shares
 * it (`bot.versions: ledger`). A version named in a command must be one of them.
 */
import type { BotConfig } from '../../src/config/schema.ts';
import { allocateTagVersion, taggedCommit } from '../../src/github/tag-versions.ts';
import type { VersionRecord } from '../../src/ledger/types.ts';
import type { HandlerScope } from '../bot-scope.ts';

export interface VersionTarget {
  version: string;
  commit: string;
}

/** The service's next version, tied to `commit`. */
export async function allocateVersion(
  scope: Pick<HandlerScope, 'octokit' | 'owner' | 'repo' | 'deps'>,
  source: BotConfig['versions'],
  request: { service: string; commit: string; template: string; now: number },
): Promise<VersionRecord> {
  if (source === 'ledger') {
    return scope.deps.ledger.nextVersion(request.service, request.commit, request.template, request.now);
  }
  const repo = { owner: scope.owner, repo: scope.repo };
  return allocateTagVersion(scope.octokit, repo, request);
}

/** The commit a version was numbered for: null when the ledger numbered it without one; undefined when never numbered. */
export async function numberedCommit(
  scope: Pick<HandlerScope, 'octokit' | 'owner' | 'repo' | 'deps'>,
  source: BotConfig['versions'],
  service: string,
  version: string,
): Promise<string | null | undefined> {
  if (source === 'ledger') {
    return (await scope.deps.ledger.versions(service)).find((v) => v.version === version)?.commit;
  }
  return taggedCommit(scope.octokit, { owner: scope.owner, repo: scope.repo }, service, version);
}
