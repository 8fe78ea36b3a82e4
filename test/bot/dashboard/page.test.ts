import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../../bot/dashboard/session.ts';
import { cookieKey, signedValue } from '../../../bot/dashboard/signed-cookie.ts';
import { TRANCHE_YML } from '../harness/github-mock.ts';
import { type Browser, D, F, recentCommits, useDashboardBot } from './dashboard-bot.ts';

const ROLLBACK = { service: 'shop', environment: 'production', version: '1', live: '2' };

describe('the bot’s dashboard page, signed in with GitHub', () => {
  const t = useDashboardBot({ actionRuns: true });

  /** What a rollback could have changed: the bot's releases and the dashboard's record of actions. */
  async function snapshot() {
    return {
      releases: await t.ledger.releases({ repo: 'acme/shop' }),
      actions: await t.ledger.dashboardActions(10),
    };
  }

  /** Signs in and opens the page, GitHub asked what `login` may see and do there (the installation token is the webhooks'). */
  async function openPage(browser: Browser, login: string, role: string, yaml?: string): Promise<string> {
    await browser.signIn(login);
    t.github.installation().permission(login, role).config(yaml);
    recentCommits(t.github);
    const page = await browser.get('/dashboard');
    expect(page.status).toBe(200);
    return page.text();
  }

  it('sends a browser that is not signed in to sign in, and refuses its changes', async () => {
    const browser = t.bot.browser();
    const page = await browser.get('/dashboard');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/dashboard/login?next=%2Fdashboard');
    const before = await snapshot();
    expect((await browser.act('rollback', ROLLBACK, { csrf: 'anything' })).status).toBe(401);
    expect(await snapshot()).toEqual(before);
  });

  it('shows a reader the service without a rollback button, and refuses their rollback: nothing changes', async () => {
    const browser = t.bot.browser();
    const html = await openPage(browser, 'rita', 'read');
    t.github.done();
    expect(html).toContain('rita');
    expect(html).toContain('data-service="shop" data-environment="production"');
    expect(html).not.toContain('data-action="rollback"');
    expect(html).toContain(`<tr data-commit="${F}"><td><code>ffffffffff</code> Faster checkout`);
    expect(html).not.toContain('data-action="deploy"');
    expect(html).toContain(`<meta name="csrf-token" content="${browser.csrf()}">`);
    const { releases } = await snapshot();
    const response = await browser.act('rollback', ROLLBACK);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ ok: false, message: 'rita may not rollback shop in production' });
    t.github.done();
    expect(await t.ledger.releases({ repo: 'acme/shop' })).toEqual(releases);
    expect((await t.ledger.dashboardActions(10)).map((a) => [a.actor, a.action, a.state, a.host])).toEqual([
      ['rita', 'rollback', 'refused', 'bot'],
    ]);
  });

  it('shows a signed-in reader a Sign out button, whose form signs them out', async () => {
    const browser = t.bot.browser();
    await browser.signIn('rita');
    t.github.installation().permission('rita', 'read').config();
    recentCommits(t.github);
    const page = await browser.get('/dashboard');
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    const html = await page.text();
    const form =
      /<form class="sign-out" method="post" action="([^"]+)"><input type="hidden" name="csrf" value="([^"]+)"><button type="submit">Sign out<\/button><\/form>/.exec(
        html,
      );
    expect(form?.[1]).toBe('/dashboard/logout');
    expect(form?.[2]).toBe(browser.csrf());
    // What the browser sends for that form: its fields to its action, from the page's origin.
    const signedOut = await browser.post(form?.[1] ?? '', { csrf: form?.[2] ?? '' });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/dashboard/logout');
    expect(browser.cookies.has('tranche_dashboard_session')).toBe(false);
    const after = await browser.get('/dashboard');
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/dashboard/login?next=%2Fdashboard');
    expect((await browser.act('rollback', ROLLBACK, { csrf: form?.[2] ?? '' })).status).toBe(401);
  });

  it('hides a service from someone who cannot read its repository', async () => {
    const browser = t.bot.browser();
    await browser.signIn('sam');
    t.github.installation();
    t.github.scope.get('/repos/acme/shop/collaborators/sam/permission').reply(404, { message: 'Not Found' });
    const html = await (await browser.get('/dashboard')).text();
    t.github.done();
    expect(html).not.toContain('data-service="shop"');
    expect((await browser.act('rollback', ROLLBACK)).status).toBe(403);
  });

  it('rolls back for a writer as /rollback does: the deployment of the last good version, recorded as theirs', async () => {
    const browser = t.bot.browser();
    const html = await openPage(browser, 'wes', 'write');
    expect(html).toContain('data-action="rollback" data-service="shop" data-environment="production"');
    t.github.config().createDeployment(9001);
    const response = await browser.act('rollback', ROLLBACK);
    t.github.done();
    expect(await response.json()).toEqual({
      ok: true,
      message: expect.stringMatching(/^rollback of shop 1 to production started \(release \d+\)$/),
    });
    expect(response.status).toBe(200);
    expect(t.github.bodies('createDeployment')).toEqual([
      expect.objectContaining({
        ref: D,
        environment: 'production',
        payload: { tranche: expect.objectContaining({ version: '1', rollback: true, requestedBy: 'wes' }) },
      }),
    ]);
    const [release] = await t.ledger.releases({ repo: 'acme/shop', states: ['starting'] });
    expect(release).toMatchObject({ kind: 'rollback', version: '1', requestedBy: 'wes', deploymentId: 9001 });
    expect((await t.ledger.dashboardActions(10)).map((a) => [a.actor, a.action, a.state])).toEqual([
      ['wes', 'rollback', 'succeeded'],
    ]);
  });

  it('lists recent commits with a deploy button for a writer, which deploys the commit as the next version', async () => {
    const browser = t.bot.browser();
    const html = await openPage(browser, 'wes', 'write');
    expect(html).toContain(
      `data-action="deploy" data-service="shop" data-environment="production" data-commit="${F}"`,
    );
    t.github.config().tags(['1', '2']).createTag().createDeployment(9002);
    const response = await browser.act('deploy', { service: 'shop', environment: 'production', commit: F });
    t.github.done();
    expect(await response.json()).toEqual({
      ok: true,
      message: expect.stringMatching(/^deploy of shop 3 to production started/),
    });
    expect(t.github.bodies('createDeployment')).toEqual([
      expect.objectContaining({
        ref: F,
        payload: { tranche: expect.objectContaining({ version: '3', rollback: false, requestedBy: 'wes' }) },
      }),
    ]);
  });

  it('shows the release tracks the repository’s tranche.yml declares', async () => {
    const yaml = `${TRANCHE_YML}tracks:\n  - { name: canary, environments: [eu], bake: 4h }\n  - { name: stable, environments: [production] }\n`;
    const html = await openPage(t.bot.browser(), 'rita', 'read', yaml);
    t.github.done();
    const tracks = html.slice(html.indexOf('<section id="tracks">'));
    expect(tracks).toContain('<table class="tracks">');
    expect(tracks).toMatch(/<td>canary<\/td>[\s\S]*<td>stable<\/td>/);
  });

  it('changes nothing for a writer’s request without the CSRF token, with a wrong one, or from another site', async () => {
    const browser = t.bot.browser();
    await browser.signIn('wes');
    const before = await snapshot();
    const token = browser.csrf();
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const refused = [
      await browser.act('rollback', ROLLBACK, { csrf: null }),
      await browser.act('rollback', ROLLBACK, { csrf: wrong }),
      await browser.act('rollback', ROLLBACK, { origin: 'https://evil.example' }),
      await browser.act('rollback', ROLLBACK, { origin: null }),
      await browser.act('rollback', ROLLBACK, { site: 'cross-site' }),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
    // No GitHub request was planned: strict nock refuses any, and done() names it.
    t.github.done();
    expect(await snapshot()).toEqual(before);
  });

  it('treats a forged or foreign session cookie as no session at all', async () => {
    const browser = t.bot.browser();
    await browser.signIn('rita');
    const [payload = '', mac = ''] = (browser.cookies.get(SESSION_COOKIE) ?? '').split('.');
    const session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const promoted = Buffer.from(JSON.stringify({ ...session, login: 'wes' })).toString('base64url');
    const before = await snapshot();
    for (const forged of [
      `${promoted}.${mac}`,
      signedValue(cookieKey('not-the-bot-secret'), SESSION_COOKIE, { ...session, login: 'wes' }),
      signedValue(cookieKey('tranche-test-secret'), 'tranche_dashboard_signin', session),
    ]) {
      browser.cookies.set(SESSION_COOKIE, forged);
      expect((await browser.get('/dashboard')).status).toBe(303);
      expect((await browser.act('rollback', ROLLBACK, { csrf: session.csrf })).status).toBe(401);
    }
    t.github.done();
    expect(await snapshot()).toEqual(before);
  });
});
