import { describe, expect, it } from 'vitest';
import { DEPLOY_LEASE_MS, holdDeployLock } from '../../src/release/deploy-lock.ts';
import { LIMITS, request } from '../ledger/contract-releases.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { useBot } from './harness/bot-test.ts';
import { TRANCHE_YML } from './harness/github-mock.ts';

const HOUR = 3_600_000;

describe('locks and the release queue', () => {
  const t = useBot();

  /** The requests of a deploy that starts: the new version's tag, its reply, the deployment. */
  function starts(deploymentId: number, reply: { comment: number } | { edit: number }) {
    t.github.tags().createTag();
    if ('comment' in reply) t.github.comment(12, reply.comment);
    else t.github.editComment(reply.edit);
    t.github.createDeployment(deploymentId);
  }

  /** The requests every command by a writer makes before it acts. */
  function writerAsks(login: string, options: { pull?: boolean; comment?: number } = {}) {
    t.github.config().reaction(options.comment).permission(login, 'write');
    if (options.pull !== false) t.github.pull();
  }

  describe('a deploy to a locked environment', () => {
    it('waits in the queue and starts when the environment is unlocked', async () => {
      t.github.token();
      writerAsks('carol', { pull: false });
      t.github.comment(12, 5001);
      await t.comment({ body: '/lock production db migration', login: 'carol' });
      expect(t.github.bodies('comment')[0]?.body).toBe(
        "🔒 **production** is locked by @carol (`db migration`) until `/unlock production`. Others' deploys wait in the queue.",
      );

      writerAsks('alice');
      t.github.comment(12, 5002);
      await t.comment({ body: '/deploy production' });
      expect(t.github.bodies('comment')[1]?.body).toBe(
        "⏳ **Queued**: shop the next version (commit `a1b2c3d`) → **production**, for @alice\n\nWaiting: **production** is locked by @carol (`db migration`). It is number 1 in this repository's queue. It starts by itself when that clears; `/status` shows the queue.",
      );
      expect(t.github.bodies('createDeployment')).toEqual([]);

      writerAsks('carol', { pull: false });
      t.github.comment(12, 5003);
      starts(9001, { edit: 5002 });
      await t.comment({ body: '/unlock production', login: 'carol' });
      t.github.done();
      expect(t.github.bodies('comment')[2]?.body).toMatch(
        /^🔓 \*\*production\*\* is unlocked \(it was locked by @carol: `db migration`, since .* UTC\)\. 1 queued release starts now\.$/,
      );
      expect(t.github.bodies('editComment')[0]?.body).toContain('🚀 **Deploying**: shop `1`');
      expect(t.github.bodies('createDeployment')[0]?.payload.tranche).toMatchObject({
        version: '1',
        requestedBy: 'alice',
      });
    });

    it("lets the lock's holder deploy", async () => {
      t.github.token();
      writerAsks('alice', { pull: false });
      t.github.comment(12, 5001);
      await t.comment({ body: '/lock production' });
      writerAsks('alice');
      starts(9001, { comment: 5002 });
      await t.comment({ body: '/deploy production' });
      t.github.done();
      expect(t.github.bodies('createDeployment')).toHaveLength(1);
    });
  });

  describe('a lock for one deploy', () => {
    it("is used up when its holder's deploy finishes, and what waited starts", async () => {
      t.github.token();
      writerAsks('alice', { pull: false });
      t.github.comment(12, 5001);
      await t.comment({ body: '/lock production --once hotfix' });
      expect(t.github.bodies('comment')[0]?.body).toContain(
        'locked by @alice (`hotfix`) for their next deploy there: it is freed when that deploy finishes',
      );
      writerAsks('bob');
      t.github.comment(12, 5002);
      await t.comment({ body: '/deploy production', login: 'bob' });
      writerAsks('alice');
      starts(9001, { comment: 5003 });
      await t.comment({ body: '/deploy production' });

      t.github.config().editComment(5003);
      starts(9002, { edit: 5002 });
      await t.status({ deploymentId: 9001, state: 'success', version: '1', requestedBy: 'alice' });
      t.github.done();
      expect(t.github.bodies('createDeployment')[1]?.payload.tranche.requestedBy).toBe('bob');
      expect((await t.ledger.locks(t.clock.now)).map((l) => l.holder)).toEqual(['release:1']);
    });
  });

  describe('a global lock', () => {
    it('queues deploys to every environment', async () => {
      t.github.token();
      writerAsks('carol', { pull: false });
      t.github.comment(12, 5001);
      await t.comment({ body: '/lock --global release freeze', login: 'carol' });
      writerAsks('alice');
      t.github.comment(12, 5002);
      await t.comment({ body: '/deploy staging' });
      t.github.done();
      expect(t.github.bodies('comment')[1]?.body).toContain(
        'Waiting: every environment is locked by @carol (`release freeze`).',
      );
    });
  });

  describe('two deploys racing for one environment', () => {
    it('make one deployment and one queued reply', async () => {
      t.github.token();
      writerAsks('alice', { comment: 1001 });
      writerAsks('bob', { comment: 1002 });
      starts(9001, { comment: 5001 });
      t.github.comment(12, 5002);
      await Promise.all([
        t.comment({ body: '/deploy production', commentId: 1001 }),
        t.comment({ body: '/deploy production', login: 'bob', commentId: 1002 }),
      ]);
      t.github.done();
      expect(t.github.bodies('createDeployment')).toHaveLength(1);
      const replies = t.github.bodies('comment').map((c) => String(c.body));
      expect(replies.filter((r) => r.startsWith('⏳ **Queued**'))).toHaveLength(1);
      expect(replies.filter((r) => r.startsWith('🚀 **Deploying**'))).toHaveLength(1);
    });
  });

  describe('the repository-wide limit', () => {
    it('runs two releases at once and starts the third when one finishes', async () => {
      t.github.token();
      writerAsks('alice');
      starts(9001, { comment: 5001 });
      await t.comment({ body: '/deploy staging' });
      writerAsks('alice');
      starts(9002, { comment: 5002 });
      await t.comment({ body: '/deploy production' });
      writerAsks('alice');
      t.github.comment(12, 5003);
      await t.comment({ body: '/deploy eu' });
      expect(t.github.bodies('comment')[2]?.body).toContain(
        'Waiting: 2 releases are running (at most 2 at once): staging, production.',
      );
      expect(t.github.bodies('createDeployment')).toHaveLength(2);

      t.github.config().editComment(5001);
      starts(9003, { edit: 5003 });
      await t.status({ deploymentId: 9001, environment: 'staging', state: 'success', version: '1' });
      t.github.done();
      expect(t.github.bodies('createDeployment')[2]).toMatchObject({ environment: 'eu' });
    });

    it('follows the limit tranche.yml sets', async () => {
      t.github.token();
      t.github
        .config(`${TRANCHE_YML}bot:\n  concurrentReleases: 1\n`)
        .reaction()
        .permission('alice', 'write')
        .pull();
      starts(9001, { comment: 5001 });
      await t.comment({ body: '/deploy staging' });
      t.github
        .config(`${TRANCHE_YML}bot:\n  concurrentReleases: 1\n`)
        .reaction()
        .permission('alice', 'write')
        .pull();
      t.github.comment(12, 5002);
      await t.comment({ body: '/deploy production' });
      t.github.done();
      expect(t.github.bodies('comment')[1]?.body).toContain('(at most 1 at once)');
    });
  });

  describe('a deploy whose workflow never reports', () => {
    /** Alice's deploy started (deployment 9001, reply 5001), bob's queued behind it (reply 5002). */
    async function aliceDeploysBobWaits() {
      t.github.token();
      writerAsks('alice');
      starts(9001, { comment: 5001 });
      await t.comment({ body: '/deploy production' });
      writerAsks('bob');
      t.github.comment(12, 5002);
      await t.comment({ body: '/deploy production', login: 'bob' });
    }

    it("loses its lease to the bot's timer, is reported, and the queue moves on", async () => {
      await aliceDeploysBobWaits();

      t.clock.now += HOUR;
      t.github.config().deploymentStatus(9001).editComment(5001);
      starts(9002, { edit: 5002 });
      await t.server.bot.sweep();
      t.github.done();
      expect(t.github.bodies('status:9001')).toEqual([
        {
          state: 'error',
          description:
            'no deployment status arrived before its lease ran out (is the deployment workflow set up)',
        },
      ]);
      expect(t.github.bodies('editComment')[0]?.body).toContain('😕 **Gave up**: shop `1`');
      expect(t.github.bodies('createDeployment')[1]?.payload.tranche.requestedBy).toBe('bob');
    });

    it('starts the next release though GitHub refuses the report, tries the report again later, then gives it up', async () => {
      await aliceDeploysBobWaits();

      // The deployment is gone: GitHub refuses its status every time.
      const refused = () =>
        t.github.scope
          .post('/repos/acme/shop/deployments/9001/statuses')
          .reply(404, { message: 'Not Found' });
      t.clock.now += HOUR;
      t.github.config();
      refused();
      starts(9002, { edit: 5002 });
      await t.server.bot.sweep();
      t.github.done();
      expect(t.github.bodies('createDeployment')[1]?.payload.tranche.requestedBy).toBe('bob');
      expect(t.server.logs).toContain(
        'release 1: GitHub did not take the report of its expiry (Not Found); trying again in 1 min',
      );
      // Not due before its wait; then tried at 1, 5, 15 and 60 minutes, and given up.
      await t.server.bot.sweep();
      for (const wait of [1, 5, 15, 60]) {
        t.clock.now += wait * 60_000;
        t.github.config();
        refused();
        // By the last, bob's release has lost its lease too, and its report goes through.
        if (wait === 60) t.github.deploymentStatus(9002).editComment(5002);
        await t.server.bot.sweep();
        t.github.done();
      }
      expect(t.server.logs).toContain(
        'release 1: GitHub did not take the report of its expiry after 5 tries (Not Found); given up',
      );
      t.clock.now += 24 * HOUR;
      await t.server.bot.sweep();
      t.github.done();
    });

    it('gives up the report of a release whose repository it cannot reach, after as many tries', async () => {
      // A release from a delivery that named no installation: the timer has no client for it.
      await t.ledger.admitRelease(request({ repo: 'acme/shop', installationId: null }), LIMITS, t.clock.now);
      const given = 'its expiry was never reported to GitHub; given up';
      t.clock.now += LIMITS.leaseMs;
      for (let sweep = 1; sweep <= 5; sweep++) {
        await t.server.bot.sweep();
        // The claim of each try lasts 10 minutes: a process that died holding it hands it on.
        t.clock.now += 10 * 60_000;
      }
      expect(t.server.logs.filter((l) => l.endsWith(given))).toEqual([]);
      expect(t.server.logs).toContain(
        'acme/shop has work for the timer, but no installation is known to act on it',
      );
      await t.server.bot.sweep();
      expect(t.server.logs.filter((l) => l.endsWith(given))).toHaveLength(1);
      t.clock.now += 24 * HOUR;
      await t.server.bot.sweep();
      expect(t.server.logs.filter((l) => l.endsWith(given))).toHaveLength(1);
      expect(await t.ledger.releaseReportsDue(t.clock.now)).toEqual([]);
    });
  });

  describe("a deploy while a run outside the bot holds the service's environment", () => {
    /** The lease `tranche deploy` or the Action takes on the ledger the bot shares (cli/deploy-lock.ts). */
    function runHolds(holder: string, admittedRelease?: number) {
      const request = {
        service: 'shop',
        environment: 'production',
        holder,
        reason: 'deploy by dave on build-7 (pid 4242)',
        repos: ['acme/shop'],
        admittedRelease,
      };
      return holdDeployLock(t.ledger, request, new FakeClock({ start: t.clock.now, auto: false }), () => {});
    }
    /** Alice's /deploy production while a CLI run holds it: queued, with a reply (comment 5001). */
    async function deployBehindCliRun() {
      const run = await runHolds('cli:run-1');
      t.github.token();
      writerAsks('alice');
      t.github.comment(12, 5001);
      await t.comment({ body: '/deploy production' });
      return run;
    }
    const sweepFailures = () => t.server.logs.filter((l) => l.startsWith('could not sweep'));

    it('waits in the queue, naming the run', async () => {
      const run = await deployBehindCliRun();
      t.github.done();
      expect(t.github.bodies('comment')[0]?.body).toBe(
        "⏳ **Queued**: shop the next version (commit `a1b2c3d`) → **production**, for @alice\n\nWaiting: **production** is being deployed outside the bot by `cli:run-1` (`deploy by dave on build-7 (pid 4242)`). It is number 1 in this repository's queue. It starts by itself when that clears; `/status` shows the queue.",
      );
      expect(t.github.bodies('createDeployment')).toEqual([]);
      await run.release();
    });

    it('/status shows the run in the environment and the release in the queue', async () => {
      const run = await deployBehindCliRun();
      t.github.config().reaction().comment(12, 5002);
      await t.comment({ body: '/status production' });
      t.github.done();
      const body = String(t.github.bodies('comment')[1]?.body);
      expect(body).toContain('| — | `cli:run-1` outside the bot (`deploy by dave on build-7 (pid 4242)`) |');
      expect(body).toContain('1. deploy next version → **production** for @alice (#12)');
      await run.release();
    });

    it("leaves it queued on the bot's timer while the run holds its lease", async () => {
      const run = await deployBehindCliRun();
      t.clock.now += DEPLOY_LEASE_MS / 2;
      await t.sweep();
      t.github.done();
      expect(sweepFailures()).toEqual([]);
      expect(t.github.bodies('createDeployment')).toEqual([]);
      await run.release();
    });

    it("starts it on the bot's timer once the run releases its lease", async () => {
      const run = await deployBehindCliRun();
      await run.release();
      t.clock.now += 1000;
      t.github.config();
      starts(9001, { edit: 5001 });
      await t.sweep();
      t.github.done();
      expect(t.github.bodies('editComment')[0]?.body).toContain('🚀 **Deploying**: shop `1`');
      expect(t.github.bodies('createDeployment')[0]).toMatchObject({
        environment: 'production',
        payload: { tranche: { version: '1', requestedBy: 'alice' } },
      });
    });

    it("starts it on the bot's timer once a crashed run's lease runs out", async () => {
      await deployBehindCliRun();
      t.clock.now += DEPLOY_LEASE_MS;
      t.github.config();
      starts(9001, { edit: 5001 });
      await t.sweep();
      t.github.done();
      expect(t.github.bodies('createDeployment')).toHaveLength(1);
    });

    it("starts the next release when the bot's own release finishes, while its Action run still lets go", async () => {
      t.github.token();
      writerAsks('alice');
      starts(9001, { comment: 5001 });
      await t.comment({ body: '/deploy production' });
      const action = await runHolds('github:run-1', 1);
      writerAsks('bob');
      t.github.comment(12, 5002);
      await t.comment({ body: '/deploy production', login: 'bob' });
      expect(t.github.bodies('comment')[1]?.body).toContain('Waiting: **production** is busy with');

      t.github.config().editComment(5001);
      starts(9002, { edit: 5002 });
      await t.status({ deploymentId: 9001, state: 'success', version: '1', requestedBy: 'alice' });
      t.github.done();
      expect(t.github.bodies('createDeployment')[1]?.payload.tranche.requestedBy).toBe('bob');
      await action.release();
    });
  });
});
