/** The bot's voice on a pull request: the 👀 reaction, a reply, edits of that reply, and a new issue. */
import { NO_RETRY, outcomeUnknown } from '../../src/github/client.ts';
import type { RepoScope } from './bot-octokit.ts';

/** 👀 on the command's comment: seen, working on it. Adding it again changes nothing on GitHub. */
export async function acknowledge(scope: RepoScope, commentId: number): Promise<void> {
  await scope.octokit.rest.reactions.createForIssueComment({
    owner: scope.owner,
    repo: scope.repo,
    comment_id: commentId,
    content: 'eyes',
  });
}

/** A new comment on the pull request (or issue); its id. */
export async function reply(scope: RepoScope, issueNumber: number, body: string): Promise<number> {
  return (await post(scope, issueNumber, body)).id;
}

/**
 * A new comment on the pull request (or issue); its id and its link. Posting twice is not harmless
 * (two replies to one command), so the retry plugin is off for it: when an attempt ends without an
 * answer or with a 5xx, the comment may exist anyway, and the issue's comments of the last minute
 * are searched for it before trying again.
 */
export async function post(
  scope: RepoScope,
  issueNumber: number,
  body: string,
): Promise<{ id: number; url: string }> {
  const since = new Date(Date.now() - RECENT_MS).toISOString();
  let lastError: unknown;
  for (let attempt = 1; attempt <= POST_ATTEMPTS; attempt++) {
    if (attempt > 1) {
      const posted = await findPosted(scope, issueNumber, body, since);
      if (posted !== undefined) return posted;
    }
    try {
      const { data } = await scope.octokit.rest.issues.createComment({
        owner: scope.owner,
        repo: scope.repo,
        issue_number: issueNumber,
        body,
        ...NO_RETRY,
      });
      return { id: data.id, url: data.html_url };
    } catch (error) {
      if (!outcomeUnknown(error)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

/** Attempts at posting a comment whose earlier attempt's outcome was unknown. */
const POST_ATTEMPTS = 3;
/** How far back a comment posted by an attempt without an answer is looked for. */
const RECENT_MS = 60_000;

async function findPosted(
  scope: RepoScope,
  issueNumber: number,
  body: string,
  since: string,
): Promise<{ id: number; url: string } | undefined> {
  const { data } = await scope.octokit.rest.issues.listComments({
    owner: scope.owner,
    repo: scope.repo,
    issue_number: issueNumber,
    since,
    per_page: 100,
  });
  const found = data.find((comment) => comment.body === body);
  return found === undefined ? undefined : { id: found.id, url: found.html_url };
}

/** A new issue; its number and its link. */
export async function openIssue(
  scope: RepoScope,
  title: string,
  body: string,
): Promise<{ number: number; url: string }> {
  const { data } = await scope.octokit.rest.issues.create({
    owner: scope.owner,
    repo: scope.repo,
    title,
    body,
  });
  return { number: data.number, url: data.html_url };
}

export async function editReply(scope: RepoScope, commentId: number, body: string): Promise<void> {
  await scope.octokit.rest.issues.updateComment({
    owner: scope.owner,
    repo: scope.repo,
    comment_id: commentId,
    body,
  });
}
