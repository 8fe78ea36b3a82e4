/**
 * The Action's deploy flow (github-deploy.ts, shared with `tranche deploy --github`) refusing a
 * version with a bad verdict or an unmet dependency constraint: the deployment gets an `error`
 * status naming the refusal, the check run completes as failed, and no command runs. GitHub's API
 * is nock, strictly: every request is expected, bodies are checked, and every scope is done.
 * With a shared ledger it also holds the environment's lease (release/deploy-lock.ts), refused
 * while another run or a bot lock holds it, except by the release the bot admitted it for.
 */
import nock from 'nock';
import { Octokit } from 'octokit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { Executor } from '../../src/engine/ports.ts';
import { type DeployStore, ledgerStore } from '../../src/github/deploy-store.ts';
import { DeploySetupError, deployToGitHub } from '../../src/github/github-deploy.ts';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { DeployLockedError } from '../../src/release/deploy-lock.ts';
import { overrideVerdict } from '../../src/release/fleet-verdicts.ts';
import { ServiceNotOwnedError } from '../../src/release/service-owner.ts';
import { fleetConfig } from '../action/fleet.ts';
import { FakeClock } from '../support/fake-clock.ts';

const API = 'https://api.github.com';
const R = '/repos/acme/shop';
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

/** An executor that must not be called: a refused deploy runs nothing. */
class RecordingExecutor implements Executor {
  readonly targets: string[] = [];
  async run(request: Parameters<Executor['run']>[0]) {
    this.targets.push(request.env.TRANCHE_TARGET ?? '');
    return {
      exitCode: 0,
      signal: null,
      timedOut: false,
      cancelled: false,
      durationMs: 1,
      stdout: '',
      stderr: '',
    };
  }
}

let ledger: SqliteLedger;
beforeEach(async () => {
  nock.disableNetConnect();
  ledger = await SqliteLedger.open(':memory:');
});
afterEach(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await ledger.close();
});

function deploy(
  config: string,
  executor: Executor,
  deployment?: { id: number; payload: unknown },
  store: DeployStore = ledgerStore(ledger),
) {
  return deployToGitHub({
    client: new Octokit({ auth: 'test', throttle: { enabled: false }, retry: { enabled: false } }),
    repo: { owner: 'acme', repo: 'shop' },
    sha: SHA,
    loaded: parseConfig(config, 'tranche.yml'),
    configPath: 'tranche.yml',
    cwd: '/',
    environment: 'prod',
    store,
    deployment,
    dryRun: false,
    signal: new AbortController().signal,
    progress: { event: () => {} },
    baseEnv: {},
    log: { info: () => {}, warning: () => {} },
    ports: {
      executor,
      checker: {
        run: async (spec) => ({ check: spec.name, status: 'pass', message: 'ok', durationMs: 1, value: 1 }),
      },
      clock: new FakeClock(),
    },
  });
}

/**
 * What a refused deploy sends: the check run opened, the live deployment looked up, (on a push)
 * the deployment created for 1.1, then the check run completed as failed and one status posted.
 */
function refusal(options: { createsDeployment: boolean }) {
  const statuses: { state: string; description: string }[] = [];
  let scope = nock(API)
    .post(`${R}/check-runs`)
    .reply(201, { id: 7 })
    .get(`${R}/deployments?environment=prod&per_page=100`)
    .reply(200, []);
  if (options.createsDeployment) {
    scope = scope
      .post(`${R}/deployments`, (body) => body.payload.tranche.version === '1.1')
      .reply(201, { id: 9 });
  }
  scope = scope
    .patch(`${R}/check-runs/7`, (body) => body.conclusion === 'failure')
    .reply(200, { id: 7 })
    .post(`${R}/deployments/9/statuses`, (body) => {
      statuses.push(body);
      return true;
    })
    .reply(201, { id: 1 });
  return { statuses, scope };
}

/** What a deployment event's deploy that succeeds sends: the check run opened, updated and completed, two statuses. */
function succeeding() {
  const states: string[] = [];
  const scope = nock(API)
    .post(`${R}/check-runs`)
    .reply(201, { id: 7 })
    .get(`${R}/deployments?environment=prod&per_page=100`)
    .reply(200, [])
    .patch(`${R}/check-runs/7`)
    .times(3)
    .reply(200, { id: 7 })
    .post(`${R}/deployments/9/statuses`, (body) => {
      states.push(body.state);
      return true;
    })
    .times(2)
    .reply(201, { id: 1 });
  return { states, scope };
}

