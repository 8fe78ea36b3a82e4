import { describe, expect, it } from 'vitest';
import { overrideVerdict } from '../../src/release/fleet-verdicts.ts';
import { recordLiveRun, T0, useBot } from './harness/bot-test.ts';
import { TRANCHE_YML } from './harness/github-mock.ts';

describe('commands', () => {
  const t = useBot();

  /** A finished deploy of `version` to `environment` as deployment `id`, by the ledger alone. */
  async function recordDeploy(
    environment: string,
    version: string,
    id: number,
    commit: string,
    state = 'success',
    supersedes?: number,
  ) {
    t.github.config();
    if (supersedes !== undefined) t.github.deploymentStatus(supersedes);
    await t.status({ deploymentId: id, environment, state, version, sha: commit, requestedBy: 'alice' });
  }

  describe('/noop', () => {
    it("replies with the default branch's plan and deploys nothing", async () => {
      t.github.token().config().reaction().comment();
      await t.comment({ body: '/noop production' });
      t.github.done();
      expect(t.github.writeNames()).toEqual(['reaction', 'comment']);
      const body = String(t.github.bodies('comment')[0]?.body);
      expect(body).toContain('### 📝 shop → production: dry run, nothing deployed');
      expect(body).toContain('| 1/3 | 1 | 30 s | p-1 |');
      expect(body).toContain('**production** has no live version recorded yet.');
      expect(await t.ledger.releases({ repo: 'acme/shop' })).toEqual([]);
    });
  });

  describe('/noop with targets from an inventory', () => {
    it('runs no inventory command and says the Action reads it', async () => {
      const yml = TRANCHE_YML.replace('targets: [p-1, p-2, p-3, p-4]', 'targets: { command: ./hosts.sh }');
      t.github.token().config(yml).reaction().comment();
      await t.comment({ body: '/noop production' });
      t.github.done();
      const body = String(t.github.bodies('comment')[0]?.body);
      expect(body).toContain(
        'The targets of **app** come from its inventory (command ./hosts.sh), read when the Action deploys.',
      );
      expect(body).toContain('**production** has no live version recorded yet.');
    });
  });

  describe('/noop with canary categories', () => {
    const CATEGORIES_YML = `service: shop
environments:
  production:
    components:
      - name: app
        targets:
          - { name: a1, labels: { cloud: aws, browser: chrome, os: linux } }
          - { name: a2, labels: { cloud: aws, browser: firefox, os: mac } }
          - { name: g1, labels: { cloud: gcp, browser: chrome, os: mac } }
          - { name: g2, labels: { cloud: gcp, browser: firefox, os: linux } }
          - { name: a3, labels: { cloud: aws, browser: chrome, os: mac } }
        deploy: ./deploy.sh
categories:
  labels: [cloud, browser, os]
  coverage: pairwise
  values: { cloud: [aws, gcp, azure] }
`;

    it('shows what each canary covers, their number beside the lower bound and a declared value no target carries', async () => {
      t.github.token().config(CATEGORIES_YML).reaction().comment();
      await t.comment({ body: '/noop production' });
      t.github.done();
      const body = String(t.github.bodies('comment')[0]?.body);
      expect(body).toContain(
        [
          '#### app',
          '',
          'Canaries (pairwise over cloud, browser, os): 4, lower bound 4, covering 18 value(s) and pair(s).',
          '',
          '| canary | covers |',
          '| --- | --- |',
          '| a1 | cloud=aws × browser=chrome; cloud=aws × os=linux; browser=chrome × os=linux |',
          '| a2 | cloud=aws × browser=firefox; cloud=aws × os=mac; browser=firefox × os=mac |',
          '| g1 | cloud=gcp × browser=chrome; cloud=gcp × os=mac; browser=chrome × os=mac |',
          '| g2 | cloud=gcp × browser=firefox; cloud=gcp × os=linux; browser=firefox × os=linux |',
          '',
          '- declared but carried by no target: cloud=azure',
          '',
          '| batch | targets | bake | names |',
          '| --- | --- | --- | --- |',
          '| 1/2 | 4 | - | a1, a2, g1, g2 |',
          '| 2/2 | 1 | - | a3 |',
        ].join('\n'),
      );
    });
  });

  describe('/rollback', () => {
    it('deploys the last good version before the live one, at its own commit', async () => {
      t.github.token();
      await recordDeploy('production', '1', 8001, 'd'.repeat(40));
      await recordDeploy('production', '2', 8002, 'e'.repeat(40), 'success', 8001);
      t.github.config().reaction().permission('alice', 'write').pull().comment().createDeployment(9001);
      await t.comment({ body: '/rollback production' });
      t.github.done();
      expect(t.github.bodies('createDeployment')[0]).toMatchObject({
        ref: 'd'.repeat(40),
        environment: 'production',
        payload: { tranche: { schemaVersion: 1, version: '1', rollback: true, requestedBy: 'alice' } },
      });
      expect(t.github.bodies('comment')[0]?.body).toContain('🚀 **Rolling back**: back to shop `1`');
    });

    it('passes over an earlier version whose verdict is bad, for an older good one', async () => {
      t.github.token();
      await recordDeploy('production', '1', 8001, 'd'.repeat(40));
      await recordDeploy('production', '2', 8002, 'e'.repeat(40), 'success', 8001);
      await recordDeploy('production', '3', 8003, 'f'.repeat(40), 'success', 8002);
      await overrideVerdict(t.ledger, {
        service: 'shop',
        version: '2',
        verdict: 'bad',
        actor: 'carol',
        reason: 'corrupts carts',
        now: T0,
      });
      t.github.config().reaction().permission('alice', 'write').pull().comment().createDeployment(9001);
      await t.comment({ body: '/rollback production' });
      t.github.done();
      expect(t.github.bodies('createDeployment')[0]).toMatchObject({
        ref: 'd'.repeat(40),
        payload: { tranche: { version: '1', rollback: true } },
      });
      expect(t.github.bodies('comment')[0]?.body).toContain('🚀 **Rolling back**: back to shop `1`');
    });

    it('deploys a named known version', async () => {
      t.github.token().config().reaction().permission('alice', 'write').pull().getTag('4', 'f'.repeat(40));
      t.github.comment().createDeployment(9001);
      await t.comment({ body: '/rollback production to 4' });
      t.github.done();
      expect(t.github.bodies('createDeployment')[0]).toMatchObject({
        ref: 'f'.repeat(40),
        payload: { tranche: { version: '4', rollback: true } },
      });
    });

    it('says so when there is nothing to go back to, creating nothing', async () => {
      t.github.token();
      await recordDeploy('production', '1', 8001, 'd'.repeat(40));
      t.github.config().reaction().permission('alice', 'write').pull().comment();
      await t.comment({ body: '/rollback production' });
      t.github.done();
      expect(t.github.writeNames()).toEqual(['reaction', 'comment']);
      expect(t.github.bodies('comment')[0]?.body).toBe(
        '🙅 There is no earlier good version of shop in **production** to roll back to; name one with `/rollback production to <version>`',
      );
    });
  });

  describe('/lock', () => {
    it("says who holds a lock that is someone else's", async () => {
      t.github.token().config().reaction().permission('carol', 'write').comment(12, 5001);
      await t.comment({ body: '/lock production', login: 'carol' });
      t.github.config().reaction().permission('alice', 'write').comment(12, 5002);
      await t.comment({ body: '/lock production' });
      t.github.done();
      expect(t.github.bodies('comment')[1]?.body).toMatch(
        /^🔒 \*\*production\*\* is already locked by @carol, since .* UTC; `\/unlock production` frees it\.$/,
      );
    });
  });

  describe('/unlock', () => {
    it('says when there was nothing to unlock', async () => {
      t.github.token().config().reaction().permission('alice', 'write').comment();
      await t.comment({ body: '/unlock --global' });
      t.github.done();
      expect(t.github.bodies('comment')[0]?.body).toBe(
        '🔓 Every environment is not locked; nothing to unlock.',
      );
    });
  });

  describe('/status', () => {
    /** The table /status answers with: its header, then these rows. */
    const table = (...rows: string[]) =>
      [
        '| environment | live | commit | deployed by | when | lock | running |',
        '|---|---|---|---|---|---|---|',
        ...rows,
      ].join('\n');

    /** alice's deploys: 3 (commit d…) live in staging, 2 (commit e…) in production. */
    async function stagingAndProductionLive() {
      await recordDeploy('staging', '3', 8001, 'd'.repeat(40));
      await recordDeploy('production', '2', 8002, 'e'.repeat(40));
    }

    /** carol locks `environment` (comment 5001), then alice's `/deploy` there (5002) waits in the queue. */
    async function queueBehindLock(environment: string, reason?: string) {
      t.github.config().reaction().permission('carol', 'write').comment(12, 5001);
      await t.comment({ body: `/lock ${environment}${reason ? ` ${reason}` : ''}`, login: 'carol' });
      t.github.config().reaction().permission('alice', 'write').pull().comment(12, 5002);
      await t.comment({ body: `/deploy ${environment}` });
    }

    it('answers from the ledger: live versions, who and when, locks and the queue', async () => {
      t.github.token();
      await stagingAndProductionLive();
      await recordDeploy('production', '3', 8003, 'd'.repeat(40), 'failure');
      await queueBehindLock('production', 'incident 7');
      t.github.config().reaction().comment(12, 5003);
      await t.comment({ body: '/status' });
      t.github.done();
      expect(t.github.bodies('comment')[2]?.body).toBe(
        [
          '### 📋 Deployments',
          table(
            '| **eu** | — | — | — | — | — | — |',
            `| **production** | \`2\` | [\`eeeeeee\`](https://github.com/acme/shop/commit/${'e'.repeat(40)}) | @alice | 2026-12-01 09:00 UTC | 🔒 @carol: \`incident 7\` | — |`,
            `| **staging** | \`3\` | [\`ddddddd\`](https://github.com/acme/shop/commit/${'d'.repeat(40)}) | @alice | 2026-12-01 09:00 UTC | — | — |`,
          ),
          'Releases running: 0 of at most 2.',
          'Queue, first asked first:\n\n1. deploy next version → **production** for @alice (#12), since 2026-12-01 09:00 UTC',
        ].join('\n\n'),
      );
    });

    it('shows the version a CLI run deployed through the shared ledger as live, by the one live rule', async () => {
      t.github.token();
      await recordDeploy('production', '2', 8002, 'e'.repeat(40));
      await recordLiveRun(t.ledger, {
        service: 'shop',
        environment: 'production',
        version: '3',
        at: T0 + 1000,
      });
      t.github.config().reaction().comment(12, 5001);
      await t.comment({ body: '/status production' });
      t.github.done();
      expect(t.github.bodies('comment')[0]?.body).toContain(
        '| **production** | `3` | — | — | 2026-12-01 09:00 UTC | — | — |',
      );
    });

    describe('of a fresh repository', () => {
      it('shows every configured environment and the locks held, with no deployment recorded', async () => {
        t.github.token().config().reaction().permission('carol', 'write').comment(12, 5001);
        await t.comment({ body: '/lock --global freeze', login: 'carol' });
        t.github.config().reaction().permission('carol', 'write').comment(12, 5002);
        await t.comment({ body: '/lock eu --once', login: 'carol' });
        t.github.config().reaction().comment(12, 5003);
        await t.comment({ body: '/status' });
        t.github.done();
        expect(t.github.bodies('comment')[2]?.body).toBe(
          [
            '### 📋 Deployments',
            table(
              '| **eu** | — | — | — | — | 🔒 @carol, for their next deploy | — |',
              '| **production** | — | — | — | — | — | — |',
              '| **staging** | — | — | — | — | — | — |',
            ),
            'No deployments recorded yet.',
            '🔒 Every environment: 🔒 @carol: `freeze`.',
            'Releases running: 0 of at most 2.',
            'Queue: empty.',
          ].join('\n\n'),
        );
      });

      it('shows a lock on an environment tranche.yml no longer names', async () => {
        const withQa = `${TRANCHE_YML}  qa:\n    components:\n      - name: app\n        targets: [q-1]\n        deploy: ./deploy.sh\n`;
        t.github.token().config(withQa).reaction().permission('carol', 'write').comment(12, 5001);
        await t.comment({ body: '/lock qa', login: 'carol' });
        t.github.config().reaction().comment(12, 5002);
        await t.comment({ body: '/status' });
        t.github.done();
        expect(t.github.bodies('comment')[1]?.body).toContain('| **qa** | — | — | — | — | 🔒 @carol | — |');
      });
    });

    describe('of one environment', () => {
      it('shows only that environment and its queue', async () => {
        t.github.token();
        await stagingAndProductionLive();
        await queueBehindLock('staging');
        t.github.config().reaction().comment(12, 5003);
        await t.comment({ body: '/status production' });
        t.github.done();
        expect(t.github.bodies('comment')[2]?.body).toBe(
          [
            '### 📋 production',
            table(
              `| **production** | \`2\` | [\`eeeeeee\`](https://github.com/acme/shop/commit/${'e'.repeat(40)}) | @alice | 2026-12-01 09:00 UTC | — | — |`,
            ),
            'Releases running: 0 of at most 2.',
            'Queue: empty.',
          ].join('\n\n'),
        );
      });

      it('names the nearest environment when the one asked for is unknown', async () => {
        t.github.token().config().reaction().comment();
        await t.comment({ body: '/status prodution' });
        t.github.done();
        expect(t.github.bodies('comment')[0]?.body).toBe(
          '🙅 There is no environment `prodution` in .github/tranche.yml; did you mean `production`? the environments are `staging`, `production`, `eu`',
        );
      });
    });
  });

  describe('/help', () => {
    it('lists every command with its usage, a | in a usage escaped so the table keeps its cells', async () => {
      t.github.token().config().reaction().comment();
      await t.comment({ body: '/help' });
      t.github.done();
      const body = String(t.github.bodies('comment')[0]?.body);
      for (const usage of [
        '/deploy [to] <environment> [version]',
        '/noop <environment>',
        '/rollback <environment> [to <version>]',
        '/lock <environment>\\|--global [--once] [reason]',
        '/unlock <environment>\\|--global',
        '/promote <version> [to <track>]',
        '/hold <track> [reason]',
        '/unhold <track>',
        '/mark-bad <version> [reason]',
        '/mark-good <version> [reason]',
        '/status [environment]',
        '/help [command]',
      ]) {
        expect(body).toContain(`| \`${usage}\` |`);
      }
    });
  });

  describe('a command delivered again, under its delivery id or a new one (a replay)', () => {
    it('acts once: one deployment, one reply', async () => {
      t.github.token().config(undefined, 3).reaction(1001).reaction(1001).reaction(1001);
      for (let i = 0; i < 3; i++) t.github.permission('alice', 'write').pull();
      t.github.tags().createTag().comment().createDeployment(9001);
      const command = { body: '/deploy production', commentId: 1001 };
      const id = await t.comment(command);
      await t.comment(command, id);
      await t.comment(command, 'a-new-delivery-id');
      t.github.done();
      expect(t.github.bodies('createDeployment')).toHaveLength(1);
      expect(t.github.bodies('comment')).toHaveLength(1);
      const handledBefore = 'delivery issue_comment:1001 was handled before; /deploy production acts once';
      expect(t.server.logs.filter((line) => line === handledBefore)).toHaveLength(2);
    });

    it('answers once', async () => {
      t.github.token().config(undefined, 3).reaction(1001).reaction(1001).reaction(1001).comment();
      const id = await t.comment({ body: '/help', commentId: 1001 });
      await t.comment({ body: '/help', commentId: 1001 }, id);
      await t.comment({ body: '/help', commentId: 1001 }, 'a-new-delivery-id');
      t.github.done();
      expect(t.github.bodies('comment')).toHaveLength(1);
    });

    it('acts for each comment, even with the same words', async () => {
      t.github.token().config(undefined, 2).reaction(1001).reaction(1002).comment(12, 5001).comment(12, 5002);
      await t.comment({ body: '/help', commentId: 1001 });
      await t.comment({ body: '/help', commentId: 1002 });
      t.github.done();
      expect(t.github.bodies('comment')).toHaveLength(2);
    });
  });
});
