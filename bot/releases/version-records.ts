/**
 * What the bot's records say of a version: its commit, the version a commit was deployed as,
 * and the thread (pull request) whose command first deployed it. The bot's releases come first
 * (they hold every version it deployed or saw deployed, tag-numbered ones included), then the
 * ledger's versions, then the repository's tags.
 */
import type { ReleaseRecord } from '../../src/ledger/types.ts';
import type { HandlerScope } from '../bot-scope.ts';
import { isBotActor } from '../render/actor.ts';
import { numberedCommit } from './versions.ts';

/** Releases of the repository looked at, newest first. */
const RECENT_RELEASES = 500;

function recentReleases(scope: HandlerScope): Promise<ReleaseRecord[]> {
  return scope.deps.ledger.releases({ repo: scope.fullName, limit: RECENT_RELEASES });
}

/** The commit `version` was built from; undefined when nothing knows the version or its commit. */
export async function versionCommit(
  scope: HandlerScope,
  service: string,
  version: string,
): Promise<string | undefined> {
  return (await commitOfVersion(scope, service, version)) ?? undefined;
}

/**
 * The commit `version` was built from, as a version source says it (src/release/version-source.ts,
 * commitOf): null for a version the ledger numbered without one; undefined when nothing knows it.
 */
export async function commitOfVersion(
  scope: HandlerScope,
  service: string,
  version: string,
): Promise<string | null | undefined> {
  const released = (await recentReleases(scope)).find((r) => r.version === version && r.commit !== null);
  if (released?.commit) return released.commit;
  return numberedCommit(scope, scope.settings.versions, service, version);
}

/** The newest version deployed from `commit` (or numbered for it in the ledger); null for none. */
export async function versionOfCommit(
  scope: HandlerScope,
  service: string,
  commit: string,
): Promise<string | null> {
  const released = (await recentReleases(scope)).find((r) => r.commit === commit && r.version !== null);
  if (released?.version) return released.version;
  const numbered = (await scope.deps.ledger.versions(service)).findLast((v) => v.commit === commit);
  return numbered?.version ?? null;
}

/** The pull request (or issue) whose command first deployed `version`; null when none did. */
export async function deployingThread(scope: HandlerScope, version: string): Promise<number | null> {
  const first = (await recentReleases(scope)).findLast(
    (r) =>
      r.version === version && r.pullRequest !== null && r.requestedBy !== null && !isBotActor(r.requestedBy),
  );
  return first?.pullRequest ?? null;
}
