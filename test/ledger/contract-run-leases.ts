/**
 * The ledger contract for the bot's queue and the leases of runs outside it (a CLI or Action
 * deploy's `deploy:<service>:<environment>`); part of describeLedgerContract.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { deployLockName } from '../../src/ledger/release-locks.ts';
import type { Ledger } from '../../src/ledger/types.ts';
import { DEPLOY_LEASE_MS } from '../../src/release/deploy-lock.ts';
import { T0 } from './contract.ts';
import { admitted, LIMITS, MINUTE, REPO, recorded, request, status } from './contract-releases.ts';

const RUN = deployLockName('shop', 'production');
const CLI_LEASE = { ttlMs: DEPLOY_LEASE_MS, reason: 'deploy by dave on build-7 (pid 4242)' };

export function describeRunLeases(current: () => Ledger): void {
  describe("the queue and a run's lease outside the bot", () => {
    let ledger: Ledger;

    beforeEach(() => {
      ledger = current();
    });

    describe('while a CLI run holds the environment', () => {
      it('queues the release, naming the run that holds it', async () => {
        await ledger.acquireLock(RUN, 'cli:run-1', CLI_LEASE, T0);
        const admission = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        expect(admission).toMatchObject({ outcome: 'queued', position: 1, release: { state: 'queued' } });
        expect(admission.blockedBy).toMatchObject({
          reason: 'deploying',
          lock: { name: RUN, holder: 'cli:run-1', reason: CLI_LEASE.reason },
        });
        expect((await ledger.locks(T0)).map((l) => l.name)).toEqual([RUN]);
      });

      it("queues a lock holder's own release too", async () => {
        await ledger.lockEnvironment(request().delivery, `${REPO}:env:production`, 'alice', {}, T0);
        await ledger.acquireLock(RUN, 'cli:run-1', CLI_LEASE, T0);
        const admission = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        expect(admission.blockedBy).toMatchObject({ reason: 'deploying' });
      });

      it('starts a release of the service to another environment', async () => {
        await ledger.acquireLock(deployLockName('shop', 'staging'), 'cli:run-1', CLI_LEASE, T0);
        const admission = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        expect(admission.outcome).toBe('started');
      });

      it('starts a release of another service to the environment', async () => {
        await ledger.acquireLock(deployLockName('cart', 'production'), 'cli:run-1', CLI_LEASE, T0);
        const admission = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        expect(admission.outcome).toBe('started');
      });

      it('does not list the queued release as free to start', async () => {
        await ledger.acquireLock(RUN, 'cli:run-1', CLI_LEASE, T0);
        admitted(await ledger.admitRelease(request(), LIMITS, T0));
        expect(await ledger.releasesFreeToStart(T0 + MINUTE / 2)).toEqual([]);
      });
    });

    describe('when the run releases its lease', () => {
      it('lists the queued release as free to start', async () => {
        await ledger.acquireLock(RUN, 'cli:run-1', CLI_LEASE, T0);
        const { release } = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        await ledger.releaseLock(RUN, 'cli:run-1');
        expect((await ledger.releasesFreeToStart(T0 + 1)).map((r) => r.id)).toEqual([release.id]);
      });

      it('starts the queued release on the next advance, holding its lease', async () => {
        await ledger.acquireLock(RUN, 'cli:run-1', CLI_LEASE, T0);
        const { release } = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        await ledger.releaseLock(RUN, 'cli:run-1');
        const advance = await ledger.advanceQueue(REPO, LIMITS, T0 + 1);
        expect(advance.started).toMatchObject([{ id: release.id, state: 'starting' }]);
        expect((await ledger.locks(T0 + 1)).map((l) => l.holder)).toEqual([`release:${release.id}`]);
      });
    });

    describe("when the run's lease runs out unrenewed (a crashed run)", () => {
      it('keeps the release queued until the moment it runs out', async () => {
        await ledger.acquireLock(RUN, 'cli:run-1', CLI_LEASE, T0);
        admitted(await ledger.admitRelease(request(), LIMITS, T0));
        const advance = await ledger.advanceQueue(REPO, LIMITS, T0 + DEPLOY_LEASE_MS - 1);
        expect(advance.started).toEqual([]);
      });

      it('starts it on the first advance after, with nothing released', async () => {
        await ledger.acquireLock(RUN, 'cli:run-1', CLI_LEASE, T0);
        const { release } = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        expect((await ledger.releasesFreeToStart(T0 + DEPLOY_LEASE_MS)).map((r) => r.id)).toEqual([
          release.id,
        ]);
        const advance = await ledger.advanceQueue(REPO, LIMITS, T0 + DEPLOY_LEASE_MS);
        expect(advance.started).toMatchObject([{ id: release.id, state: 'starting' }]);
      });
    });

    describe("the lease of the Action run carrying out the bot's own release", () => {
      async function ownRun() {
        const first = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        await ledger.acquireLock(
          RUN,
          'github:run-1',
          { ...CLI_LEASE, data: { release: first.release.id } },
          T0,
        );
        return first.release;
      }

      it('keeps the next release waiting for the release, not for the run', async () => {
        const first = await ownRun();
        const second = admitted(await ledger.admitRelease(request({ requestedBy: 'bob' }), LIMITS, T0));
        expect(second.blockedBy).toMatchObject({ reason: 'busy', release: { id: first.id } });
      });

      it('lets the next release start when the release finishes, the run still letting go', async () => {
        const first = await ownRun();
        const second = admitted(await ledger.admitRelease(request({ requestedBy: 'bob' }), LIMITS, T0));
        await ledger.updateRelease(first.id, { version: '1.0.1', deploymentId: 501 }, T0);
        const report = status({ environment: 'production', version: '1.0.1', deploymentId: 501 }, 'success');
        const { advance } = recorded(await ledger.recordDeploymentStatus(report, LIMITS, T0 + 1));
        expect(advance.started).toMatchObject([{ id: second.release.id, state: 'starting' }]);
      });

      it("binds a release of another repository's queue", async () => {
        const first = await ownRun();
        const other = admitted(await ledger.admitRelease(request({ repo: 'acme/fork' }), LIMITS, T0));
        expect(other.blockedBy).toMatchObject({ reason: 'deploying', lock: { data: { release: first.id } } });
      });
    });
  });
}