describe('the Action refusing a deploy', () => {
  describe('of a version with a bad verdict, asked for by a deployment event (the bot’s)', () => {
    it('posts the deployment’s error status naming the verdict, fails the check run, and runs nothing', async () => {
      await ledger.nextVersion('shop', SHA, '1.{n}', 1);
      await overrideVerdict(ledger, {
        service: 'shop',
        version: '1.1',
        verdict: 'bad',
        actor: 'alice',
        reason: 'jobs fail on the new spark',
        now: Date.UTC(2026, 11, 1),
      });
      const { statuses, scope } = refusal({ createsDeployment: false });
      const executor = new RecordingExecutor();
      const payload = { tranche: { schemaVersion: 1, version: '1.1' } };
      const error = await deploy(fleetConfig(), executor, { id: 9, payload }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeploySetupError);
      expect(statuses).toEqual([
        {
          state: 'error',
          description: expect.stringMatching(
            /^the deploy did not start: refusing to deploy shop 1\.1 in prod: its verdict is bad/,
          ),
        },
      ]);
      expect((error as Error).message).toContain('marked bad by alice: jobs fail on the new spark');
      expect(executor.targets).toEqual([]);
      expect(scope.isDone()).toBe(true);
    });
  });

  describe('that would break a dependency constraint, on a push', () => {
    it('creates the deployment, marks it error with the exact unmet constraint, and runs nothing', async () => {
      await ledger.record({
        runId: 'storage-run',
        seq: 1,
        at: 1,
        kind: 'run_started',
        status: 'started',
        service: 'storage',
        environment: 'prod',
        version: '2.13.9',
      });
      await ledger.record({
        runId: 'storage-run',
        seq: 2,
        at: 2,
        kind: 'run_finished',
        status: 'ok',
        service: 'storage',
        environment: 'prod',
        version: '2.13.9',
        data: { decision: 'succeeded' },
      });
      const { statuses, scope } = refusal({ createsDeployment: true });
      const executor = new RecordingExecutor();
      const config = `${fleetConfig()}requires:\n  storage: ">=2.14.0"\n`;
      await expect(deploy(config, executor)).rejects.toThrow(
        'refusing to deploy shop 1.1 in prod: requires storage >=2.14.0, but prod runs storage 2.13.9',
      );
      expect(statuses).toEqual([
        {
          state: 'error',
          description:
            'the deploy did not start: refusing to deploy shop 1.1 in prod: requires storage >=2.14.0, but prod runs storage 2.13.9',
        },
      ]);
      expect(executor.targets).toEqual([]);
      expect(scope.isDone()).toBe(true);
    });
  });

  describe('of a version marked good again', () => {
    it('approves it: the deploy runs to success', async () => {
      await ledger.nextVersion('shop', SHA, '1.{n}', 1);
      for (const verdict of ['bad', 'good'] as const) {
        await overrideVerdict(ledger, {
          service: 'shop',
          version: '1.1',
          verdict,
          actor: 'alice',
          reason: 'r',
          now: 1,
        });
      }
      const { states, scope } = succeeding();
      const executor = new RecordingExecutor();
      const outcome = await deploy(fleetConfig(), executor, {
        id: 9,
        payload: { tranche: { schemaVersion: 1, version: '1.1' } },
      });
      expect(outcome.decision).toBe('succeeded');
      expect(states).toEqual(['in_progress', 'success']);
      expect(executor.targets).toEqual(['t-1', 't-2', 't-3']);
      expect(scope.isDone()).toBe(true);
    });
  });
});

