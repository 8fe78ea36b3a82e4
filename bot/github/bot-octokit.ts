/**
 * The REST methods the bot calls, typed from GitHub's OpenAPI description: src/github's
 * GitHubClient (deployments, statuses, tags, check runs) and what only the bot needs (comments,
 * issues, reactions, pull requests, permissions, file contents, commit statuses, deployment
 * protection rule reviews, the dashboard's recent commits). Probot's context.octokit satisfies it.
 */
import type { Octokit } from 'octokit';
import type { GitHubClient } from '../../src/github/client.ts';

type Rest = Octokit['rest'];

export interface BotOctokit extends GitHubClient {
  rest: GitHubClient['rest'] & {
    issues: Pick<
      Rest['issues'],
      'createComment' | 'updateComment' | 'create' | 'listComments' | 'listForRepo'
    >;
    reactions: Pick<Rest['reactions'], 'createForIssueComment'>;
    pulls: Pick<Rest['pulls'], 'get'>;
    repos: GitHubClient['rest']['repos'] &
      Pick<
        Rest['repos'],
        'getContent' | 'getCollaboratorPermissionLevel' | 'createCommitStatus' | 'listCommits'
      >;
    actions: Pick<Rest['actions'], 'reviewCustomGatesForRun'>;
  };
}

/** The repository a webhook is about, and how to act on it. */
export interface RepoScope {
  octokit: BotOctokit;
  owner: string;
  repo: string;
  /** `owner/repo`: the key of every ledger record and lock name. */
  fullName: string;
  installationId: number | null;
  /** `https://github.com/owner/repo`, for links. */
  htmlUrl: string;
}
