/** The Action's GitHub client: `@actions/github`'s getOctokit with the retry and throttling plugins. */
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { GitHubClient } from '../github/client.ts';
import type { Logger } from '../github/deployments.ts';
import { boundRequests } from '../github/request-timeout.ts';
import { throttleOptions } from '../github/throttle.ts';

export function createActionClient(token: string, log: Logger): GitHubClient {
  return boundRequests(
    getOctokit(token, { throttle: throttleOptions(log), userAgent: 'tranche-action' }, retry, throttling),
  );
}
