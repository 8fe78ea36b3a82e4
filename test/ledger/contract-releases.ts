/** The ledger contract for the bot's releases, deliveries and queue; part of describeLedgerContract. */
import { beforeEach, describe, expect, it } from 'vitest';
import { environmentLockName, globalLockName, leaseLockName } from '../../src/ledger/release-locks.ts';
import type {
  Admission,
  DeploymentStatusReport,
  Ledger,
  ReleaseLimits,
  ReleaseRecord,
  ReleaseRequest,
  StatusRecording,
} from '../../src/ledger/types.ts';
import { T0 } from './contract.ts';

export const MINUTE = 60_000;
export const REPO = 'acme/shop';
export const LIMITS: ReleaseLimits = { concurrentReleases: 2, leaseMs: 30 * MINUTE };

let deliveries = 0;

export function delivery(repo = REPO, at = T0) {
  deliveries += 1;
  return { id: `delivery-${deliveries}`, repo, event: 'issue_comment', at };
}

export function request(overrides: Partial<ReleaseRequest> = {}): ReleaseRequest {
  const repo = overrides.repo ?? REPO;
  return {
    delivery: delivery(repo),
    repo,
    installationId: 7,
    environment: 'production',
    service: 'shop',
    kind: 'deploy',
    version: null,
    commit: 'c0ffee',
    requestedBy: 'alice',
    pullRequest: 12,
    ...overrides,
  };
}

export function status(
  release: Pick<ReleaseRecord, 'environment' | 'version'> & { deploymentId: number },
  state: DeploymentStatusReport['state'],
  overrides: Partial<DeploymentStatusReport> = {},
): DeploymentStatusReport {
  return {
    delivery: { ...delivery(), event: 'deployment_status' },
    repo: REPO,
    installationId: 7,
    environment: release.environment,
    deploymentId: release.deploymentId,
    state,
    version: release.version,
    commit: 'c0ffee',
    kind: 'deploy',
    requestedBy: 'alice',
    description: `${state} description`,
    logUrl: 'https://github.com/acme/shop/actions/runs/1',
    checkRunUrl: null,
    ...overrides,
  };
}

export function admitted(admission: Admission) {
  if (admission.outcome === 'duplicate') throw new Error('expected an admission, got a duplicate');
  return admission;
}

export function recorded(recording: StatusRecording) {
  if (recording.outcome !== 'recorded') throw new Error(`expected a recording, got ${recording.outcome}`);
  return recording;
}

