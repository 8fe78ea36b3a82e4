/**
 * Versions without a database: the next version of a service is the tag `tranche/<service>/<version>`
 * created on the deployed commit through the Git refs API. Creating a ref is atomic (an existing one
 * answers 422 "Reference already exists"), so two runs racing for a number get distinct ones: the
 * loser takes the next number. The starting number comes from the existing tags, so a conflict is
 * the exception, not the way to count.
 */
import type { VersionRecord } from '../ledger/types.ts';
import { type GitHubClient, httpStatus, type RepoRef } from './client.ts';

/** How many taken numbers in a row one allocation steps over before it gives up. */
export const MAX_TAG_CONFLICTS = 20;

export function tagPrefix(service: string): string {
  return `tranche/${service}/`;
}

export function tagName(service: string, version: string): string {
  return `${tagPrefix(service)}${version}`;
}

export class TagVersionError extends Error {
  override name = 'TagVersionError';
}

/**
 * Why `name` cannot be a git tag name (git check-ref-format's rules), or undefined when it can.
 */
export function refNameProblem(name: string): string | undefined {
  if ([...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) || /[\s~^:?*[\\]/.test(name))
    return 'contains a space, a control character or one of ~ ^ : ? * [ \\';
  if (name.includes('..') || name.includes('@{') || name.includes('//')) return 'contains "..", "@{" or "//"';
  if (name.endsWith('.') || name.endsWith('/') || name.endsWith('.lock'))
    return 'ends with ".", "/" or ".lock"';
  if (name.split('/').some((part) => part.startsWith('.'))) return 'has a part that starts with "."';
  return undefined;
}

/** The release number a tag's version was rendered from, for a version template with `{n}`. */
export function numberOf(version: string, template: string): number | undefined {
  const pattern = template
    .split('{n}')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('(\\d+)');
  const match = new RegExp(`^${pattern}$`).exec(version);
  if (!match) return undefined;
  const numbers = match.slice(1).map(Number);
  // A template may repeat {n}; every occurrence must agree.
  return numbers.every((n) => n === numbers[0]) ? numbers[0] : undefined;
}

export interface TagRecord {
  version: string;
  commit: string;
}

/** Every `tranche/<service>/…` tag: one request (the matching-refs endpoint is not paginated). */
export async function listVersionTags(
  client: GitHubClient,
  repo: RepoRef,
  service: string,
): Promise<TagRecord[]> {
  const prefix = tagPrefix(service);
  const { data } = await client.rest.git.listMatchingRefs({ ...repo, ref: `tags/${prefix}` });
  return data
    .filter((ref) => ref.ref.startsWith(`refs/tags/${prefix}`))
    .map((ref) => ({ version: ref.ref.slice(`refs/tags/${prefix}`.length), commit: ref.object.sha }));
}

/** The commit a version's tag points at; undefined when the version was never tagged. */
export async function taggedCommit(
  client: GitHubClient,
  repo: RepoRef,
  service: string,
  version: string,
): Promise<string | undefined> {
  try {
    const { data } = await client.rest.git.getRef({ ...repo, ref: `tags/${tagName(service, version)}` });
    return data.object.sha;
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw error;
  }
}

/**
 * Allocate the service's next version by creating its tag on `commit`. A number whose tag already
 * exists is taken: try the next one. Should a retried request's first attempt have created the tag
 * after all, that number is skipped, never handed out twice.
 */
export async function allocateTagVersion(
  client: GitHubClient,
  repo: RepoRef,
  request: { service: string; commit: string; template: string; now: number },
): Promise<VersionRecord> {
  const { service, commit, template, now } = request;
  if (!template.includes('{n}')) {
    throw new TagVersionError(`version template "${template}" has no {n} placeholder for the counter`);
  }
  const existing = await listVersionTags(client, repo, service);
  let n = existing.reduce((max, tag) => Math.max(max, numberOf(tag.version, template) ?? 0), 0) + 1;
  for (let attempt = 0; attempt <= MAX_TAG_CONFLICTS; attempt++, n++) {
    const version = template.replaceAll('{n}', String(n));
    const name = tagName(service, version);
    const problem = refNameProblem(name);
    if (problem)
      throw new TagVersionError(
        `the tag name ${name} ${problem}: change the service name or version template`,
      );
    try {
      await client.rest.git.createRef({ ...repo, ref: `refs/tags/${name}`, sha: commit });
      return { service, n, version, commit, createdAt: now };
    } catch (error) {
      if (!isReferenceExists(error)) throw error;
    }
  }
  throw new TagVersionError(
    `${MAX_TAG_CONFLICTS + 1} tags in a row under ${tagPrefix(service)} were taken while allocating a version; is another run allocating in a loop?`,
  );
}

function isReferenceExists(error: unknown): boolean {
  if (httpStatus(error) !== 422) return false;
  const message = error instanceof Error ? error.message : String(error);
  return /reference already exists/i.test(message);
}
