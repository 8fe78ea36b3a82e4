import { describe, expect, it } from 'vitest';
import { countApiCalls } from './api-calls.ts';

/**
 * The formula docs/action.md documents: a deploy costs 8 + B requests (B: batches run), plus 1 to
 * read the live deployment's status when one exists, plus 1 to mark it inactive after a success or
 * to make it active again after a complete rollback, plus 1 per 50 annotations past the first 50.
 */
function expected(
  batches: number,
  extra: { live?: boolean; restored?: boolean; superseded?: boolean; annotations?: number } = {},
): number {
  const annotationPages = Math.max(0, Math.ceil((extra.annotations ?? 0) / 50) - 1);
  const live = (extra.live ? 1 : 0) + (extra.restored ? 1 : 0) + (extra.superseded ? 1 : 0);
  return 8 + batches + live + annotationPages;
}

describe('GitHub requests per deploy', () => {
  it('are exactly these for 3 targets in 2 batches (the counting harness answers any path)', async () => {
    const R = '/repos/acme/shop';
    const { calls } = await countApiCalls({ targets: 3 });
    expect(calls).toEqual([
      `POST ${R}/check-runs`,
      `GET ${R}/deployments?environment=prod&per_page=100`,
      `GET ${R}/git/matching-refs/tags%2Ftranche%2Fshop%2F`,
      `POST ${R}/git/refs`,
      `POST ${R}/deployments`,
      `POST ${R}/deployments/9/statuses`,
      `PATCH ${R}/check-runs/7`,
      `PATCH ${R}/check-runs/7`,
      `PATCH ${R}/check-runs/7`,
      `POST ${R}/deployments/9/statuses`,
    ]);
  });

  for (const targets of [1, 10, 100, 1_000]) {
    it(`grow with batches, not targets: ${targets} target(s) cost 8 + B`, async () => {
      const { calls, batches, outcome } = await countApiCalls({ targets });
      expect(outcome.decision).toBe('succeeded');
      expect(batches).toBe(Math.ceil(Math.log2(targets + 1)));
      expect(calls).toHaveLength(expected(batches));
      expect(calls.filter((c) => c.startsWith('PATCH'))).toHaveLength(batches + 1);
    });
  }

  it('add one to read the live deployment, and one to mark it inactive after a success', async () => {
    const { calls, batches, outcome } = await countApiCalls({ targets: 100, live: true });
    expect(outcome.decision).toBe('succeeded');
    expect(calls).toHaveLength(expected(batches, { live: true, superseded: true }));
    expect(calls.at(-1)).toBe('POST /repos/acme/shop/deployments/5/statuses');
  });

  it('add one to read the live deployment, and one to make it active again after a rollback', async () => {
    const { calls, batches, outcome } = await countApiCalls({ targets: 100, live: true, failFromTarget: 40 });
    expect(outcome.decision).toBe('rolled_back');
    expect(calls).toHaveLength(expected(batches, { live: true, restored: true, annotations: 1 }));
  });

  it('add one request per further 50 annotations when many targets fail', async () => {
    // 1,000 targets, batches 1, 2, 4, …: batch 7 (targets 64–127) fails on all 64 at once.
    const { calls, batches, outcome } = await countApiCalls({
      targets: 1_000,
      live: true,
      failFromTarget: 63,
    });
    expect(outcome.decision).toBe('rolled_back');
    expect(calls).toHaveLength(expected(batches, { live: true, restored: true, annotations: 64 }));
    expect(calls.filter((c) => c.startsWith('PATCH'))).toHaveLength(batches + 2);
  });
});
