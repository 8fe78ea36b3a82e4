/** The ledger contract for service bindings; part of describeLedgerContract (contract.ts). */
import { describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/ledger/types.ts';
import { T0 } from './contract.ts';

export function describeServiceOwners(ledger: () => Ledger): void {
  describe('service owners', () => {
    it('knows no owner of a service nobody bound', async () => {
      expect(await ledger().serviceOwner('shop')).toBeNull();
    });

    it('binds a service to its repositories and hands the binding back', async () => {
      const bound = await ledger().bindService('shop', ['acme/shop', 'acme/shop-infra'], T0);
      const expected = {
        service: 'shop',
        repos: ['acme/shop', 'acme/shop-infra'],
        boundAt: T0,
        updatedAt: T0,
      };
      expect(bound).toEqual(expected);
      expect(await ledger().serviceOwner('shop')).toEqual(expected);
    });

    it('keeps the first binding: a later one gets the binding in force and changes nothing', async () => {
      await ledger().bindService('shop', ['acme/shop'], T0);
      expect(await ledger().bindService('shop', ['mallory/shop'], T0 + 1)).toEqual({
        service: 'shop',
        repos: ['acme/shop'],
        boundAt: T0,
        updatedAt: T0,
      });
    });

    it('lets exactly one of many simultaneous first bindings win, and tells every caller the same', async () => {
      const repos = Array.from({ length: 8 }, (_, i) => `acme/shop-${i}`);
      const bound = await Promise.all(repos.map((repo) => ledger().bindService('shop', [repo], T0)));
      const winner = bound[0]?.repos;
      expect(repos.map((repo) => [repo])).toContainEqual(winner);
      expect(bound.map((b) => b.repos)).toEqual(repos.map(() => winner));
      expect((await ledger().serviceOwner('shop'))?.repos).toEqual(winner);
    });

    it('replaces the repositories of a binding, keeping when it was bound', async () => {
      await ledger().bindService('shop', ['acme/shop'], T0);
      expect(await ledger().setServiceRepositories('shop', ['acme/shop-next'], T0 + 5)).toEqual({
        service: 'shop',
        repos: ['acme/shop-next'],
        boundAt: T0,
        updatedAt: T0 + 5,
      });
    });

    it('replaces nothing for a service nobody bound', async () => {
      expect(await ledger().setServiceRepositories('shop', ['acme/shop'], T0)).toBeNull();
      expect(await ledger().serviceOwner('shop')).toBeNull();
    });

    it('keeps services apart', async () => {
      await ledger().bindService('shop', ['acme/shop'], T0);
      await ledger().bindService('search', ['acme/search'], T0);
      expect((await ledger().serviceOwner('shop'))?.repos).toEqual(['acme/shop']);
      expect((await ledger().serviceOwner('search'))?.repos).toEqual(['acme/search']);
    });
  });
}
