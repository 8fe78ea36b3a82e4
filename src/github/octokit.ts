/**
 * The GitHub client outside Actions (`tranche deploy --github`): `octokit`'s Octokit, which brings
 * the retry and throttling plugins. The token comes from GITHUB_TOKEN and is never logged.
 */
import { Octokit } from 'octokit';
import type { GitHubClient } from './client.ts';
import type { Logger } from './deployments.ts';
import { boundRequests } from './request-timeout.ts';
import { throttleOptions } from './throttle.ts';

export const DEFAULT_API_URL = 'https://api.github.com';

export function createOctokitClient(
  token: string,
  options: { baseUrl?: string | undefined; log: Logger },
): GitHubClient {
  return boundRequests(
    new Octokit({
      auth: token,
      baseUrl: options.baseUrl ?? DEFAULT_API_URL,
      userAgent: 'tranche-cli',
      throttle: throttleOptions(options.log),
      log: {
        debug: () => {},
        info: () => {},
        warn: (m: string) => options.log.warning(m),
        error: (m: string) => options.log.warning(m),
      },
    }),
  );
}