export function describeReleases(current: () => Ledger): void {
  describe('releases', () => {
    let ledger: Ledger;

    beforeEach(() => {
      ledger = current();
    });

    /** Admits a release, gives it version and deployment id, and reports it `state`. */
    async function deployed(
      environment: string,
      version: string,
      deploymentId: number,
      state: 'success' | 'failure' | 'in_progress',
      at = T0,
    ): Promise<ReleaseRecord> {
      const { release } = admitted(await ledger.admitRelease(request({ environment }), LIMITS, at));
      await ledger.updateRelease(release.id, { version, deploymentId }, at);
      return recorded(
        await ledger.recordDeploymentStatus(
          status({ environment, version, deploymentId }, state),
          LIMITS,
          at,
        ),
      ).release;
    }

    describe('claimDelivery', () => {
      it('claims a delivery id once: a redelivery finds it taken', async () => {
        const claim = delivery();
        expect(await ledger.claimDelivery(claim)).toBe(true);
        expect(await ledger.claimDelivery({ ...claim, at: T0 + 1 })).toBe(false);
      });

      it('claims a forgotten delivery again, and only that one', async () => {
        const [forgotten, kept] = [delivery(), delivery()];
        await ledger.claimDelivery(forgotten);
        await ledger.claimDelivery(kept);
        await ledger.forgetDelivery(forgotten.id);
        expect(await ledger.claimDelivery(forgotten)).toBe(true);
        expect(await ledger.claimDelivery(kept)).toBe(false);
      });
    });

    describe('admitRelease', () => {
      it('starts a release in a free environment, holding its lease', async () => {
        const admission = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        expect(admission).toMatchObject({ outcome: 'started', blockedBy: null, position: 0 });
        expect(admission.release).toMatchObject({
          repo: REPO,
          installationId: 7,
          environment: 'production',
          service: 'shop',
          origin: 'bot',
          kind: 'deploy',
          state: 'starting',
          version: null,
          commit: 'c0ffee',
          requestedBy: 'alice',
          pullRequest: 12,
          requestedAt: T0,
          startedAt: T0,
        });
        const [lease] = await ledger.locks(T0);
        expect(lease).toMatchObject({
          name: leaseLockName(REPO, 'production'),
          holder: `release:${admission.release.id}`,
          expiresAt: T0 + LIMITS.leaseMs,
        });
      });

      it('queues a second release for a busy environment behind the running one', async () => {
        const first = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        const second = admitted(await ledger.admitRelease(request({ requestedBy: 'bob' }), LIMITS, T0));
        expect(second).toMatchObject({ outcome: 'queued', position: 1, release: { state: 'queued' } });
        expect(second.blockedBy).toEqual({ reason: 'busy', release: first.release });
      });

      it('acts once on a redelivered request, recording nothing more', async () => {
        const once = request();
        admitted(await ledger.admitRelease(once, LIMITS, T0));
        expect(await ledger.admitRelease(once, LIMITS, T0 + 1)).toEqual({ outcome: 'duplicate' });
        expect(await ledger.releases({ repo: REPO })).toHaveLength(1);
      });

      it('runs at most the limit of releases across the repository, queueing the next', async () => {
        admitted(await ledger.admitRelease(request({ environment: 'staging' }), LIMITS, T0));
        admitted(await ledger.admitRelease(request({ environment: 'production' }), LIMITS, T0));
        const third = admitted(await ledger.admitRelease(request({ environment: 'eu' }), LIMITS, T0));
        expect(third.outcome).toBe('queued');
        expect(third.blockedBy?.reason).toBe('limit');
        expect(
          third.blockedBy?.reason === 'limit' && third.blockedBy.running.map((r) => r.environment),
        ).toEqual(['staging', 'production']);
      });

      it('keeps repositories apart: their limits and leases are their own', async () => {
        admitted(await ledger.admitRelease(request({ environment: 'staging' }), LIMITS, T0));
        admitted(await ledger.admitRelease(request({ environment: 'production' }), LIMITS, T0));
        const other = admitted(await ledger.admitRelease(request({ repo: 'acme/other' }), LIMITS, T0));
        expect(other.outcome).toBe('started');
      });

      it("queues behind another person's lock on the environment, naming it", async () => {
        await ledger.lockEnvironment(delivery(), environmentLockName(REPO, 'production'), 'carol', {}, T0);
        const admission = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        expect(admission.outcome).toBe('queued');
        expect(admission.blockedBy).toMatchObject({ reason: 'locked', lock: { holder: 'carol' } });
      });

      it("queues behind another person's global lock", async () => {
        await ledger.lockEnvironment(delivery(), globalLockName(REPO), 'carol', { reason: 'freeze' }, T0);
        const admission = admitted(
          await ledger.admitRelease(request({ environment: 'staging' }), LIMITS, T0),
        );
        expect(admission.blockedBy).toMatchObject({ reason: 'locked', lock: { reason: 'freeze' } });
      });

      it("lets the lock's holder deploy", async () => {
        await ledger.lockEnvironment(delivery(), environmentLockName(REPO, 'production'), 'alice', {}, T0);
        expect(admitted(await ledger.admitRelease(request(), LIMITS, T0)).outcome).toBe('started');
      });

      it('keeps first asked, first started: a new request waits behind the queued one', async () => {
        admitted(await ledger.admitRelease(request({ environment: 'staging' }), LIMITS, T0));
        admitted(await ledger.admitRelease(request({ environment: 'eu' }), LIMITS, T0));
        admitted(await ledger.admitRelease(request({ requestedBy: 'bob' }), LIMITS, T0));
        const mine = admitted(await ledger.admitRelease(request({ requestedBy: 'carol' }), LIMITS, T0));
        expect(mine).toMatchObject({
          outcome: 'queued',
          position: 2,
          blockedBy: { reason: 'queue', ahead: 1 },
        });
      });

      it('starts the earlier request first when a slot opens', async () => {
        const staging = admitted(await ledger.admitRelease(request({ environment: 'staging' }), LIMITS, T0));
        admitted(await ledger.admitRelease(request({ environment: 'eu' }), LIMITS, T0));
        const bob = admitted(await ledger.admitRelease(request({ requestedBy: 'bob' }), LIMITS, T0));
        await ledger.abortRelease(staging.release.id, 'refused', T0);
        const mine = admitted(await ledger.admitRelease(request({ requestedBy: 'carol' }), LIMITS, T0));
        expect(mine.advance.started.map((r) => r.id)).toEqual([bob.release.id]);
        expect(mine.blockedBy).toMatchObject({ reason: 'busy', release: { id: bob.release.id } });
      });
    });

    describe('a lock holder', () => {
      it('goes ahead of the requests waiting for their lock', async () => {
        await ledger.lockEnvironment(delivery(), environmentLockName(REPO, 'production'), 'carol', {}, T0);
        admitted(await ledger.admitRelease(request({ requestedBy: 'bob' }), LIMITS, T0));
        const mine = admitted(await ledger.admitRelease(request({ requestedBy: 'carol' }), LIMITS, T0));
        expect(mine.outcome).toBe('started');
      });
    });

    describe('advanceQueue', () => {
      it('expires a release whose lease ran out and starts the one queued behind it', async () => {
        const first = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        const second = admitted(await ledger.admitRelease(request({ requestedBy: 'bob' }), LIMITS, T0));
        expect(await ledger.advanceQueue(REPO, LIMITS, T0 + LIMITS.leaseMs - 1)).toEqual({
          expired: [],
          started: [],
        });
        const advance = await ledger.advanceQueue(REPO, LIMITS, T0 + LIMITS.leaseMs);
        expect(advance.expired).toMatchObject([{ id: first.release.id, state: 'expired' }]);
        expect(advance.started).toMatchObject([{ id: second.release.id, state: 'starting' }]);
        expect((await ledger.locks(T0 + LIMITS.leaseMs)).map((l) => l.holder)).toEqual([
          `release:${second.release.id}`,
        ]);
      });
    });

    describe('expireReleases', () => {
      it("expires every repository's releases whose lease ran out", async () => {
        admitted(await ledger.admitRelease(request(), LIMITS, T0));
        admitted(await ledger.admitRelease(request({ repo: 'acme/other' }), LIMITS, T0 + MINUTE));
        const expired = await ledger.expireReleases(T0 + LIMITS.leaseMs);
        expect(expired.map((r) => r.repo)).toEqual([REPO]);
      });

      it('keeps each expiry owing GitHub its report until it is made, taken by one claimant at a time', async () => {
        const { release } = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        const at = T0 + LIMITS.leaseMs;
        expect(await ledger.releaseReportsDue(at)).toEqual([]);
        await ledger.expireReleases(at);
        expect((await ledger.releaseReportsDue(at)).map((r) => [r.id, r.state])).toEqual([
          [release.id, 'expired'],
        ]);
        const claims = await Promise.all(
          Array.from({ length: 4 }, () => ledger.claimReleaseReport(release.id, MINUTE, at)),
        );
        const [claim, ...none] = claims.filter((c) => c !== null);
        expect(none).toEqual([]);
        expect(claim?.tries).toBe(1);
        // Claimed: not due again until the claim runs out, unless its holder says when.
        expect(await ledger.releaseReportsDue(at + MINUTE - 1)).toEqual([]);
        if (!claim) throw new Error('nobody claimed the report');
        await ledger.releaseReportFailed(release.id, claim, at + 5 * MINUTE);
        expect(await ledger.releaseReportsDue(at + 5 * MINUTE - 1)).toEqual([]);
        const again = await ledger.claimReleaseReport(release.id, MINUTE, at + 5 * MINUTE);
        expect(again?.tries).toBe(2);
        // The first claim's holder no longer holds it: what it says changes nothing.
        await ledger.releaseReported(release.id, claim);
        expect((await ledger.releaseReportsDue(at + 6 * MINUTE)).map((r) => r.id)).toEqual([release.id]);
        if (!again) throw new Error('the report was not claimed again');
        await ledger.releaseReported(release.id, again);
        expect(await ledger.releaseReportsDue(at + 60 * MINUTE)).toEqual([]);
        expect(await ledger.claimReleaseReport(release.id, MINUTE, at + 60 * MINUTE)).toBeNull();
      });
    });

    describe('recordDeploymentStatus', () => {
      it("asks `owns` first, over the transaction's bindings: a refusal records nothing and claims no delivery", async () => {
        await ledger.bindService('api', ['acme/other'], T0);
        const report = status({ environment: 'production', version: '7', deploymentId: 900 }, 'in_progress');
        const seen: (string[] | undefined)[] = [];
        const refused = await ledger.recordDeploymentStatus(report, LIMITS, T0, async (owners) => {
          seen.push((await owners.serviceOwner('api'))?.repos);
          return false;
        });
        expect(refused).toEqual({ outcome: 'refused' });
        expect(seen).toEqual([['acme/other']]);
        expect(await ledger.releases({ repo: REPO })).toEqual([]);
        // The delivery was not claimed: accepted, the same delivery is recorded.
        const recording = recorded(
          await ledger.recordDeploymentStatus(report, LIMITS, T0, async (owners) => {
            await owners.setServiceRepositories('api', [REPO], T0);
            return true;
          }),
        );
        expect(recording.release).toMatchObject({ deploymentId: 900, state: 'in_progress' });
        expect((await ledger.serviceOwner('api'))?.repos).toEqual([REPO]);
      });

      it('links a status to the started release of its version before the deployment id was written', async () => {
        const { release } = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        await ledger.updateRelease(release.id, { version: '7' }, T0);
        const recording = recorded(
          await ledger.recordDeploymentStatus(
            status({ environment: 'production', version: '7', deploymentId: 501 }, 'in_progress'),
            LIMITS,
            T0 + MINUTE,
          ),
        );
        expect(recording).toMatchObject({ previous: 'starting', finished: null });
        expect(recording.release).toMatchObject({
          id: release.id,
          deploymentId: 501,
          state: 'in_progress',
          logUrl: 'https://github.com/acme/shop/actions/runs/1',
        });
      });

      it('weighs the queue when a status ends its release, leaving lapsed leases to the sweep until then', async () => {
        const first = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        const second = admitted(await ledger.admitRelease(request({ requestedBy: 'bob' }), LIMITS, T0));
        const lapsed = T0 + LIMITS.leaseMs;
        const seen = (state: 'in_progress' | 'success') =>
          ledger.recordDeploymentStatus(
            status({ environment: 'staging', version: '7', deploymentId: 900 }, state),
            LIMITS,
            lapsed,
          );
        expect(recorded(await seen('in_progress')).advance).toEqual({ expired: [], started: [] });
        expect((await ledger.releases({ repo: REPO, states: ['starting'] })).map((r) => r.id)).toEqual([
          first.release.id,
        ]);
        const { advance } = recorded(await seen('success'));
        expect(advance.expired).toMatchObject([{ id: first.release.id, state: 'expired' }]);
        expect(advance.started).toMatchObject([{ id: second.release.id, state: 'starting' }]);
      });

      it('finds the release with the deployment id before a started one of the same version without it', async () => {
        const unlinked = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        await ledger.updateRelease(unlinked.release.id, { version: '7' }, T0);
        const linked = admitted(await ledger.admitRelease(request({ requestedBy: 'bob' }), LIMITS, T0));
        await ledger.updateRelease(linked.release.id, { version: '7', deploymentId: 501 }, T0);
        const report = (deploymentId: number) =>
          ledger.recordDeploymentStatus(
            status({ environment: 'production', version: '7', deploymentId }, 'in_progress'),
            LIMITS,
            T0 + MINUTE,
          );
        expect(recorded(await report(501)).release.id).toBe(linked.release.id);
        expect(recorded(await report(502)).release).toMatchObject({
          id: unlinked.release.id,
          deploymentId: 502,
        });
      });

      it('renews the lease on a status that is not terminal', async () => {
        await deployed('production', '7', 501, 'in_progress', T0 + 10 * MINUTE);
        const [lease] = await ledger.locks(T0 + 10 * MINUTE);
        expect(lease?.expiresAt).toBe(T0 + 10 * MINUTE + LIMITS.leaseMs);
      });

      it('makes the earlier successful deployment of the environment inactive on success', async () => {
        const earlier = await deployed('production', '7', 501, 'success');
        await deployed('staging', '7', 502, 'success');
        const { release } = admitted(await ledger.admitRelease(request(), LIMITS, T0 + MINUTE));
        await ledger.updateRelease(release.id, { version: '8', deploymentId: 503 }, T0);
        const recording = recorded(
          await ledger.recordDeploymentStatus(
            status({ environment: 'production', version: '8', deploymentId: 503 }, 'success'),
            LIMITS,
            T0 + 2 * MINUTE,
          ),
        );
        expect(recording.finished?.superseded).toMatchObject([{ id: earlier.id, state: 'inactive' }]);
        expect(recording.release).toMatchObject({
          state: 'success',
          succeededAt: T0 + 2 * MINUTE,
          finishedAt: T0 + 2 * MINUTE,
        });
        expect(await ledger.locks(T0 + 2 * MINUTE)).toEqual([]);
      });

      describe('of a release to some targets (a ring of a release track)', () => {
        /** Admits a release of `version` to `targets` for `track`, and reports its success. */
        async function ringDeployed(version: string, deploymentId: number, targets: string[], at: number) {
          const ring = request({ targets, track: 'canary' });
          const { release } = admitted(await ledger.admitRelease(ring, LIMITS, at));
          await ledger.updateRelease(release.id, { version, deploymentId }, at);
          return recorded(
            await ledger.recordDeploymentStatus(
              status({ environment: 'production', version, deploymentId }, 'success'),
              LIMITS,
              at,
            ),
          );
        }

        it('keeps its targets and track', async () => {
          const { release } = await ringDeployed('8', 503, ['p-1', 'p-2'], T0);
          expect(release).toMatchObject({ targets: ['p-1', 'p-2'], track: 'canary', state: 'success' });
          expect((await ledger.releases({ repo: REPO }))[0]).toMatchObject({ targets: ['p-1', 'p-2'] });
        });

        it('leaves the whole environment its deployment, and supersedes only one to the same targets', async () => {
          const whole = await deployed('production', '7', 501, 'success');
          expect(whole).toMatchObject({ targets: null, track: null });
          const first = await ringDeployed('8', 502, ['p-1'], T0 + MINUTE);
          expect(first.finished?.superseded).toEqual([]);
          const second = await ringDeployed('9', 503, ['p-1'], T0 + 2 * MINUTE);
          expect(second.finished?.superseded).toMatchObject([{ id: first.release.id, state: 'inactive' }]);
          const live = await ledger.releases({ repo: REPO, states: ['success'] });
          expect(live.map((r) => r.id).sort()).toEqual([whole.id, second.release.id].sort());
        });
      });

      it('records the targets of a deployment it never admitted from its payload', async () => {
        const report = status({ environment: 'production', version: '3', deploymentId: 904 }, 'success', {
          targets: ['p-3'],
          track: 'canary',
        });
        const recording = recorded(await ledger.recordDeploymentStatus(report, LIMITS, T0));
        expect(recording.release).toMatchObject({ origin: 'seen', targets: ['p-3'], track: 'canary' });
      });

      it('decides nothing of what is live: it writes down the version it is given', async () => {
        await deployed('production', '7', 501, 'success');
        const failed = await deployed('production', '8', 502, 'failure', T0 + MINUTE);
        expect(failed).toMatchObject({ state: 'failure', liveVersion: null, succeededAt: null });
        expect(await ledger.setLiveVersion(failed.id, '7')).toMatchObject({
          id: failed.id,
          liveVersion: '7',
        });
        expect((await ledger.releases({ repo: REPO, environment: 'production' }))[0]?.liveVersion).toBe('7');
      });

      it('starts the queued release when the running one finishes', async () => {
        const { release } = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        const queued = admitted(await ledger.admitRelease(request({ requestedBy: 'bob' }), LIMITS, T0));
        await ledger.updateRelease(release.id, { version: '7', deploymentId: 501 }, T0);
        const recording = recorded(
          await ledger.recordDeploymentStatus(
            status({ environment: 'production', version: '7', deploymentId: 501 }, 'success'),
            LIMITS,
            T0 + MINUTE,
          ),
        );
        expect(recording.advance.started.map((r) => r.id)).toEqual([queued.release.id]);
      });

      it('acts once on a redelivered status', async () => {
        const { release } = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        await ledger.updateRelease(release.id, { version: '7', deploymentId: 501 }, T0);
        const report = status({ environment: 'production', version: '7', deploymentId: 501 }, 'failure');
        const first = recorded(await ledger.recordDeploymentStatus(report, LIMITS, T0));
        expect(await ledger.recordDeploymentStatus(report, LIMITS, T0 + MINUTE)).toEqual({
          outcome: 'redelivered',
          release: first.release,
          superseded: [],
        });
        expect(await ledger.releases({ repo: REPO })).toEqual([first.release]);
      });

      it('gives a redelivered success what its finishing superseded and nothing has changed since', async () => {
        const one = await deployed('production', '1', 501, 'success');
        const two = await deployed('production', '2', 502, 'success', T0 + MINUTE);
        const { release } = admitted(await ledger.admitRelease(request(), LIMITS, T0 + 2 * MINUTE));
        await ledger.updateRelease(release.id, { version: '3', deploymentId: 503 }, T0 + 2 * MINUTE);
        const report = status({ environment: 'production', version: '3', deploymentId: 503 }, 'success');
        const first = recorded(await ledger.recordDeploymentStatus(report, LIMITS, T0 + 3 * MINUTE));
        expect(first.finished?.superseded.map((r) => r.id)).toEqual([two.id]);
        const again = await ledger.recordDeploymentStatus(report, LIMITS, T0 + 4 * MINUTE);
        expect(again).toMatchObject({
          outcome: 'redelivered',
          release: { id: release.id, state: 'success' },
        });
        // 1 is inactive too, but 2's success made it so, not 3's.
        expect(again.outcome === 'redelivered' && again.superseded.map((r) => r.id)).toEqual([two.id]);
        const releases = await ledger.releases({ repo: REPO });
        expect(releases.find((r) => r.id === one.id)?.state).toBe('inactive');
        // GitHub reported the inactive status the bot posted for 2: it needs no other.
        recorded(
          await ledger.recordDeploymentStatus(
            status({ environment: 'production', version: '2', deploymentId: 502 }, 'inactive'),
            LIMITS,
            T0 + 5 * MINUTE,
          ),
        );
        expect(await ledger.recordDeploymentStatus(report, LIMITS, T0 + 6 * MINUTE)).toMatchObject({
          outcome: 'redelivered',
          superseded: [],
        });
      });

      it('never reopens a finished release for a late in_progress', async () => {
        await deployed('production', '7', 501, 'success');
        const late = recorded(
          await ledger.recordDeploymentStatus(
            status({ environment: 'production', version: '7', deploymentId: 501 }, 'in_progress'),
            LIMITS,
            T0 + MINUTE,
          ),
        );
        expect(late.release.state).toBe('success');
        expect(await ledger.locks(T0 + MINUTE)).toEqual([]);
      });

      it('records a deployment it never admitted, as it is seen', async () => {
        const recording = recorded(
          await ledger.recordDeploymentStatus(
            status({ environment: 'production', version: '3', deploymentId: 900 }, 'success', {
              requestedBy: 'github-actions[bot]',
            }),
            LIMITS,
            T0,
          ),
        );
        expect(recording.previous).toBeNull();
        expect(recording.release).toMatchObject({
          deploymentId: 900,
          version: '3',
          state: 'success',
          origin: 'seen',
          requestedBy: 'github-actions[bot]',
          pullRequest: null,
        });
      });

      it('takes no lease or slot for deployments it did not admit, and never expires them', async () => {
        for (const deploymentId of [901, 902]) {
          await ledger.recordDeploymentStatus(
            status({ environment: 'production', version: String(deploymentId), deploymentId }, 'in_progress'),
            LIMITS,
            T0,
          );
        }
        expect(await ledger.locks(T0)).toEqual([]);
        expect(admitted(await ledger.admitRelease(request(), LIMITS, T0)).outcome).toBe('started');
        expect(
          (await ledger.advanceQueue(REPO, LIMITS, T0 + 2 * LIMITS.leaseMs)).expired.map((r) => r.origin),
        ).toEqual(['bot']);
      });

      it('marks a deployment inactive', async () => {
        await deployed('production', '7', 501, 'success');
        const recording = recorded(
          await ledger.recordDeploymentStatus(
            status({ environment: 'production', version: '7', deploymentId: 501 }, 'inactive'),
            LIMITS,
            T0 + MINUTE,
          ),
        );
        expect(recording.release).toMatchObject({ state: 'inactive', succeededAt: T0 });
      });

      it("uses up the requester's one-deploy lock when the deploy finishes, keeping a sticky one", async () => {
        await ledger.lockEnvironment(
          delivery(),
          environmentLockName(REPO, 'production'),
          'alice',
          { data: { once: true } },
          T0,
        );
        await ledger.lockEnvironment(
          delivery(),
          globalLockName(REPO),
          'alice',
          { data: { once: false } },
          T0,
        );
        const release = await deployed('production', '7', 501, 'success');
        expect(release.state).toBe('success');
        expect((await ledger.locks(T0)).map((l) => l.name)).toEqual([globalLockName(REPO)]);
      });
    });

    describe('abortRelease', () => {
      it('finishes a release that could not start and frees its lease', async () => {
        const { release } = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        const aborted = await ledger.abortRelease(release.id, 'GitHub refused the deployment', T0 + 1);
        expect(aborted.release).toMatchObject({
          state: 'error',
          description: 'GitHub refused the deployment',
          finishedAt: T0 + 1,
        });
        expect(await ledger.locks(T0 + 1)).toEqual([]);
      });
    });

    describe('updateRelease', () => {
      it('sets the given fields and keeps the others', async () => {
        const { release } = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        await ledger.updateRelease(release.id, { version: '7', plan: 'app: 1, 2' }, T0 + 1);
        const updated = await ledger.updateRelease(release.id, { commentId: 99 }, T0 + 2);
        expect(updated).toMatchObject({ version: '7', plan: 'app: 1, 2', commentId: 99, updatedAt: T0 + 2 });
      });

      it('refuses a release the ledger does not have', async () => {
        await expect(ledger.updateRelease(404, { version: '1' }, T0)).rejects.toThrow(/release 404/);
      });
    });

    describe('releases', () => {
      it('lists by environment and state, newest first', async () => {
        admitted(await ledger.admitRelease(request({ environment: 'staging' }), LIMITS, T0));
        admitted(await ledger.admitRelease(request(), LIMITS, T0));
        admitted(await ledger.admitRelease(request({ requestedBy: 'bob' }), LIMITS, T0));
        expect(
          (await ledger.releases({ repo: REPO, environment: 'production' })).map((r) => r.requestedBy),
        ).toEqual(['bob', 'alice']);
        expect((await ledger.releases({ repo: REPO, states: ['queued'] })).map((r) => r.requestedBy)).toEqual(
          ['bob'],
        );
        expect(await ledger.releases({ repo: REPO, states: [] })).toEqual([]);
      });

      it('lists the releases that once succeeded, newest deployment first', async () => {
        await deployed('production', '7', 501, 'success');
        await deployed('production', '8', 502, 'failure');
        await deployed('production', '9', 503, 'success');
        const good = await ledger.releases({ repo: REPO, environment: 'production', succeeded: true });
        expect(good.map((r) => [r.version, r.state])).toEqual([
          ['9', 'success'],
          ['7', 'inactive'],
        ]);
      });
    });

    describe('lockEnvironment and unlockEnvironment', () => {
      it('claims the delivery with the lock', async () => {
        const claim = delivery();
        const name = environmentLockName(REPO, 'production');
        expect(await ledger.lockEnvironment(claim, name, 'alice', { reason: 'incident' }, T0)).toMatchObject({
          acquired: true,
          lock: { holder: 'alice', reason: 'incident', expiresAt: null },
        });
        expect(await ledger.lockEnvironment(claim, name, 'alice', {}, T0)).toEqual({ outcome: 'duplicate' });
      });

      it('releases the lock whoever holds it and starts what waited for it', async () => {
        const name = environmentLockName(REPO, 'production');
        await ledger.lockEnvironment(delivery(), name, 'carol', {}, T0);
        const queued = admitted(await ledger.admitRelease(request(), LIMITS, T0));
        const unlock = await ledger.unlockEnvironment(delivery(), REPO, name, LIMITS, T0 + 1);
        expect(unlock).toMatchObject({ outcome: 'unlocked', released: { holder: 'carol' } });
        expect(unlock.outcome === 'unlocked' && unlock.advance.started.map((r) => r.id)).toEqual([
          queued.release.id,
        ]);
      });
    });
  });
}
