/** The ledger contract for the bot's webhooks to receive again; part of describeLedgerContract (contract.ts). */
import { describe, expect, it } from 'vitest';
import type { WebhookRedelivery } from '../../src/ledger/redelivery-types.ts';
import type { Ledger } from '../../src/ledger/types.ts';
import { T0 } from './contract.ts';

const LEASE_MS = 60_000;

function redelivery(deliveryId: string, dueAt = T0, tries = 1): WebhookRedelivery {
  return {
    deliveryId,
    event: 'deployment_status',
    payload: JSON.stringify({ action: 'created', deployment: { id: 7 }, note: 'ünïcode ✓' }),
    tries,
    dueAt,
  };
}

export function describeRedeliveries(ledger: () => Ledger): void {
  describe('redeliveries', () => {
    it('keeps a webhook and hands it, as kept, to a claim once it is due', async () => {
      expect(await ledger().keepRedelivery(redelivery('d-1', T0 + 60_000), 10)).toBe('kept');
      expect(await ledger().claimRedelivery('bot-a', LEASE_MS, T0 + 59_999)).toBeNull();
      // Claimed for its second try.
      expect(await ledger().claimRedelivery('bot-a', LEASE_MS, T0 + 60_000)).toEqual(
        redelivery('d-1', T0 + 60_000, 2),
      );
    });

    it('keeps a delivery once, and none past the limit', async () => {
      expect(await ledger().keepRedelivery(redelivery('d-1'), 2)).toBe('kept');
      expect(await ledger().keepRedelivery(redelivery('d-1', T0 + 5), 2)).toBe('waiting already');
      expect(await ledger().keepRedelivery(redelivery('d-2'), 2)).toBe('kept');
      expect(await ledger().keepRedelivery(redelivery('d-3'), 2)).toBe('full');
      const claimed = [
        await ledger().claimRedelivery('bot-a', LEASE_MS, T0),
        await ledger().claimRedelivery('bot-a', LEASE_MS, T0),
        await ledger().claimRedelivery('bot-a', LEASE_MS, T0),
      ];
      expect(claimed.map((r) => r?.deliveryId ?? null)).toEqual(['d-1', 'd-2', null]);
      expect(claimed[0]?.dueAt).toBe(T0);
    });

    it('hands out the one due soonest first', async () => {
      await ledger().keepRedelivery(redelivery('d-late', T0 + 2), 10);
      await ledger().keepRedelivery(redelivery('d-early', T0 + 1), 10);
      expect((await ledger().claimRedelivery('bot-a', LEASE_MS, T0 + 5))?.deliveryId).toBe('d-early');
    });

    it('gives each of many concurrent claimants a different one, or none', async () => {
      for (const id of ['d-1', 'd-2', 'd-3']) await ledger().keepRedelivery(redelivery(id), 10);
      const claimed = await Promise.all(
        Array.from({ length: 8 }, (_, i) => ledger().claimRedelivery(`bot-${i}`, LEASE_MS, T0)),
      );
      const ids = claimed.flatMap((r) => (r ? [r.deliveryId] : []));
      expect(ids.sort()).toEqual(['d-1', 'd-2', 'd-3']);
    });

    it("lets another holder claim one whose holder's lease ran out", async () => {
      await ledger().keepRedelivery(redelivery('d-1'), 10);
      await ledger().claimRedelivery('bot-a', LEASE_MS, T0);
      expect(await ledger().claimRedelivery('bot-b', LEASE_MS, T0 + LEASE_MS - 1)).toBeNull();
      // bot-a's try counts, ended or not.
      expect(await ledger().claimRedelivery('bot-b', LEASE_MS, T0 + LEASE_MS)).toEqual(
        redelivery('d-1', T0, 3),
      );
      // bot-a no longer holds it: what it says of it changes nothing.
      await ledger().dropRedelivery('d-1', 'bot-a');
      await ledger().retryRedelivery('d-1', 'bot-a', T0);
      expect(await ledger().claimRedelivery('bot-c', LEASE_MS, T0 + LEASE_MS)).toBeNull();
    });

    it('waits again, unclaimed, until its new due time after its holder says it failed again', async () => {
      await ledger().keepRedelivery(redelivery('d-1'), 10);
      await ledger().claimRedelivery('bot-a', LEASE_MS, T0);
      await ledger().retryRedelivery('d-1', 'bot-a', T0 + 300_000);
      expect(await ledger().claimRedelivery('bot-b', LEASE_MS, T0 + 299_999)).toBeNull();
      expect(await ledger().claimRedelivery('bot-b', LEASE_MS, T0 + 300_000)).toEqual(
        redelivery('d-1', T0 + 300_000, 3),
      );
    });

    it('forgets one its holder drops, and has room again', async () => {
      await ledger().keepRedelivery(redelivery('d-1'), 1);
      await ledger().claimRedelivery('bot-a', LEASE_MS, T0);
      await ledger().dropRedelivery('d-1', 'bot-a');
      expect(await ledger().claimRedelivery('bot-b', LEASE_MS, T0 + 10 * LEASE_MS)).toBeNull();
      expect(await ledger().keepRedelivery(redelivery('d-2'), 1)).toBe('kept');
    });

    it('refuses a claim without a lease', async () => {
      await expect(ledger().claimRedelivery('bot-a', 0, T0)).rejects.toThrow(/above 0/);
    });
  });
}
