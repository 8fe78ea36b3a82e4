/**
 * The bot's Octokit: Probot's own (the retry and throttling plugins, its rate limit handling),
 * except that a secondary rate limit is waited out (GitHub's retry-after) and the request tried
 * again, as GitHub asks. Probot's default gives up at once, and the follow-ups nobody repeats
 * (a promotion's deployment, a verdict's rollback, an expired release's status and reply, the
 * reply after a deployment status) were then lost. GitHub carries out no request it answers with a
 * secondary rate limit, so trying again never does anything twice.
 */
import { ProbotOctokit } from 'probot';

/** Tries after a secondary rate limit, as Probot allows after a primary one. */
const SECONDARY_LIMIT_RETRIES = 2;

interface LimitedRequest {
  method: string;
  url: string;
  request: { retryCount: number };
}

/** A function, so that it applies after the throttle options Probot itself sets. */
export const BotProbotOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: {
    ...(options.throttle as object),
    onSecondaryRateLimit: (
      retryAfter: number,
      request: LimitedRequest,
      octokit: { log: { warn(message: string): void } },
    ) => {
      const again = request.request.retryCount < SECONDARY_LIMIT_RETRIES;
      octokit.log.warn(
        `secondary rate limit on ${request.method} ${request.url}${again ? `; trying again in ${retryAfter} s` : '; giving up'}`,
      );
      return again;
    },
  },
}));
