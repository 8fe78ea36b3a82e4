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
  return writeOnce(
    async () => {
      const { data } = await scope.octokit.rest.issues.createComment({
        owner: scope.owner,
        repo: scope.repo,
        issue_number: issueNumber,
        body,
        ...NO_RETRY,
      });
      return { id: data.id, url: data.html_url };
    },
    () => findPosted(scope, issueNumber, body, since),
  );
}

/**
 * A write that must not be carried out twice, tried up to POST_ATTEMPTS times: after an attempt
 * whose outcome is unknown (no answer, or a 5xx), `find` looks for what it wrote before trying again.
 */
async function writeOnce<T>(write: () => Promise<T>, find: () => Promise<T | undefined>): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= POST_ATTEMPTS; attempt++) {
    if (attempt > 1) {
      const written = await find();
      if (written !== undefined) return written;
    }
    try {
      return await write();
    } catch (error) {
      if (!outcomeUnknown(error)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

/** Attempts at posting a comment (or opening an issue) whose earlier attempt's outcome was unknown. */
const POST_ATTEMPTS = 3;
/** How far back a comment or issue written by an attempt without an answer is looked for. */
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

/**
 * A new issue; its number and its link. Opening twice is not harmless (two issues for one
 * verdict), so, as for a comment, the retry plugin is off for it: when an attempt ends without an
 * answer or with a 5xx, the issue may exist anyway, and the repository's issues opened since the
 * first attempt are searched for it before trying again.
 */
export async function openIssue(
  scope: RepoScope,
  title: string,
  body: string,
): Promise<{ number: number; url: string }> {
  const since = new Date(Date.now() - RECENT_MS).toISOString();
  return writeOnce(
    async () => {
      const { data } = await scope.octokit.rest.issues.create({
        owner: scope.owner,
        repo: scope.repo,
        title,
        body,
        ...NO_RETRY,
      });
      return { number: data.number, url: data.html_url };
    },
    () => findOpened(scope, title, body, since),
  );
}

async function findOpened(
  scope: RepoScope,
  title: string,
  body: string,
  since: string,
): Promise<{ number: number; url: string } | undefined> {
  const { data } = await scope.octokit.rest.issues.listForRepo({
    owner: scope.owner,
    repo: scope.repo,
    state: 'all',
    since,
    sort: 'created',
    direction: 'desc',
    per_page: 100,
  });
  const found = data.find((issue) => issue.title === title && issue.body === body);
  return found === undefined ? undefined : { number: found.number, url: found.html_url };
}

export async function editReply(scope: RepoScope, commentId: number, body: string): Promise<void> {
  await scope.octokit.rest.issues.updateComment({
    owner: scope.owner,
    repo: scope.repo,
    comment_id: commentId,
    body,
  });
}
