/**
 * Which version a release runs, and at which commit: the one rule behind the CLI's `deploy
 * --version` and the Action's deployment payload (and its `version` input).
 *
 * - No version named: the source numbers the next one, tied to the commit deployed.
 * - A named version must be one the source numbered: a version label never runs another commit's
 *   code. It runs the commit it was numbered for: a rollback checks that commit out; a deploy
 *   must be of that commit (a version numbered without a commit runs the commit deployed).
 */
import type { VersionSource } from './version-source.ts';

/** The version named is not one the source numbered. */
export class UnknownVersionError extends Error {
  override name = 'UnknownVersionError';
  readonly service: string;
  readonly version: string;

  constructor(service: string, version: string) {
    super(`no such version of ${service}: ${version}`);
    this.service = service;
    this.version = version;
  }
}

/** A deploy of a named version whose commit is not the one deployed. */
export class VersionCommitError extends Error {
  override name = 'VersionCommitError';
  readonly version: string;
  /** The commit the version was numbered for. */
  readonly built: string;
  /** The commit being deployed. */
  readonly deployed: string;

  constructor(version: string, built: string, deployed: string) {
    super(`${version} was built from commit ${built.slice(0, 12)}, not ${deployed.slice(0, 12)}`);
    this.version = version;
    this.built = built;
    this.deployed = deployed;
  }
}

export interface VersionRequest {
  service: string;
  /** The version asked for; undefined: number the next one. */
  named?: string | undefined;
  /** The commit deployed (a deploy's); null when not known. */
  commit: string | null;
  template: string;
  action: 'deploy' | 'rollback';
  now: number;
}

export async function settleVersion(
  source: Pick<VersionSource, 'nextVersion' | 'commitOf'>,
  request: VersionRequest,
): Promise<{ version: string; commit: string | null }> {
  const { service, named, commit } = request;
  if (named === undefined) {
    const record = await source.nextVersion(service, commit, request.template, request.now);
    return { version: record.version, commit };
  }
  const built = await source.commitOf(service, named);
  if (built === undefined) throw new UnknownVersionError(service, named);
  if (built === null) return { version: named, commit };
  if (request.action === 'deploy' && commit !== null) {
    if (!sameCommit(built, commit)) throw new VersionCommitError(named, built, commit);
    return { version: named, commit };
  }
  return { version: named, commit: built };
}

/**
 * Whether the commit a version was numbered for is the one deployed: the same, or an abbreviated
 * SHA of it (as `version next --commit` kept what it was given before it recorded full SHAs).
 */
function sameCommit(built: string, deployed: string): boolean {
  return (
    built === deployed ||
    (/^[0-9a-f]{7,39}$/i.test(built) && deployed.toLowerCase().startsWith(built.toLowerCase()))
  );
}
