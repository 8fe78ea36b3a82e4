/** What GitHub says of the commenter's role and of the pull request commented on. */
import { httpStatus } from '../../src/github/client.ts';
import type { PullRequestFacts, RequesterRole } from '../decide/may-change.ts';
import type { RepoScope } from './bot-octokit.ts';

/** The commenter's role on the repository; someone GitHub does not know as a collaborator has none. */
export async function requesterRole(scope: RepoScope, login: string): Promise<RequesterRole> {
  try {
    const { data } = await scope.octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: scope.owner,
      repo: scope.repo,
      username: login,
    });
    return { login, permission: data.permission, roleName: data.role_name ?? null };
  } catch (error) {
    if (httpStatus(error) === 404) return { login, permission: 'none', roleName: null };
    throw error;
  }
}

export async function pullRequestFacts(scope: RepoScope, number: number): Promise<PullRequestFacts> {
  const { data } = await scope.octokit.rest.pulls.get({
    owner: scope.owner,
    repo: scope.repo,
    pull_number: number,
  });
  return {
    number,
    headSha: data.head.sha,
    fromFork: data.head.repo?.full_name !== data.base.repo.full_name,
  };
}
