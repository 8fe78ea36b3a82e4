/** The dashboard_actions table on both backends: recorded as asked, finished once, newest first. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DashboardActionInput } from '../../src/ledger/dashboard-action-types.ts';
import { LEDGER_BACKENDS, withLedgerAt } from '../support/ledgers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tranche-dashboard-actions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const asked: DashboardActionInput = {
  actor: 'alice',
  action: 'rollback',
  service: 'shop',
  environment: 'production',
  version: null,
  commit: null,
  host: 'local',
  state: 'started',
  message: null,
};

for (const backend of LEDGER_BACKENDS) {
  describe.skipIf(backend.skip)(`dashboard actions (${backend.name})`, () => {
    it('records an action as asked, finishes it once, and lists the newest first', async () => {
      await withLedgerAt(await backend.location(dir, 'actions'), async (ledger) => {
        const first = await ledger.recordDashboardAction(asked, 1000);
        expect(first).toMatchObject({ ...asked, requestedAt: 1000, finishedAt: null });
        const refused = await ledger.recordDashboardAction(
          {
            ...asked,
            actor: 'bob',
            action: 'deploy',
            commit: 'abc1234',
            state: 'refused',
            message: 'bob may not deploy',
          },
          2000,
        );
        expect(refused.finishedAt).toBe(2000);
        const finished = await ledger.finishDashboardAction(first.id, 'succeeded', '1.0.1 is live', 3000);
        expect(finished).toMatchObject({
          id: first.id,
          state: 'succeeded',
          message: '1.0.1 is live',
          finishedAt: 3000,
        });
        // Once finished, it stays as it ended.
        expect(await ledger.finishDashboardAction(first.id, 'failed', 'again', 4000)).toBeNull();
        expect(await ledger.finishDashboardAction(refused.id, 'succeeded', 'no', 4000)).toBeNull();
        const listed = await ledger.dashboardActions(10);
        expect(listed.map((a) => [a.actor, a.state])).toEqual([
          ['bob', 'refused'],
          ['alice', 'succeeded'],
        ]);
        expect(await ledger.dashboardActions(1)).toHaveLength(1);
      });
    });
  });
}
