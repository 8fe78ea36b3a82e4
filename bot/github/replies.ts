/** The bot's voice on a pull request: the 👀 reaction, a reply, and edits of that reply. */
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
  const { data } = await scope.octokit.rest.issues.createComment({
    owner: scope.owner,
    repo: scope.repo,
    issue_number: issueNumber,
    body,
  });
  return data.id;
}

export async function editReply(scope: RepoScope, commentId: number, body: string): Promise<void> {
  await scope.octokit.rest.issues.updateComment({
    owner: scope.owner,
    repo: scope.repo,
    comment_id: commentId,
    body,
  });
}
