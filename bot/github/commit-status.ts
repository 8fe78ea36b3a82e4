/** The commit status `tranche/verdict` on a version's commit: failure for a bad verdict, success for a good one. */
import { cut, STATUS_DESCRIPTION_MAX } from '../../src/github/limits.ts';
import type { RepoScope } from './bot-octokit.ts';

export const VERDICT_CONTEXT = 'tranche/verdict';

export async function setVerdictStatus(
  scope: RepoScope,
  commit: string,
  status: { state: 'failure' | 'success'; description: string; targetUrl?: string | undefined },
): Promise<void> {
  await scope.octokit.rest.repos.createCommitStatus({
    owner: scope.owner,
    repo: scope.repo,
    sha: commit,
    state: status.state,
    context: VERDICT_CONTEXT,
    description: cut(status.description, STATUS_DESCRIPTION_MAX),
    ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
  });
}
