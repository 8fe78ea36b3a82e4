import { describe, expect, it } from 'vitest';
import { useBot } from './harness/bot-test.ts';
import { HEAD_SHA, TRANCHE_YML } from './harness/payloads.ts';

describe('/deploy', () => {
  const t = useBot();

  /** What a writer's /deploy of the next version asks GitHub, up to its deployment. */
  function deploysNext(options: { role?: string; yaml?: string; tags?: string[] } = {}) {
    t.github
      .token()
      .config(options.yaml)
      .reaction()
      .permission('alice', options.role ?? 'write')
      .pull()
      .tags(options.tags)
      .createTag()
      .comment();
    return t.github;
  }

  describe('by a writer, to a free environment', () => {
    it('allocates the next version as a tag, replies with the plan and creates the deployment', async () => {
      deploysNext({ tags: ['1', '2'] }).createDeployment(9001);
      await t.comment({ body: '/deploy to production' });
      t.github.done();

      expect(t.github.writeNames()).toEqual(['reaction', 'createTag', 'comment', 'createDeployment']);
      expect(t.github.bodies('reaction')).toEqual([{ content: 'eyes' }]);
      expect(t.github.bodies('createTag')).toEqual([{ ref: 'refs/tags/tranche/shop/3', sha: HEAD_SHA }]);
      const [deployment] = t.github.bodies('createDeployment');
      expect(deployment).toEqual({
        ref: HEAD_SHA,
        environment: 'production',
        task: 'deploy',
        auto_merge: false,
        payload: {
          tranche: {
            schemaVersion: 1,
            version: '3',
            rollback: false,
            requestedBy: 'alice',
            runId: 'bot-release-1',
          },
        },
        description: 'shop 3 for @alice from #12, by the Tranche bot',
      });
      expect(deployment).not.toHaveProperty('required_contexts');
      const [reply] = t.github.bodies('comment');
      expect(reply?.body).toContain(
        '🚀 **Deploying**: shop `3` (commit `a1b2c3d`) → **production**, for @alice',
      );
      expect(reply?.body).toContain('- **app**: 4 targets in 3 batches (1, 2, 1), 30 s bake after each');
    });

    it('records the release with its version, deployment and reply', async () => {
      deploysNext({ role: 'admin' }).createDeployment(9001);
      await t.comment({ body: '/deploy production' });
      t.github.done();
      const [release] = await t.ledger.releases({ repo: 'acme/shop' });
      expect(release).toMatchObject({
        state: 'starting',
        version: '1',
        commit: HEAD_SHA,
        deploymentId: 9001,
        commentId: 5001,
        requestedBy: 'alice',
        pullRequest: 12,
        installationId: 42,
      });
    });

    it('passes the required contexts tranche.yml names', async () => {
      const yaml = `${TRANCHE_YML}bot:\n  requiredContexts: [ci/build]\n`;
      deploysNext({ yaml }).createDeployment(9001);
      await t.comment({ body: '/deploy production' });
      t.github.done();
      expect(t.github.bodies('createDeployment')[0]?.required_contexts).toEqual(['ci/build']);
    });
  });

  describe('of a known version', () => {
    it("deploys that version's commit without allocating one", async () => {
      const built = 'c'.repeat(40);
      t.github
        .token()
        .config()
        .reaction()
        .permission('alice', 'maintain')
        .pull()
        .getTag('7', built)
        .comment()
        .createDeployment(9002);
      await t.comment({ body: '/deploy staging 7' });
      t.github.done();
      expect(t.github.bodies('createDeployment')[0]).toMatchObject({
        ref: built,
        environment: 'staging',
        payload: { tranche: { version: '7', rollback: false } },
      });
    });

    it('refuses a version that was never allocated, creating nothing', async () => {
      t.github.token().config().reaction().permission('alice', 'write').pull().getTag('99', null).comment();
      await t.comment({ body: '/deploy staging 99' });
      t.github.done();
      expect(t.github.bodies('comment')[0]?.body).toBe(
        '🙅 shop has no version `99` as a tag tranche/shop/99; name a version that was deployed before',
      );
      expect(t.github.writeNames()).toEqual(['reaction', 'comment']);
      expect(await t.ledger.releases({ repo: 'acme/shop' })).toEqual([]);
    });
  });

  describe('of a version the ledger numbered without a commit (bot.versions: ledger)', () => {
    it('deploys the pull request’s head as that version, as every front door settles it', async () => {
      const yaml = `${TRANCHE_YML}bot:\n  versions: ledger\n`;
      await t.ledger.nextVersion('shop', null, '{n}', Date.now());
      t.github
        .token()
        .config(yaml)
        .reaction()
        .permission('alice', 'write')
        .pull()
        .comment()
        .createDeployment(9002);
      await t.comment({ body: '/deploy staging 1' });
      t.github.done();
      expect(t.github.bodies('createDeployment')[0]).toMatchObject({
        ref: HEAD_SHA,
        environment: 'staging',
        payload: { tranche: { version: '1', rollback: false } },
      });
    });
  });

  describe('that GitHub refuses', () => {
    it('says why in the reply and frees the environment', async () => {
      deploysNext()
        .createDeployment(0, 409, { message: 'Conflict: Commit status checks failed for feature.' })
        .editComment();
      await t.comment({ body: '/deploy production' });
      t.github.done();
      const [edit] = t.github.bodies('editComment');
      expect(edit?.body).toContain('😕 **Did not deploy**: shop `1`');
      expect(edit?.body).toContain('Commit status checks failed for feature');
      const [release] = await t.ledger.releases({ repo: 'acme/shop' });
      expect(release?.state).toBe('error');
      expect(await t.ledger.locks(t.clock.now)).toEqual([]);
    });
  });
});
