import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open.ts';
import { LEDGER_BACKENDS } from '../support/ledgers.ts';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

for (const backend of LEDGER_BACKENDS) {
  describe.skipIf(backend.skip)(`promotion timers on ${backend.name}, with two bot replicas`, () => {
    it('fire once: of two replicas, each with its own connection, claiming at once, exactly one wins', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tranche-claims-'));
      dirs.push(dir);
      const location = await backend.location(dir);
      const [a, b] = [await openLedger(location, dir), await openLedger(location, dir)];
      try {
        const key = { service: 'spark', version: '3.1', toTrack: 'canary' };
        await a.schedulePromotion({ ...key, fromTrack: 'yolo', dueAt: T0, reason: 'baked' }, T0 - 1);
        for (let round = 0; round < 5; round++) {
          const claims = await Promise.all(
            [a, b, a, b].map((ledger, i) =>
              ledger.claimPromotion(key, `replica-${i % 2}`, 60_000, T0 + round),
            ),
          );
          expect(claims.filter((c) => c !== null)).toHaveLength(round === 0 ? 1 : 0);
        }
        const [stored] = await b.promotions({ service: 'spark' });
        expect(stored?.state).toBe('claimed');
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('survive a restart: a promotion scheduled by one process is found, due, by the next', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tranche-claims-'));
      dirs.push(dir);
      const location = await backend.location(dir);
      const before = await openLedger(location, dir);
      await before.schedulePromotion(
        {
          service: 'spark',
          version: '3.1',
          fromTrack: 'yolo',
          toTrack: 'canary',
          dueAt: T0,
          reason: 'baked',
        },
        T0 - 1,
      );
      await before.close();
      const after = await openLedger(location, dir);
      try {
        expect(
          (await after.promotions({ states: ['scheduled', 'claimed'], dueBy: T0 })).map((p) => p.version),
        ).toEqual(['3.1']);
      } finally {
        await after.close();
      }
    });
  });
}
