import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open.ts';
import {
  carriedRelease,
  deployLockName,
  environmentLockName,
  globalLockName,
  leaseHolder,
  leaseLockName,
  releaseOfRunId,
  releaseRunId,
} from '../../src/ledger/release-locks.ts';
import type { Ledger } from '../../src/ledger/types.ts';
import {
  DEPLOY_LEASE_MS,
  DeployLockedError,
  type DeployLockRequest,
  holdDeployLock,
} from '../../src/release/deploy-lock.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { LEDGER_BACKENDS } from '../support/ledgers.ts';

const REPO = 'acme/shop';
const LOCK = deployLockName('shop', 'prod');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function run(holder: string, extra: Partial<DeployLockRequest> = {}): DeployLockRequest {
  return {
    service: 'shop',
    environment: 'prod',
    holder,
    reason: `deploy by ${holder}`,
    repos: [REPO],
    ...extra,
  };
}

for (const backend of LEDGER_BACKENDS) {
  describe.skipIf(backend.skip)(`a deploy's lease on its environment, on ${backend.name}`, () => {
    let ledger: Ledger;
    let clock: FakeClock;
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    const hold = (request: DeployLockRequest, on: FakeClock = clock) =>
      holdDeployLock(ledger, request, on, warn);
    /** Moves the clock by one renewal interval and waits for the renewal to finish (it sleeps again). */
    const renewalTick = async () => {
      await clock.advance(DEPLOY_LEASE_MS / 3);
      while (clock.pending === 0) await new Promise((r) => setTimeout(r, 1));
    };

    beforeEach(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tranche-deploy-lock-'));
      dirs.push(dir);
      ledger = await openLedger(await backend.location(dir), dir);
      clock = new FakeClock({ auto: false });
      warnings.length = 0;
    });

    afterEach(async () => {
      await ledger.close();
    });

    describe('between two runs', () => {
      it('refuses the second while the first holds it, naming the holder, its reason and since when', async () => {
        const first = await hold(run('cli:first'));
        const refusal = hold(run('cli:second'));
        await expect(refusal).rejects.toThrow(DeployLockedError);
        await expect(refusal).rejects.toThrow(
          `shop in prod is being deployed by cli:first (deploy by cli:first), since ${new Date(clock.now()).toISOString()}`,
        );
        await first.release();
      });

      it('lets the next run go ahead at once when the first releases it', async () => {
        const first = await hold(run('cli:first'));
        await first.release();
        const second = await hold(run('cli:second'));
        expect(second.lock.holder).toBe('cli:second');
        await second.release();
      });

      it('keeps it past the first lease while the run goes, by renewing it', async () => {
        const first = await hold(run('cli:first'));
        for (let i = 0; i < 4; i++) await renewalTick();
        expect(clock.now()).toBeGreaterThan(first.lock.expiresAt ?? Number.POSITIVE_INFINITY);
        await expect(hold(run('cli:second'))).rejects.toThrow(/being deployed by cli:first/);
        expect(warnings).toEqual([]);
        await first.release();
      });
    });

    describe('held by a run that crashed (it renews no more and never releases)', () => {
      it('refuses others until the lease runs out, then the next run takes it', async () => {
        const stopped = new FakeClock({ auto: false, start: clock.now() });
        await hold(run('cli:crashed'), stopped);
        await clock.advance(DEPLOY_LEASE_MS - 1);
        await expect(hold(run('cli:next'))).rejects.toThrow(/being deployed by cli:crashed/);
        await clock.advance(1);
        const next = await hold(run('cli:next'));
        expect(next.lock).toMatchObject({ holder: 'cli:next', acquiredAt: clock.now() });
        await next.release();
      });
    });

    describe("with the bot's locks", () => {
      /** What the bot holds while a release it started runs there. */
      const releaseLease = (id: number) =>
        ledger.acquireLock(leaseLockName(REPO, 'prod'), leaseHolder(id), { ttlMs: 600_000 }, clock.now());
      const expectRefusedFreeingItsLease = async (pattern: RegExp, request = run('cli:me')) => {
        await expect(hold(request)).rejects.toThrow(pattern);
        expect((await ledger.locks(clock.now())).map((l) => l.name)).not.toContain(LOCK);
      };

      it("refuses while a person's /lock holds the environment, naming them and why", async () => {
        await ledger.acquireLock(
          environmentLockName(REPO, 'prod'),
          'alice',
          { reason: 'db migration' },
          clock.now(),
        );
        await expectRefusedFreeingItsLease(
          /prod is locked by alice with the bot's \/lock \(db migration\), since /,
        );
      });

      it('refuses while /lock --global holds every environment', async () => {
        await ledger.acquireLock(globalLockName(REPO), 'bob', { reason: 'freeze' }, clock.now());
        await expectRefusedFreeingItsLease(
          /every environment is locked by bob with the bot's \/lock --global/,
        );
      });

      it('refuses while a release the bot started holds its lease on the environment', async () => {
        await releaseLease(7);
        await expectRefusedFreeingItsLease(/prod is being deployed by the bot's release:7/);
      });

      it('is not refused by the lock of another repository or environment', async () => {
        await ledger.acquireLock(environmentLockName('acme/other', 'prod'), 'alice', {}, clock.now());
        await ledger.acquireLock(environmentLockName(REPO, 'staging'), 'alice', {}, clock.now());
        const held = await hold(run('cli:me'));
        await held.release();
      });

      describe('for the run carrying out a release the bot admitted', () => {
        it("is not refused by that release's own lease, nor by the locks its admission weighed", async () => {
          await releaseLease(7);
          await ledger.acquireLock(environmentLockName(REPO, 'prod'), 'alice', {}, clock.now());
          const held = await hold(run('action:run-1', { admittedRelease: 7 }));
          expect(held.lock.holder).toBe('action:run-1');
          await held.release();
        });

        it('names the release in its lease, so the bot does not queue behind its own run', async () => {
          await releaseLease(7);
          const held = await hold(run('action:run-1', { admittedRelease: 7, data: { runId: 'run-1' } }));
          expect(held.lock.data).toEqual({ runId: 'run-1', release: 7 });
          expect(carriedRelease(held.lock)).toBe(7);
          await held.release();
        });

        it('names no release in the lease of any other run', async () => {
          const held = await hold(run('cli:run-1', { data: { runId: 'run-1' } }));
          expect(carriedRelease(held.lock)).toBeNull();
          await held.release();
        });

        it("is refused by another release's lease", async () => {
          await releaseLease(8);
          await expectRefusedFreeingItsLease(/release:8/, run('action:run-1', { admittedRelease: 7 }));
        });
      });
    });
  });
}

describe('the run id of a release the bot carries out', () => {
  it('names the release, and only the bot’s run ids name one', () => {
    expect(releaseOfRunId(releaseRunId(42))).toBe(42);
    expect(releaseOfRunId('3f2a9c1e-cli-run')).toBeNull();
    expect(releaseOfRunId('bot-release-x')).toBeNull();
    expect(releaseOfRunId(undefined)).toBeNull();
  });
});
