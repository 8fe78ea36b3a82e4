import { describe, expect, it } from 'vitest';
import { useBot } from './harness/bot-test.ts';
import { commentPayload, TRANCHE_YML } from './harness/payloads.ts';

describe('refusals and comments that are not for the bot', () => {
  const t = useBot();

  /** Nothing but the 👀 and one reply was written to GitHub, and the ledger holds no release. */
  async function expectOnlyAReply(): Promise<string> {
    t.github.done();
    expect(t.github.writeNames()).toEqual(['reaction', 'comment']);
    expect(await t.ledger.releases({ repo: 'acme/shop' })).toEqual([]);
    expect(await t.ledger.locks(t.clock.now)).toEqual([]);
    return String(t.github.bodies('comment')[0]?.body);
  }

  describe('a commenter without write access', () => {
    it('is refused a deploy, with the roles that may, and nothing is created', async () => {
      t.github.token().config().reaction().permission('mallory', 'read').pull().comment();
      await t.comment({ body: '/deploy production', login: 'mallory' });
      expect(await expectOnlyAReply()).toBe(
        '🙅 @mallory may not deploy here: that needs one of the roles write, maintain, admin on this repository (yours: read)',
      );
      expect(t.server.logs).toContain(
        'refused /deploy production in acme/shop#12: @mallory may not deploy here: that needs one of the roles write, maintain, admin on this repository (yours: read)',
      );
    });

    it('is refused a lock when GitHub does not know them as a collaborator', async () => {
      t.github.token().config().reaction().comment();
      t.github.scope
        .get('/repos/acme/shop/collaborators/stranger/permission')
        .reply(404, { message: 'Not Found' });
      await t.comment({ body: '/lock production', login: 'stranger' });
      expect(await expectOnlyAReply()).toContain('@stranger may not lock here');
    });

    it('may still ask for the status', async () => {
      t.github.token().config().reaction().comment();
      await t.comment({ body: '/status', login: 'mallory' });
      t.github.done();
      expect(t.github.bodies('comment')[0]?.body).toContain('No deployments recorded yet.');
    });
  });

  describe('a pull request from a fork', () => {
    it('is refused a deploy, even for a writer, and nothing is created', async () => {
      t.github.token().config().reaction().permission('alice', 'write').pull(12, { fork: true }).comment();
      await t.comment({ body: '/deploy production' });
      expect(await expectOnlyAReply()).toBe(
        '🙅 Pull request #12 comes from a fork: the bot does not deploy from forks; push the branch to this repository to deploy it',
      );
    });
  });

  describe('a custom role', () => {
    it('may deploy when tranche.yml names it', async () => {
      const yaml = `${TRANCHE_YML}bot:\n  deployers: [release-manager]\n`;
      t.github
        .token()
        .config(yaml)
        .reaction()
        .permission('rita', 'release-manager', 'read')
        .pull()
        .tags()
        .createTag()
        .comment()
        .createDeployment(9001);
      await t.comment({ body: '/deploy production', login: 'rita' });
      t.github.done();
      expect(t.github.bodies('createDeployment')).toHaveLength(1);
    });
  });

  describe('a comment by a bot', () => {
    it('is ignored without a single request', async () => {
      await t.comment({ body: '/deploy production', login: 'tranche[bot]', type: 'Bot' });
      t.github.done();
      expect(t.github.writeNames()).toEqual([]);
    });
  });

  describe('a comment that is not a command', () => {
    it('costs no request when it starts with a letter', async () => {
      await t.comment({ body: 'LGTM, deploy when ready' });
      t.github.done();
    });

    it('gets no reaction or reply when it starts with punctuation but is no command', async () => {
      t.github.token().config();
      await t.comment({ body: '/usr/local/bin is on the PATH' });
      t.github.done();
      expect(t.github.writeNames()).toEqual([]);
    });
  });

  describe('a command that cannot be read', () => {
    it('gets a did-you-mean and the usage', async () => {
      t.github.token().config().reaction().comment();
      await t.comment({ body: '/depoly production' });
      expect(await expectOnlyAReply()).toBe(
        '😕 `/depoly` is not a command; did you mean `/deploy`?\n\nUsage: `/deploy [to] <environment> [version]`\n\n`/help` lists every command.',
      );
    });

    it('gets the usage when punctuation stands where the space belongs', async () => {
      t.github.token().config().reaction().comment();
      await t.comment({ body: '/deploy: production' });
      expect(await expectOnlyAReply()).toBe(
        '😕 `/deploy` takes its arguments after a space, not punctuation.\n\nUsage: `/deploy [to] <environment> [version]`\n\n`/help` lists every command.',
      );
    });

    it('names the argument that is wrong', async () => {
      t.github.token().config().reaction().comment();
      await t.comment({ body: '/rollback production to 1.0;rm' });
      expect(await expectOnlyAReply()).toContain(
        '😕 Version: a version is letters, digits and . _ + - (it becomes part of a tag name).',
      );
    });

    it('names the environment it is close to', async () => {
      t.github.token().config().reaction().comment();
      await t.comment({ body: '/noop prodution' });
      expect(await expectOnlyAReply()).toBe(
        '🙅 There is no environment `prodution` in .github/tranche.yml; did you mean `production`? the environments are `staging`, `production`, `eu`',
      );
    });

    it('uses the prefix tranche.yml sets', async () => {
      const yaml = `${TRANCHE_YML}bot:\n  prefix: "."\n`;
      t.github.token().config(yaml).reaction().comment();
      await t.comment({ body: '.help' });
      t.github.done();
      expect(t.github.bodies('comment')[0]?.body).toContain('| `.deploy [to] <environment> [version]` |');
    });
  });

  describe('a repository without tranche.yml', () => {
    it('says so instead of deploying', async () => {
      t.github.token().noConfig().reaction().comment();
      await t.comment({ body: '/deploy production' });
      expect(await expectOnlyAReply()).toBe(
        '🙅 This repository has no .github/tranche.yml or tranche.yml on its default branch',
      );
    });
  });

  describe('a deploy command on an issue', () => {
    it('is refused: deploys come from pull requests', async () => {
      t.github.token().config().reaction().comment(7);
      await t.comment({ body: '/deploy production', number: 7, pullRequest: false });
      expect(await expectOnlyAReply()).toBe('🙅 `/deploy` works on pull requests; #7 is an issue');
    });
  });

  describe('a webhook with a wrong signature', () => {
    it('is rejected before the bot sees it', async () => {
      const delivery = await t.server.deliver(
        'issue_comment',
        commentPayload({ body: '/deploy production' }),
        {
          signature: `sha256=${'0'.repeat(64)}`,
        },
      );
      expect(delivery.status).toBe(400);
      t.github.done();
      expect(await t.ledger.releases({ repo: 'acme/shop' })).toEqual([]);
    });
  });
});
