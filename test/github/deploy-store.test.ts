/**
 * The two stores a deploy reported to GitHub is handed (src/github/deploy-store.ts): a shared
 * ledger's lease refuses a second run while the first holds the environment; `ledger: github`'s
 * holds nothing, by design, and asks GitHub nothing.
 */
import nock from 'nock';
import { Octokit } from 'octokit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubStore, ledgerStore } from '../../src/github/deploy-store.ts';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { DeployLockedError } from '../../src/release/deploy-lock.ts';
import type { LeaseRequest } from '../../src/release/environment-lease.ts';
import { FakeClock } from '../support/fake-clock.ts';

const request = (holder: string): LeaseRequest => ({
  service: 'shop',
  environment: 'prod',
  repo: 'acme/shop',
  declared: undefined,
  holder,
  reason: `deploy by ${holder}`,
  carries: null,
  leaseMs: 600_000,
});
const warn = () => {};

let ledger: SqliteLedger;
beforeEach(async () => {
  nock.disableNetConnect();
  ledger = await SqliteLedger.open(':memory:');
});
afterEach(async () => {
  nock.enableNetConnect();
  await ledger.close();
});

describe('the lease port', () => {
  it('of a shared ledger holds the environment for one run at a time, for as long as asked, and gives it back', async () => {
    const { lease } = ledgerStore(ledger);
    // Time moves only when told: the held lease's renewal waits on the clock instead of renewing
    // (and moving time) in a loop that would starve the worker, and `finally` stops it.
    const clock = new FakeClock({ auto: false });
    const first = await lease.hold(request('github:one'), clock, warn);
    try {
      await expect(lease.hold(request('github:two'), clock, warn)).rejects.toBeInstanceOf(DeployLockedError);
      // It lasts as long as the run's longest command may outlive a run that died.
      expect((await ledger.locks(clock.now()))[0]?.expiresAt).toBe(clock.now() + 600_000);
    } finally {
      await first.release();
    }
    const second = await lease.hold(request('github:two'), clock, warn);
    await second.release();
    expect(await ledger.locks(clock.now())).toEqual([]);
  });

  it('of ledger: github holds nothing and asks GitHub nothing: two runs both go', async () => {
    const client = new Octokit({ auth: 'test', throttle: { enabled: false }, retry: { enabled: false } });
    const { lease } = githubStore(client, { owner: 'acme', repo: 'shop' });
    const clock = new FakeClock();
    const held = [
      await lease.hold(request('github:one'), clock, warn),
      await lease.hold(request('github:two'), clock, warn),
    ];
    for (const h of held) await h.release();
    expect(nock.pendingMocks()).toEqual([]);
  });
});
