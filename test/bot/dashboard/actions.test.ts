import { describe, expect, it } from 'vitest';
import { dashboardAccess } from '../../../bot/dashboard/access.ts';
import { botActions } from '../../../bot/dashboard/actions.ts';
import { CONFIG_PATHS } from '../../../src/config/location.ts';
import { testProbot } from '../harness/bot-server.ts';
import { D, E, useDashboardBot } from './dashboard-bot.ts';

describe('the dashboard’s access rule and buttons in the bot', () => {
  const t = useDashboardBot();
  const logs: string[] = [];
  const deps = () => ({
    ledger: t.ledger,
    now: () => t.clock.now,
    configPaths: CONFIG_PATHS,
    replica: 'test',
  });

  /** The app asks for an installation token of its own (a new Probot instance has none cached). */
  function fresh() {
    const app = testProbot(logs);
    const access = dashboardAccess(app, deps());
    return { access, actions: botActions(app, deps(), access) };
  }

  it('shows a service to whoever can read its repository, asking GitHub again after a minute', async () => {
    const { access } = fresh();
    t.github.installation().token().permission('rita', 'read');
    t.github.permission('sam', 'none', 'none');
    expect(await access.canRead('rita', 'shop')).toBe(true);
    expect(await access.canRead('sam', 'shop')).toBe(false);
    expect(await access.canRead('rita', 'shop')).toBe(true);
    expect(await access.canRead('rita', 'no-such-service')).toBe(false);
    t.github.done();
    t.clock.now += 60_000;
    t.github.installation().permission('rita', 'none', 'none');
    expect(await access.canRead('rita', 'shop')).toBe(false);
    t.github.done();
  });

  it('refuses a reader’s rollback by the rule of /rollback, and nothing changes', async () => {
    const { actions } = fresh();
    const before = await t.ledger.releases({ repo: 'acme/shop' });
    t.github.token().config().permission('rita', 'read');
    const result = await actions.rollback({
      service: 'shop',
      environment: 'production',
      version: '1',
      actor: 'rita',
    });
    t.github.done();
    expect(result).toEqual({
      ok: false,
      message:
        '@rita may not rollback here: that needs one of the roles write, maintain, admin on this repository (yours: read)',
    });
    expect(await t.ledger.releases({ repo: 'acme/shop' })).toEqual(before);
  });

  it('acts for no service the bot never released, asking GitHub nothing', async () => {
    const { actions } = fresh();
    expect(
      await actions.rollback({ service: 'ghost', environment: 'production', version: '1', actor: 'wes' }),
    ).toEqual({
      ok: false,
      message: 'the bot has released ghost from no repository, so it has nowhere to act for it',
    });
    t.github.done();
  });

  it('rolls back for a writer as /rollback does: the last good version, at its commit, recorded as theirs', async () => {
    const { actions } = fresh();
    t.github.token().config().permission('wes', 'write');
    t.github.config().createDeployment(9001);
    const result = await actions.rollback({
      service: 'shop',
      environment: 'production',
      version: '1',
      actor: 'wes',
    });
    t.github.done();
    expect(result).toEqual({
      ok: true,
      message: expect.stringMatching(/^rollback of shop 1 to production started/),
    });
    expect(t.github.bodies('createDeployment')[0]).toMatchObject({
      ref: D,
      environment: 'production',
      payload: { tranche: { version: '1', rollback: true, requestedBy: 'wes' } },
    });
    const [release] = await t.ledger.releases({ repo: 'acme/shop', states: ['starting'] });
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
    t.github.token().config().permission('wes', 'write');
    t.github.config().tags(['1', '2']).createTag().createDeployment(9002);
    const result = await actions.deploy({ service: 'shop', environment: 'staging', commit: E, actor: 'wes' });
    expect(result.ok).toBe(true);
    expect(t.github.bodies('createDeployment')[0]).toMatchObject({ ref: E, environment: 'staging' });
    t.github.config();
    const none = await actions.deploy({ service: 'shop', environment: 'staging', actor: 'wes' });
    t.github.done();
    expect(none).toEqual({ ok: false, message: 'a deploy of shop names a version or a commit' });
  });
});
