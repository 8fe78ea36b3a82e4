import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dashboardAccess } from '../../../bot/dashboard/access.ts';
import { botActions } from '../../../bot/dashboard/actions.ts';
import { DEFAULT_CONFIG_PATHS } from '../../../bot/github/read-config.ts';
import { SqliteLedger } from '../../../src/ledger/sqlite.ts';
import type { Ledger } from '../../../src/ledger/types.ts';
import { testProbot } from '../harness/bot-server.ts';
import { T0 } from '../harness/bot-test.ts';
import { GitHubMock, resetNetwork, strictNetwork } from '../harness/github-mock.ts';
import { type DashboardBot, startDashboardBot } from './dashboard-bot.ts';

const D = 'd'.repeat(40);
const E = 'e'.repeat(40);

describe('the dashboard’s access rule and buttons in the bot', () => {
  let ledger: Ledger;
  let bot: DashboardBot;
  let github: GitHubMock;
  let now = T0;
  const logs: string[] = [];
  const deps = () => ({ ledger, now: () => now, configPaths: DEFAULT_CONFIG_PATHS, replica: 'test' });

  beforeEach(async () => {
    strictNetwork();
    now = T0;
    ledger = await SqliteLedger.open(':memory:');
    bot = await startDashboardBot(ledger, () => now);
    github = new GitHubMock();
    // shop 1, then 2, live in production (acme/shop claims shop with its first status).
    github.token().config();
    await bot.status({
      deploymentId: 8001,
      environment: 'production',
      state: 'success',
      version: '1',
      sha: D,
    });
    github.config().deploymentStatus(8001);
    await bot.status({
      deploymentId: 8002,
      environment: 'production',
      state: 'success',
      version: '2',
      sha: E,
    });
    github.done();
  });
  afterEach(async () => {
    await bot.close();
    await ledger.close();
    resetNetwork();
  });

  /** The app asks for an installation token of its own (a new Probot instance has none cached). */
  function fresh() {
    const app = testProbot(logs);
    const access = dashboardAccess(app, deps());
    return { access, actions: botActions(app, deps(), access) };
  }

  it('shows a service to whoever can read its repository, asking GitHub once a minute per person', async () => {
    const { access } = fresh();
    github.installation().token().permission('rita', 'read');
    github.installation().permission('sam', 'none', 'none');
    expect(await access.canRead('rita', 'shop')).toBe(true);
    expect(await access.canRead('sam', 'shop')).toBe(false);
    expect(await access.canRead('rita', 'shop')).toBe(true);
    expect(await access.canRead('rita', 'no-such-service')).toBe(false);
    github.done();
    now += 60_000;
    github.installation().permission('rita', 'none', 'none');
    expect(await access.canRead('rita', 'shop')).toBe(false);
    github.done();
  });

  it('refuses a reader’s rollback by the rule of /rollback, and nothing changes', async () => {
    const { actions } = fresh();
    const before = await ledger.releases({ repo: 'acme/shop' });
    github.installation().token().config().permission('rita', 'read');
    const result = await actions.rollback({ service: 'shop', environment: 'production', actor: 'rita' });
    github.done();
    expect(result).toEqual({
      ok: false,
      message:
        '@rita may not rollback here: that needs one of the roles write, maintain, admin on this repository (yours: read)',
    });
    expect(await ledger.releases({ repo: 'acme/shop' })).toEqual(before);
  });

  it('rolls back for a writer as /rollback does: the last good version, at its commit, recorded as theirs', async () => {
    const { actions } = fresh();
    github.installation().token().config().permission('wes', 'write');
    github.installation().config().createDeployment(9001);
    const result = await actions.rollback({ service: 'shop', environment: 'production', actor: 'wes' });
    github.done();
    expect(result).toEqual({
      ok: true,
      message: expect.stringMatching(/^rollback of shop 1 to production started/),
    });
    expect(github.bodies('createDeployment')[0]).toMatchObject({
      ref: D,
      environment: 'production',
      payload: { tranche: { version: '1', rollback: true, requestedBy: 'wes' } },
    });
    const [release] = await ledger.releases({ repo: 'acme/shop', states: ['starting'] });
    expect(release).toMatchObject({
      kind: 'rollback',
      version: '1',
      requestedBy: 'wes',
      pullRequest: null,
      deploymentId: 9001,
    });
  });

  it('deploys a commit as the next version for a writer, and refuses a deploy that names neither', async () => {
    const { actions } = fresh();
    github.installation().token().config().permission('wes', 'write');
    github.installation().config().tags(['1', '2']).createTag().createDeployment(9002);
    const result = await actions.deploy({ service: 'shop', environment: 'staging', commit: E, actor: 'wes' });
    expect(result.ok).toBe(true);
    expect(github.bodies('createDeployment')[0]).toMatchObject({ ref: E, environment: 'staging' });
    github.installation().config();
    const none = await actions.deploy({ service: 'shop', environment: 'staging', actor: 'wes' });
    github.done();
    expect(none).toEqual({ ok: false, message: 'a deploy of shop names a version or a commit' });
  });
});
