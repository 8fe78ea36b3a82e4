/**
 * A limit on each request to GitHub. Without one, a server that takes the connection and never
 * answers (a stalled proxy, a wrong API URL) holds a run for undici's 5-minute header timeout per
 * request, retries included, past the job's cancellation. With it the request fails (and the retry
 * plugin may try it again) and the run goes on to report or give up.
 */

/** How long one request may take, answer included; GitHub answers well within it. */
export const REQUEST_TIMEOUT_MS = 30_000;

interface RequestHooks {
  hook: {
    before(name: 'request', hook: (options: { request?: { signal?: AbortSignal | null } }) => void): void;
  };
}

/** Makes every request of `octokit` give up after `timeoutMs` (or when its own signal aborts). */
export function boundRequests<T extends RequestHooks>(octokit: T, timeoutMs = REQUEST_TIMEOUT_MS): T {
  octokit.hook.before('request', (options) => {
    const limit = AbortSignal.timeout(timeoutMs);
    const given = options.request?.signal;
    options.request = { ...options.request, signal: given ? AbortSignal.any([given, limit]) : limit };
  });
  return octokit;
}
