/**
 * What the throttling plugin does when GitHub says "slow down": wait as long as it asks (the
 * plugin does the waiting) and try again, a bounded number of times. Shared by the Action's
 * client and the CLI's.
 */
import type { Logger } from './deployments.ts';

/** Retries of one request after a rate limit answer. */
export const RATE_LIMIT_RETRIES = 3;

interface Limited {
  method: string;
  url: string;
}

export function throttleOptions(log: Logger) {
  const retry =
    (kind: string) => (retryAfter: number, options: Limited, _octokit: unknown, retryCount: number) => {
      const again = retryCount < RATE_LIMIT_RETRIES;
      log.warning(
        `GitHub ${kind} on ${options.method} ${options.url}: ${again ? `retrying in ${retryAfter} s` : 'giving up'}`,
      );
      return again;
    };
  return { onRateLimit: retry('rate limit'), onSecondaryRateLimit: retry('secondary rate limit') };
}