describe('the Action with a shared ledger, and its environment’s lease', () => {
  const LIMITS = { concurrentReleases: 1, leaseMs: 600_000 };
  const delivery = (id: string) => ({ id, repo: 'acme/shop', event: 'issue_comment', at: Date.now() });
  const versionPayload = { tranche: { schemaVersion: 1, version: '1.1' } };

  describe('on a push while a CLI deploy holds the environment', () => {
    it('is refused naming the holder, before GitHub hears of it, and runs nothing', async () => {
      await ledger.acquireLock(
        'deploy:shop:prod',
        'cli:other',
        { ttlMs: 60_000, reason: 'deploy by bob' },
        Date.now(),
      );
      const executor = new RecordingExecutor();
      const error = await deploy(fleetConfig(), executor).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeployLockedError);
      expect((error as Error).message).toMatch(
        /^shop in prod is being deployed by cli:other \(deploy by bob\), since /,
      );
      expect(executor.targets).toEqual([]);
      expect(await ledger.versions('shop')).toEqual([]);
    });
  });

  /** The statuses posted to deployment `id`, and the scope that takes them. */
  function deploymentStatuses(id: number) {
    const statuses: { state: string; description: string }[] = [];
    const scope = nock(API)
      .post(`${R}/deployments/${id}/statuses`, (body) => {
        statuses.push(body);
        return true;
      })
      .reply(201, { id: 1 });
    return { statuses, scope };
  }

  describe('in a repository that does not own the service', () => {
    it('posts the deployment’s error status naming the owner, takes no lease, and runs nothing', async () => {
      await ledger.nextVersion('shop', SHA, '1.{n}', 1);
      await ledger.bindService('shop', ['acme/monolith'], 1);
      const { statuses, scope } = deploymentStatuses(9);
      const executor = new RecordingExecutor();
      await expect(deploy(fleetConfig(), executor, { id: 9, payload: versionPayload })).rejects.toThrow(
        ServiceNotOwnedError,
      );
      expect(statuses).toEqual([
        {
          state: 'error',
          description: expect.stringMatching(/^shop belongs to acme\/monolith, not to acme\/shop:/),
        },
      ]);
      expect(await ledger.locks(Date.now())).toEqual([]);
      expect(executor.targets).toEqual([]);
      expect(scope.isDone()).toBe(true);
    });
  });

  describe('on a deployment someone made while a person’s /lock holds the environment', () => {
    it('posts the deployment’s error status naming the lock, and runs nothing', async () => {
      await ledger.nextVersion('shop', SHA, '1.{n}', 1);
      await ledger.lockEnvironment(
        delivery('d-1'),
        'acme/shop:env:prod',
        'alice',
        { reason: 'db migration' },
        Date.now(),
      );
      const { statuses, scope } = deploymentStatuses(9);
      const executor = new RecordingExecutor();
      await expect(deploy(fleetConfig(), executor, { id: 9, payload: versionPayload })).rejects.toThrow(
        DeployLockedError,
      );
      expect(statuses).toEqual([
        {
          state: 'error',
          description: expect.stringMatching(
            /^prod is locked by alice with the bot's \/lock \(db migration\)/,
          ),
        },
      ]);
      expect(executor.targets).toEqual([]);
      expect(scope.isDone()).toBe(true);
    });
  });

  describe('on the deployment of a release the bot admitted', () => {
    it('is not refused by the release’s own lease, nor by a /lock taken since; it runs and frees its own lease', async () => {
      await ledger.nextVersion('shop', SHA, '1.{n}', 1);
      const admission = await ledger.admitRelease(
        {
          delivery: delivery('d-1'),
          repo: 'acme/shop',
          installationId: 1,
          environment: 'prod',
          service: 'shop',
          kind: 'deploy',
          version: '1.1',
          commit: SHA,
          requestedBy: 'alice',
          pullRequest: 3,
        },
        LIMITS,
        Date.now(),
      );
      if (admission.outcome === 'duplicate') throw new Error('a fresh delivery is not a duplicate');
      expect(admission.outcome).toBe('started');
      await ledger.lockEnvironment(delivery('d-2'), 'acme/shop:env:prod', 'bob', {}, Date.now());
      const { states, scope } = succeeding();
      const executor = new RecordingExecutor();
      const payload = {
        tranche: { ...versionPayload.tranche, runId: `bot-release-${admission.release.id}` },
      };
      const outcome = await deploy(fleetConfig(), executor, { id: 9, payload });
      expect(outcome.decision).toBe('succeeded');
      expect(states).toEqual(['in_progress', 'success']);
      expect(executor.targets).toEqual(['t-1', 't-2', 't-3']);
      expect((await ledger.locks(Date.now())).map((l) => l.name)).not.toContain('deploy:shop:prod');
      expect(scope.isDone()).toBe(true);
    });

    it('is refused by the lease of another release the bot runs there', async () => {
      await ledger.nextVersion('shop', SHA, '1.{n}', 1);
      await ledger.acquireLock('acme/shop:deploy:prod', 'release:41', { ttlMs: 600_000 }, Date.now());
      const scope = nock(API).post(`${R}/deployments/9/statuses`).reply(201, { id: 1 });
      const payload = { tranche: { ...versionPayload.tranche, runId: 'bot-release-42' } };
      await expect(deploy(fleetConfig(), new RecordingExecutor(), { id: 9, payload })).rejects.toThrow(
        "prod is being deployed by the bot's release:41",
      );
      expect(scope.isDone()).toBe(true);
    });
  });

  describe('through the lease port its caller passes', () => {
    it('holds the environment before anything runs, says which release it carries, and gives it back', async () => {
      await ledger.nextVersion('shop', SHA, '1.{n}', 1);
      const store = ledgerStore(ledger);
      const held: { holder: string; carries: number | null; during: string[] }[] = [];
      const executor = new RecordingExecutor();
      let released = 0;
      const recording: DeployStore = {
        versionSource: store.versionSource,
        lease: {
          async hold(request) {
            held.push({ holder: request.holder, carries: request.carries, during: [...executor.targets] });
            return { release: async () => void released++ };
          },
        },
      };
      const { scope } = succeeding();
      const payload = { tranche: { ...versionPayload.tranche, runId: 'bot-release-42' } };
      const outcome = await deploy(fleetConfig(), executor, { id: 9, payload }, recording);
      expect(outcome.decision).toBe('succeeded');
      expect(held).toEqual([{ holder: expect.stringMatching(/^github:/), carries: 42, during: [] }]);
      expect(released).toBe(1);
      // The port held it: the ledger's own lease was never taken.
      expect(await ledger.locks(Date.now())).toEqual([]);
      expect(scope.isDone()).toBe(true);
    });
  });
});
