/**
 * The one GitHub client type the code in src/github accepts: the REST methods it calls, typed from
 * GitHub's OpenAPI description. The Action's client (`@actions/github` getOctokit with the retry and
 * throttling plugins) and the CLI's (`octokit`'s Octokit) both satisfy it, checked by the compiler.
 */
import type { Octokit } from 'octokit';

type Rest = Octokit['rest'];

export interface GitHubClient {
  rest: {
    git: Pick<Rest['git'], 'createRef' | 'getRef' | 'listMatchingRefs'>;
    repos: Pick<
      Rest['repos'],
      'createDeployment' | 'createDeploymentStatus' | 'listDeployments' | 'listDeploymentStatuses'
    >;
    checks: Pick<Rest['checks'], 'create' | 'update' | 'listForRef'>;
  };
}

/** A repository, as `owner/repo`. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** `owner/repo` → RepoRef; undefined for anything else. */
export function parseRepo(text: string): RepoRef | undefined {
  const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(text.trim());
  return match ? { owner: match[1] as string, repo: match[2] as string } : undefined;
}

/** The HTTP status of an Octokit RequestError (or anything shaped like one); undefined otherwise. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Whether a failed write may have happened anyway: the server answered 5xx, or nothing came back at
 * all (network error, timeout). A 4xx answer means GitHub refused it.
 */
export function outcomeUnknown(error: unknown): boolean {
  const status = httpStatus(error);
  return status === undefined || status >= 500;
}

/** An error's message with anything that looks like a GitHub token replaced, for logs. */
export function redactedMessage(error: unknown): string {
  const given = error instanceof Error ? error.message : String(error);
  const text = given.trim() === '' ? requestText(error) : given;
  return text.replace(/\b(gh[pousr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{16,})\b/g, '***');
}

/**
 * What a request that failed without a message was: `HTTP 404 from GET https://…/repos/o/r` (a
 * proxy or a wrong API URL answering with an empty body), else the error's kind.
 */
function requestText(error: unknown): string {
  const { status, request, name } = (error ?? {}) as {
    status?: unknown;
    request?: { method?: unknown; url?: unknown };
    name?: unknown;
  };
  const where =
    typeof request?.url === 'string'
      ? ` from ${String(request.method ?? 'a request to')} ${request.url.split('?')[0]}`
      : '';
  if (typeof status === 'number') return `HTTP ${status}${where}, with no message`;
  return `${typeof name === 'string' ? name : 'an error'}${where}, with no message`;
}

/** Passes a request through with the retry plugin off: for writes that must not be repeated blindly. */
export const NO_RETRY = { request: { retries: 0 } } as const;
