/** The bot's voice on a pull request: the 👀 reaction, a reply, edits of that reply, and a new issue. */
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

/** A new comment on the pull request (or issue); its id and its link. */
export async function post(
  scope: RepoScope,
  issueNumber: number,
  body: string,
): Promise<{ id: number; url: string }> {
  const { data } = await scope.octokit.rest.issues.createComment({
    owner: scope.owner,
    repo: scope.repo,
    issue_number: issueNumber,
    body,
  });
  return { id: data.id, url: data.html_url };
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
