/** What holds an environment (release/deploy-lock.ts): a run's lease and every bot lock that would refuse a run. */
import { describe, expect, it } from 'vitest';
import type { LockRecord } from '../../src/ledger/types.ts';
import { botBlocker, environmentHolders } from '../../src/release/deploy-lock.ts';

const lock = (name: string, holder = 'someone'): LockRecord => ({
  name,
  holder,
  acquiredAt: 1,
  renewedAt: 1,
  expiresAt: null,
  reason: null,
  data: null,
});

const request = { service: 'shop', environment: 'production', repos: ['acme/shop'] };

describe('environmentHolders', () => {
  it('lists the run’s lease, a person’s lock, a global lock and a release’s lease, and nothing else', () => {
    const locks = [
      lock('deploy:shop:production', 'cli:run-1'),
      lock('acme/shop:env:production', 'alice'),
      lock('acme/shop:global', 'bob'),
      lock('acme/shop:deploy:production', 'release:7'),
      lock('deploy:shop:staging'),
      lock('deploy:other:production'),
      lock('acme/other:env:production'),
      lock('acme/shop:env:staging'),
    ];
    expect(environmentHolders(locks, request).map((h) => [h.kind, h.lock.name])).toEqual([
      ['run', 'deploy:shop:production'],
      ['environment', 'acme/shop:env:production'],
      ['global', 'acme/shop:global'],
      ['release', 'acme/shop:deploy:production'],
    ]);
  });

  it('agrees with botBlocker on what refuses a run first', () => {
    const locks = [lock('acme/shop:deploy:production', 'release:7'), lock('acme/shop:global', 'bob')];
    const [first] = environmentHolders(locks, request);
    expect(botBlocker(locks, request)).toEqual(first);
    expect(environmentHolders([], request)).toEqual([]);
  });
});
