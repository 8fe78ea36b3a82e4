import { describe, expect, it } from 'vitest';
import { T0, useBot } from './harness/bot-test.ts';

const HOUR = 3_600_000;

import { HEAD_SHA, HTML_URL, statusPayload, TRANCHE_YML } from './harness/payloads.ts';

describe('deployment_status', () => {
  const t = useBot();

  /** alice's /deploy production, started as deployment `id` with reply `comment`. */
  async function deployed(id: number, comment: number, existingTags: string[] = [], yaml = TRANCHE_YML) {
    t.github.config(yaml).reaction().permission('alice', 'write').pull().tags(existingTags).createTag();
    t.github.comment(12, comment).createDeployment(id);
    await t.comment({ body: '/deploy production' });
  }

  /** 1 deployed (9001, reply 5001) and succeeded; then 2 started as 9002 with reply 5002. */
  async function twoAfterOne() {
    t.github.token();
    await deployed(9001, 5001);
    t.github.config().editComment(5001);
    await t.status({ deploymentId: 9001, state: 'success', version: '1' });
    await deployed(9002, 5002, ['1']);
  }

  describe('in_progress from the Action', () => {
    it('edits the reply with the workflow run and the check run', async () => {
      t.github.token();
      await deployed(9001, 5001);
      t.github.config().checkRuns('production', `${HTML_URL}/runs/77`).editComment(5001);
      await t.status({ deploymentId: 9001, state: 'in_progress', version: '1', description: 'deploying 1' });
      t.github.done();
      const body = String(t.github.bodies('editComment')[0]?.body);
      expect(body).toContain('🚧 **In progress**: shop `1` (commit `a1b2c3d`) → **production**, for @alice');
      expect(body).toContain('> deploying 1');
      expect(body).toContain(
        `[workflow run](${HTML_URL}/actions/runs/7001) · [check run](${HTML_URL}/runs/77) · [deployments](${HTML_URL}/deployments/production)`,
      );
    });
  });

  describe('the log', () => {
    it('says at info when a status ends the release, and keeps one that leaves it open to debug', async () => {
      t.github.token();
      await deployed(9001, 5001);
      t.github.config().checkRuns('production', `${HTML_URL}/runs/77`).editComment(5001);
      await t.status({ deploymentId: 9001, state: 'in_progress', version: '1' });
      t.github.config().editComment(5001);
      await t.status({ deploymentId: 9001, state: 'success', version: '1' });
      t.github.done();
      const about = (lines: string[]) =>
        lines.filter((line) => line.startsWith('deployment 9001 → production'));
      expect(about(t.server.logs)).toEqual([
        expect.stringMatching(/^deployment 9001 → production: success \(release \d+\)$/),
      ]);
      expect(about(t.server.debugLogs)).toEqual([
        expect.stringMatching(/^deployment 9001 → production: in_progress \(release \d+\)$/),
      ]);
    });

    it('says at info when an inactive status closes a release that was open', async () => {
      t.github.token();
      await deployed(9001, 5001);
      t.github.config().checkRuns('production', `${HTML_URL}/runs/77`).editComment(5001);
      await t.status({ deploymentId: 9001, state: 'in_progress', version: '1' });
      t.github.config();
      await t.status({ deploymentId: 9001, state: 'inactive', version: '1' });
      t.github.done();
      expect(t.server.logs.filter((line) => line.startsWith('deployment 9001 → production'))).toEqual([
        expect.stringMatching(/^deployment 9001 → production: inactive \(release \d+\)$/),
      ]);
    });
  });

  describe('success', () => {
    it('edits the reply with 🚀 and marks the earlier successful deployment inactive', async () => {
      await twoAfterOne();
      t.github.config().editComment(5002).deploymentStatus(9001);
      await t.status({ deploymentId: 9002, state: 'success', version: '2' });
      t.github.done();
      expect(t.github.bodies('editComment')[1]?.body).toContain('🚀 **Deployed**: shop `2`');
      expect(t.github.bodies('status:9001')).toEqual([{ state: 'inactive', description: 'superseded by 2' }]);
      const releases = await t.ledger.releases({ repo: 'acme/shop', succeeded: true });
      expect(releases.map((r) => [r.version, r.state])).toEqual([
        ['2', 'success'],
        ['1', 'inactive'],
      ]);
    });

    it('records the inactive status it caused without replying again', async () => {
      t.github.token();
      await deployed(9001, 5001);
      t.github.config().editComment(5001);
      await t.status({ deploymentId: 9001, state: 'success', version: '1' });
      t.github.config();
      await t.status({ deploymentId: 9001, state: 'inactive', version: '1' });
      t.github.done();
      expect(t.github.bodies('editComment')).toHaveLength(1);
      expect((await t.ledger.releases({ repo: 'acme/shop' }))[0]?.state).toBe('inactive');
    });
  });

  describe('with a url for the environment in tranche.yml', () => {
    const yaml = TRANCHE_YML.replace(
      '  production:\n',
      '  production:\n    url: "https://{version}.shop.example.com"\n',
    );

    it('links the version’s address from the 🚀 reply', async () => {
      t.github.token();
      await deployed(9001, 5001, [], yaml);
      t.github.config(yaml).editComment(5001);
      await t.status({ deploymentId: 9001, state: 'success', version: '1' });
      t.github.done();
      expect(t.github.bodies('editComment')[0]?.body).toContain(
        `[view deployment](https://1.shop.example.com) · [workflow run](${HTML_URL}/actions/runs/7001)`,
      );
    });

    it('links no address from a 😕 reply', async () => {
      t.github.token();
      await deployed(9001, 5001, [], yaml);
      t.github.config(yaml).editComment(5001);
      await t.status({ deploymentId: 9001, state: 'failure', version: '1' });
      t.github.done();
      expect(t.github.bodies('editComment')[0]?.body).toContain('😕 **Failed**');
      expect(t.github.bodies('editComment')[0]?.body).not.toContain('view deployment');
    });
  });

  describe('failure', () => {
    it('edits the reply with 😕 and the version that stays live', async () => {
      await twoAfterOne();
      t.github.config().editComment(5002);
      await t.status({
        deploymentId: 9002,
        state: 'failure',
        version: '2',
        description: 'rolled back: latency (412 ms) is greater than maximum allowed (150 ms)',
      });
      t.github.done();
      const body = String(t.github.bodies('editComment')[1]?.body);
      expect(body).toContain('😕 **Failed**: shop `2`');
      expect(body).toContain('> rolled back: latency (412 ms) is greater than maximum allowed (150 ms)');
      expect(body).toMatch(/\*\*production\*\* is on `1` \(deployed by @alice on 2026-12-01 09:00 UTC\)\./);
      expect((await t.ledger.releases({ repo: 'acme/shop', environment: 'production' }))[0]).toMatchObject({
        state: 'failure',
        liveVersion: '1',
      });
    });
    it('says what is live by the one rule: a version the CLI deployed since counts', async () => {
      t.github.token();
      await deployed(9001, 5001);
      t.github.config().editComment(5001);
      await t.status({ deploymentId: 9001, state: 'success', version: '1' });
      // Then `tranche deploy` put 7 live through the shared ledger, an hour later.
      const run = { runId: 'cli-7', service: 'shop', environment: 'production', version: '7' };
      await t.ledger.record({ ...run, seq: 1, at: T0 + HOUR, kind: 'run_started', status: 'started' });
      await t.ledger.record({
        ...run,
        seq: 2,
        at: T0 + HOUR + 1000,
        kind: 'run_finished',
        status: 'ok',
        data: { decision: 'succeeded' },
      });
      await deployed(9002, 5002, ['1']);
      t.github.config().editComment(5002);
      await t.status({ deploymentId: 9002, state: 'failure', version: '2' });
      t.github.done();
      const body = String(t.github.bodies('editComment')[1]?.body);
      expect(body).toMatch(/\*\*production\*\* is on `7` \(deployed on 2026-12-01 10:00 UTC\)\./);
      expect((await t.ledger.releases({ repo: 'acme/shop', environment: 'production' }))[0]).toMatchObject({
        state: 'failure',
        liveVersion: '7',
      });
    });
  });

  describe('of a deployment the bot did not create', () => {
    it('is recorded, so /status knows what is live', async () => {
      t.github.token().config();
      await t.status({ deploymentId: 8001, state: 'success', version: '5', requestedBy: 'ci' });
      t.github.done();
      expect((await t.ledger.releases({ repo: 'acme/shop' }))[0]).toMatchObject({
        deploymentId: 8001,
        version: '5',
        commit: HEAD_SHA,
        state: 'success',
        requestedBy: 'ci',
        commentId: null,
      });
    });

    it('is ignored when it is not a Tranche deployment at all', async () => {
      await t.status({ deploymentId: 8002, state: 'success', foreign: true });
      t.github.done();
      expect(await t.ledger.releases({ repo: 'acme/shop' })).toEqual([]);
      expect(t.server.debugLogs).toContain(
        'deployment 8002 in acme/shop is not a Tranche deployment; ignored',
      );
    });
  });

  describe('as an outcome of its version', () => {
    it('counts a success and a failure, each in its environment', async () => {
      t.github.token().config(undefined, 4);
      await t.succeeded(8001, 'staging', '5');
      await t.status({ deploymentId: 8002, state: 'in_progress', environment: 'eu', version: '5' });
      await t.status({ deploymentId: 8002, state: 'failure', environment: 'eu', version: '5' });
      await t.status({ deploymentId: 8003, state: 'error', environment: 'production', version: '5' });
      t.github.done();
      expect(await t.ledger.outcomes({ service: 'shop' })).toEqual([
        expect.objectContaining({
          environment: 'staging',
          outcome: 'success',
          source: 'deployment_status',
          sourceId: '8001',
        }),
        expect.objectContaining({
          environment: 'eu',
          outcome: 'failure',
          source: 'deployment_status',
          sourceId: '8002',
        }),
      ]);
      expect((await t.ledger.verdicts('shop', '5')).at(-1)).toMatchObject({
        verdict: 'pending',
        reasonCode: 'no_baseline',
      });
    });
  });

  describe('delivered again, under its delivery id or a new one (a replay)', () => {
    it('records it once, counts its outcome once, and writes the same reply', async () => {
      t.github.token();
      await deployed(9001, 5001);
      t.github.config(undefined, 3).editComment(5001).editComment(5001).editComment(5001);
      const failed = { deploymentId: 9001, state: 'failure', version: '1' };
      const id = await t.status(failed);
      await t.status(failed, id);
      await t.status(failed, 'a-new-delivery-id');
      t.github.done();
      const bodies = t.github.bodies('editComment').map((b) => String(b.body));
      expect(bodies).toHaveLength(3);
      expect(new Set(bodies).size).toBe(1);
      expect(bodies[0]).toContain('😕 **Failed**: shop `1`');
      expect(await t.ledger.outcomes({ service: 'shop' })).toHaveLength(1);
      const redelivered =
        'delivery deployment_status:90015 was recorded before; what follows the status is done again';
      expect(t.server.logs.filter((line) => line === redelivered)).toHaveLength(2);
    });

    it('edits the reply, counts the outcome once and supersedes when GitHub failed the edit before', async () => {
      await twoAfterOne();
      // The test bots' Octokit does not retry, so one 502 is the edit failing past every retry.
      t.github.config();
      t.github.scope.patch('/repos/acme/shop/issues/comments/5002').reply(502, { message: 'Bad Gateway' });
      const succeeded = { deploymentId: 9002, state: 'success', version: '2' };
      const payload = statusPayload(succeeded);
      const failed = await t.server.deliver('deployment_status', payload);
      expect(failed.status).toBeGreaterThanOrEqual(500);
      t.github.done();
      expect(t.github.bodies('status:9001')).toEqual([]);
      expect(await t.ledger.outcomes({ service: 'shop', versions: ['2'] })).toEqual([]);

      t.github.config().editComment(5002).deploymentStatus(9001);
      await t.status(succeeded, failed.id);
      t.github.config().editComment(5002).deploymentStatus(9001);
      await t.status(succeeded, failed.id);
      t.github.done();
      const edits = t.github.bodies('editComment').slice(1);
      expect(edits).toHaveLength(2);
      for (const edit of edits) expect(String(edit.body)).toContain('🚀 **Deployed**: shop `2`');
      expect(t.github.bodies('status:9001')).toEqual([
        { state: 'inactive', description: 'superseded by 2' },
        { state: 'inactive', description: 'superseded by 2' },
      ]);
      expect(await t.ledger.outcomes({ service: 'shop', versions: ['2'] })).toEqual([
        expect.objectContaining({ environment: 'production', outcome: 'success', sourceId: '9002' }),
      ]);
    });

    it('marks inactive only what its own success superseded, not what GitHub has since reported inactive', async () => {
      await twoAfterOne();
      t.github.config().editComment(5002).deploymentStatus(9001);
      const succeeded = { deploymentId: 9002, state: 'success', version: '2' };
      const id = await t.status(succeeded);
      // GitHub tells of the inactive status the bot posted: 9001 is done with.
      t.clock.now += 1000;
      t.github.config();
      await t.status({ deploymentId: 9001, state: 'inactive', version: '1' });
      t.github.config().editComment(5002);
      await t.status(succeeded, id);
      t.github.done();
      expect(t.github.bodies('status:9001')).toHaveLength(1);
    });
  });
});
