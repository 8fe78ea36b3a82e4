/**
 * The faults GitHub's API has on a bad day, each injected into exactly one request: server errors
 * that did nothing, a 502 whose request was carried out although its answer was lost, a rate limit,
 * a secondary rate limit, and a connection reset before any answer.
 */
import type { GitHubState } from './fake-github.ts';

export const GITHUB_FAULTS = ['500', '502', '503', '429', 'secondary', 'reset'] as const;
export type GitHubFault = (typeof GITHUB_FAULTS)[number];

export interface FaultPlan {
  /** Index (from 0) of the request that fails; null for a clean run. */
  at: number | null;
  kind: GitHubFault;
  /** Every request from `at` on fails the same way: a fault that outlasts the client's retries. */
  lasting?: boolean;
}

/** What the preload in the Action's process reads: GitHub's state to start from and the fault. */
export interface GitHubScenario {
  state: GitHubState;
  fault: FaultPlan;
}

/** Whether GitHub carried the request out although it answered with the fault. */
export function faultApplies(kind: GitHubFault): boolean {
  return kind === '502';
}

/** GitHub's answer for a fault (the reset has none): status, body and headers. */
export function faultAnswer(kind: Exclude<GitHubFault, 'reset'>): {
  status: number;
  body: unknown;
  headers: Record<string, string>;
} {
  const resetAt = String(Math.ceil(Date.now() / 1000) + 1);
  switch (kind) {
    case '429':
      return {
        status: 429,
        body: { message: 'API rate limit exceeded' },
        headers: { 'retry-after': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': resetAt },
      };
    case 'secondary':
      return {
        status: 403,
        body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes.' },
        headers: { 'retry-after': '1' },
      };
    default:
      return { status: Number(kind), body: { message: 'Server Error' }, headers: {} };
  }
}
