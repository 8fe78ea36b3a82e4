/**
 * Finding the environment's live deployment (what `ledger: github` rolls back to) behind a run of
 * failed ones, and refusing to guess when too many failed in a row. nock strictly: every request
 * expected, every scope done.
 */
import nock from 'nock';
import { Octokit } from 'octokit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findLiveDeployment,
  LIVE_LIST_SIZE,
  LIVE_SCAN_LIMIT,
  LiveDeploymentUnknownError,
} from '../../src/github/deployments.ts';

const API = 'https://api.github.com';
const R = '/repos/acme/shop';
const repo = { owner: 'acme', repo: 'shop' };
const client = new Octokit({ auth: 'test-token', request: { retries: 0 } });

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** Deployments newest first: `failed` failed Tranche ones, then (when given) the live one. */
function environment(failed: number, live?: { id: number; version: string }, others = 0) {
  const list = [
    ...Array.from({ length: others }, (_, i) => ({ id: 900 + i, sha: 'f'.repeat(40), payload: {} })),
    ...Array.from({ length: failed }, (_, i) => ({
      id: 500 - i,
      sha: 'a'.repeat(40),
      payload: { tranche: { schemaVersion: 1, version: `1.${40 - i}` } },
    })),
    ...(live
      ? [
          {
            id: live.id,
            sha: 'b'.repeat(40),
            payload: { tranche: { schemaVersion: 1, version: live.version } },
          },
        ]
      : []),
  ];
  const scope = nock(API)
    .get(`${R}/deployments`)
    .query({ environment: 'prod', per_page: LIVE_LIST_SIZE })
    .reply(200, list);
  return scope;
}

function statuses(scope: nock.Scope, ids: number[], state: string): nock.Scope {
  for (const id of ids) {
    scope.get(`${R}/deployments/${id}/statuses`).query({ per_page: 1 }).reply(200, [{ state }]);
  }
  return scope;
}

describe('findLiveDeployment', () => {
  it('finds the live deployment behind more failed ones than fit on a small page', async () => {
    const failedIds = Array.from({ length: 12 }, (_, i) => 500 - i);
    const scope = statuses(environment(12, { id: 7, version: '1.3' }, 3), failedIds, 'failure');
    statuses(scope, [7], 'success');
    expect(await findLiveDeployment(client, repo, 'prod')).toEqual({
      id: 7,
      sha: 'b'.repeat(40),
      version: '1.3',
    });
    expect(scope.isDone()).toBe(true);
  });

  it('is null for an environment with no successful Tranche deployment among all it has', async () => {
    const scope = statuses(environment(2), [500, 499], 'error');
    expect(await findLiveDeployment(client, repo, 'prod')).toBeNull();
    expect(scope.isDone()).toBe(true);
  });

  it(`refuses to guess after ${LIVE_SCAN_LIMIT} failed Tranche deployments in a row with older ones unread`, async () => {
    const failedIds = Array.from({ length: LIVE_SCAN_LIMIT }, (_, i) => 500 - i);
    const scope = statuses(environment(LIVE_SCAN_LIMIT + 1, { id: 7, version: '1.3' }), failedIds, 'failure');
    const search = findLiveDeployment(client, repo, 'prod');
    await expect(search).rejects.toBeInstanceOf(LiveDeploymentUnknownError);
    await expect(search).rejects.toThrow(
      /none of the newest 30 Tranche deployments of prod succeeded and 2 older ones were not read/,
    );
    expect(scope.isDone()).toBe(true);
  });
});
