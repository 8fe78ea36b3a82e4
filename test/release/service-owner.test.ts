import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import {
  claimService,
  decideOwnership,
  requireOwnership,
  ServiceNotOwnedError,
  serviceOwners,
} from '../../src/release/service-owner.ts';

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

describe('decideOwnership', () => {
  describe('for a service nobody owns', () => {
    it('binds it to the claiming repository', () => {
      expect(decideOwnership({ service: 'shop', repo: 'acme/shop' }, null)).toEqual({
        kind: 'bind',
        repos: ['acme/shop'],
      });
    });

    it('binds it to the repositories the claimant lists, itself among them', () => {
      const claim = {
        service: 'shop',
        repo: 'acme/shop',
        declared: ['acme/shop', 'acme/infra', 'acme/shop'],
      };
      expect(decideOwnership(claim, null)).toEqual({ kind: 'bind', repos: ['acme/shop', 'acme/infra'] });
    });

    it('refuses a claimant whose own list leaves it out', () => {
      const claim = { service: 'shop', repo: 'acme/fork', declared: ['acme/shop'] };
      expect(decideOwnership(claim, null)).toEqual({
        kind: 'refuse',
        repos: [],
        reason:
          'acme/fork declares shop but its repositories (acme/shop) leave it out, so it cannot take shop',
      });
    });
  });

  describe('for a service bound to acme/shop', () => {
    it('accepts acme/shop', () => {
      expect(decideOwnership({ service: 'shop', repo: 'acme/shop' }, ['acme/shop'])).toEqual({
        kind: 'accept',
        repos: ['acme/shop'],
      });
    });

    it('refuses another repository, naming the owner and how to share the service', () => {
      expect(decideOwnership({ service: 'shop', repo: 'mallory/shop' }, ['acme/shop'])).toEqual({
        kind: 'refuse',
        repos: ['acme/shop'],
        reason:
          "shop belongs to acme/shop, not to mallory/shop: a service's outcomes, deployments, locks and leases come only from its own repositories (to share it, list mallory/shop under repositories in the tranche.yml of acme/shop)",
      });
    });

    it('refuses another repository even when its own list names itself', () => {
      const claim = { service: 'shop', repo: 'mallory/shop', declared: ['mallory/shop'] };
      expect(decideOwnership(claim, ['acme/shop']).kind).toBe('refuse');
    });

    it("follows the owner's changed list", () => {
      const claim = { service: 'shop', repo: 'acme/shop', declared: ['acme/shop-next'] };
      expect(decideOwnership(claim, ['acme/shop'])).toEqual({ kind: 'rebind', repos: ['acme/shop-next'] });
    });

    it("keeps the binding when the owner's list is the same in another order", () => {
      const claim = { service: 'shop', repo: 'acme/shop', declared: ['acme/infra', 'acme/shop'] };
      expect(decideOwnership(claim, ['acme/shop', 'acme/infra'])).toEqual({
        kind: 'accept',
        repos: ['acme/shop', 'acme/infra'],
      });
    });
  });
});

describe('claimService on a ledger', () => {
  let ledger: SqliteLedger;
  beforeEach(async () => {
    ledger = await SqliteLedger.open(':memory:');
  });
  afterEach(async () => {
    await ledger.close();
  });

  it('binds the service to the first claimant and refuses the next, leaving the binding as it was', async () => {
    expect(await claimService(ledger, { service: 'shop', repo: 'acme/shop' }, T0)).toEqual({
      accepted: true,
      owners: ['acme/shop'],
    });
    const refused = await claimService(
      ledger,
      { service: 'shop', repo: 'mallory/shop', declared: ['mallory/shop'] },
      T0 + 1,
    );
    expect(refused).toMatchObject({ accepted: false, owners: ['acme/shop'] });
    expect(await ledger.serviceOwner('shop')).toEqual({
      service: 'shop',
      repos: ['acme/shop'],
      boundAt: T0,
      updatedAt: T0,
    });
  });

  it("hands the service over when the owner's list names another repository", async () => {
    await claimService(ledger, { service: 'shop', repo: 'acme/shop' }, T0);
    await claimService(ledger, { service: 'shop', repo: 'acme/shop', declared: ['acme/shop-next'] }, T0 + 1);
    expect(await serviceOwners(ledger, 'shop')).toEqual(['acme/shop-next']);
    expect((await claimService(ledger, { service: 'shop', repo: 'acme/shop' }, T0 + 2)).accepted).toBe(false);
    expect((await claimService(ledger, { service: 'shop', repo: 'acme/shop-next' }, T0 + 2)).accepted).toBe(
      true,
    );
  });

  it('lets one of two first claims at once win, and refuses the other', async () => {
    const claims = await Promise.all(
      ['acme/shop', 'mallory/shop'].map((repo) => claimService(ledger, { service: 'shop', repo }, T0)),
    );
    expect(claims.map((c) => c.accepted).sort()).toEqual([false, true]);
  });

  it('knows no owners of a service nobody claimed', async () => {
    expect(await serviceOwners(ledger, 'shop')).toEqual([]);
  });

  describe('requireOwnership', () => {
    it("throws ServiceNotOwnedError with the refusal's reason", async () => {
      await claimService(ledger, { service: 'shop', repo: 'acme/shop' }, T0);
      const refused = requireOwnership(ledger, { service: 'shop', repo: 'mallory/shop' }, T0);
      await expect(refused).rejects.toThrow(ServiceNotOwnedError);
      await expect(refused).rejects.toThrow(/^shop belongs to acme\/shop, not to mallory\/shop:/);
    });

    it('hands back the owners of an accepted claim', async () => {
      expect(await requireOwnership(ledger, { service: 'shop', repo: 'acme/shop' }, T0)).toEqual([
        'acme/shop',
      ]);
    });
  });
});
