/** The ledger contract for locks with leases; part of describeLedgerContract (contract.ts). */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/ledger/types.ts';
import { T0 } from './contract.ts';

const MINUTE = 60_000;

export function describeLocks(current: () => Ledger): void {
  describe('locks', () => {
    let ledger: Ledger;
    /** A lease of ttlMs, or with null a lock held until released. */
    const acquire = (holder: string, now: number, ttlMs: number | null = MINUTE) =>
      ledger.acquireLock('env:prod', holder, { ttlMs: ttlMs ?? undefined }, now);

    beforeEach(() => {
      ledger = current();
    });

    describe('acquireLock', () => {
      it('gives a free lock to the first holder, with its lease, reason and data', async () => {
        const outcome = await ledger.acquireLock(
          'env:prod',
          'alice',
          { ttlMs: MINUTE, reason: 'deploying 1.2', data: { owner: 'alice', pr: 42 } },
          T0,
        );
        expect(outcome).toEqual({
          acquired: true,
          lock: {
            name: 'env:prod',
            holder: 'alice',
            acquiredAt: T0,
            renewedAt: T0,
            expiresAt: T0 + MINUTE,
            reason: 'deploying 1.2',
            data: { owner: 'alice', pr: 42 },
          },
        });
      });

      it('refuses a second holder while the lease runs, naming the holder', async () => {
        await ledger.acquireLock('env:prod', 'alice', { ttlMs: MINUTE, reason: 'deploying' }, T0);
        const outcome = await acquire('bob', T0 + MINUTE - 1);
        expect(outcome).toMatchObject({ acquired: false, heldBy: { holder: 'alice', reason: 'deploying' } });
      });

      it('hands an expired lease to the next holder', async () => {
        await acquire('alice', T0);
        const outcome = await acquire('bob', T0 + MINUTE);
        expect(outcome).toMatchObject({ acquired: true, lock: { holder: 'bob', acquiredAt: T0 + MINUTE } });
        expect((await ledger.locks(T0 + MINUTE)).map((l) => l.holder)).toEqual(['bob']);
      });

      it('refreshes the lease of the holder acquiring again, keeping when it was first acquired', async () => {
        await acquire('alice', T0);
        const outcome = await acquire('alice', T0 + 1000, 5 * MINUTE);
        expect(outcome).toMatchObject({
          acquired: true,
          lock: { holder: 'alice', acquiredAt: T0, renewedAt: T0 + 1000, expiresAt: T0 + 1000 + 5 * MINUTE },
        });
      });

      it('never lets a lock held until released expire', async () => {
        await acquire('alice', T0, null);
        const outcome = await acquire('bob', T0 + 365 * 24 * 60 * MINUTE);
        expect(outcome).toMatchObject({ acquired: false, heldBy: { holder: 'alice', expiresAt: null } });
      });

      it('gives exactly one of many concurrent contenders the lock', async () => {
        const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => acquire(`holder-${i}`, T0)));
        const winners = outcomes.filter((o) => o.acquired);
        expect(winners).toHaveLength(1);
        const holder = winners[0]?.acquired ? winners[0].lock.holder : undefined;
        for (const o of outcomes) if (!o.acquired) expect(o.heldBy.holder).toBe(holder);
      });

      it('keeps locks of different names apart', async () => {
        await ledger.acquireLock('env:prod', 'alice', {}, T0);
        const outcome = await ledger.acquireLock('env:staging', 'bob', {}, T0);
        expect(outcome.acquired).toBe(true);
      });

      it('refuses a lease of zero or fractional length and takes nothing', async () => {
        await expect(acquire('alice', T0, 0)).rejects.toThrow(RangeError);
        await expect(acquire('alice', T0, 1.5)).rejects.toThrow(RangeError);
        expect(await ledger.locks(T0)).toEqual([]);
      });
    });

    describe('renewLock', () => {
      it('extends the lease of its holder from now', async () => {
        await acquire('alice', T0);
        const renewed = await ledger.renewLock('env:prod', 'alice', MINUTE, T0 + 30_000);
        expect(renewed).toMatchObject({ holder: 'alice', renewedAt: T0 + 30_000, expiresAt: T0 + 90_000 });
        expect((await acquire('bob', T0 + 80_000)).acquired).toBe(false);
      });

      it('does not renew for someone other than the holder', async () => {
        await acquire('alice', T0);
        expect(await ledger.renewLock('env:prod', 'bob', MINUTE, T0 + 1)).toBeNull();
        expect((await ledger.locks(T0 + 1))[0]?.expiresAt).toBe(T0 + MINUTE);
      });

      it('does not revive a lease that has run out', async () => {
        await acquire('alice', T0);
        expect(await ledger.renewLock('env:prod', 'alice', MINUTE, T0 + MINUTE)).toBeNull();
      });

      it('tells a holder whose expired lease was taken over that it lost it', async () => {
        await acquire('alice', T0);
        await acquire('bob', T0 + MINUTE + 1);
        expect(await ledger.renewLock('env:prod', 'alice', MINUTE, T0 + MINUTE + 2)).toBeNull();
        expect((await ledger.locks(T0 + MINUTE + 2)).map((l) => l.holder)).toEqual(['bob']);
      });
    });

    describe('releaseLock', () => {
      it('frees the lock when its holder releases it', async () => {
        await acquire('alice', T0, null);
        expect(await ledger.releaseLock('env:prod', 'alice')).toMatchObject({ holder: 'alice' });
        expect((await acquire('bob', T0 + 1)).acquired).toBe(true);
      });

      it('leaves the lock with its holder when someone else releases it', async () => {
        await acquire('alice', T0, null);
        expect(await ledger.releaseLock('env:prod', 'bob')).toBeNull();
        expect((await ledger.locks(T0)).map((l) => l.holder)).toEqual(['alice']);
      });

      it('frees a lock whoever holds it when forced', async () => {
        await acquire('alice', T0, null);
        expect(await ledger.forceReleaseLock('env:prod')).toMatchObject({ holder: 'alice' });
        expect(await ledger.locks(T0)).toEqual([]);
        expect(await ledger.forceReleaseLock('env:prod')).toBeNull();
      });
    });

    describe('locks', () => {
      it('lists the locks held at now by name, leaving out expired leases', async () => {
        await ledger.acquireLock('global', 'ops', { reason: 'freeze' }, T0);
        await ledger.acquireLock('env:prod', 'alice', { ttlMs: MINUTE }, T0);
        await ledger.acquireLock('env:dev', 'bob', { ttlMs: 10 * MINUTE }, T0);
        expect((await ledger.locks(T0 + 1)).map((l) => l.name)).toEqual(['env:dev', 'env:prod', 'global']);
        expect((await ledger.locks(T0 + MINUTE)).map((l) => l.name)).toEqual(['env:dev', 'global']);
      });
    });
  });
}
