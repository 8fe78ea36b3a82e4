import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteLedger } from '../../../src/ledger/sqlite.ts';
import type { Ledger } from '../../../src/ledger/types.ts';
import { T0 } from '../harness/bot-test.ts';
import { resetNetwork, strictNetwork } from '../harness/github-mock.ts';
import { CLIENT_ID, type DashboardBot, startDashboardBot } from './dashboard-bot.ts';

describe('signing in to the bot’s dashboard with GitHub', () => {
  let ledger: Ledger;
  let bot: DashboardBot;
  beforeEach(async () => {
    strictNetwork();
    ledger = await SqliteLedger.open(':memory:');
    bot = await startDashboardBot(ledger, () => T0);
  });
  afterEach(async () => {
    await bot.close();
    await ledger.close();
    resetNetwork();
  });

  it('sends the browser to GitHub with the app’s client, a random state and the callback', async () => {
    const browser = bot.browser();
    const response = await browser.get('/dashboard/login');
    expect(response.status).toBe(302);
    const to = new URL(response.headers.get('location') ?? '');
    expect(`${to.origin}${to.pathname}`).toBe('https://github.com/login/oauth/authorize');
    expect(to.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(to.searchParams.get('redirect_uri')).toBe(`${bot.url}/dashboard/callback`);
    expect(to.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    expect(browser.cookies.has('tranche_dashboard_signin')).toBe(true);
    const again = new URL((await browser.get('/dashboard/login')).headers.get('location') ?? '');
    expect(again.searchParams.get('state')).not.toBe(to.searchParams.get('state'));
  });

  it('signs in: the code exchanged, the user asked for, a signed HttpOnly session cookie set, no token kept or logged', async () => {
    const browser = bot.browser();
    const response = await browser.signIn('rita');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/dashboard');
    const session = response.headers.getSetCookie().find((c) => c.startsWith('tranche_dashboard_session='));
    expect(session).toMatch(/; Path=\/dashboard; Max-Age=28800; HttpOnly; SameSite=Lax$/);
    expect(browser.cookies.has('tranche_dashboard_signin')).toBe(false);
    const value = browser.cookies.get('tranche_dashboard_session') ?? '';
    const payload = JSON.parse(Buffer.from(value.split('.')[0] ?? '', 'base64url').toString('utf8'));
    expect(payload).toMatchObject({ login: 'rita', exp: T0 + 28_800_000 });
    expect(JSON.stringify(payload)).not.toContain('ghu_');
    expect(bot.logs).toContain('/dashboard: @rita signed in');
    expect(bot.logs.join('\n')).not.toContain('ghu_');
    expect(nock.isDone()).toBe(true);
  });

  it('refuses a callback whose state this browser did not start, without asking GitHub', async () => {
    const browser = bot.browser();
    await browser.get('/dashboard/login');
    const response = await browser.get('/dashboard/callback?code=stolen&state=not-the-one-it-was-given');
    expect(response.status).toBe(400);
    expect(browser.cookies.has('tranche_dashboard_session')).toBe(false);
    const stranger = await bot.browser().get('/dashboard/callback?code=stolen&state=x');
    expect(stranger.status).toBe(400);
  });

  it('signs nobody in who declined at GitHub', async () => {
    const browser = bot.browser();
    const start = new URL((await browser.get('/dashboard/login')).headers.get('location') ?? '');
    const state = start.searchParams.get('state') ?? '';
    const response = await browser.get(`/dashboard/callback?error=access_denied&state=${state}`);
    expect(response.status).toBe(403);
    expect(browser.cookies.has('tranche_dashboard_session')).toBe(false);
  });

  it('signs nobody in when GitHub refuses the code, and logs no secret', async () => {
    const browser = bot.browser();
    const start = new URL((await browser.get('/dashboard/login')).headers.get('location') ?? '');
    nock('https://github.com').post('/login/oauth/access_token').reply(200, {
      error: 'bad_verification_code',
      error_description: 'The code passed is incorrect or expired.',
    });
    const state = start.searchParams.get('state') ?? '';
    const response = await browser.get(`/dashboard/callback?code=old&state=${state}`);
    expect(response.status).toBe(502);
    expect(browser.cookies.has('tranche_dashboard_session')).toBe(false);
    expect(bot.logs.join('\n')).not.toContain('dashboard-client-secret-for-tests');
  });

  it('sends a signed-in browser back to the dashboard page it came from, never to another site', async () => {
    expect((await bot.browser().signIn('rita', '/dashboard/runs/7')).headers.get('location')).toBe(
      '/dashboard/runs/7',
    );
    for (const next of ['https://evil.example/x', '//evil.example/dashboard', '/dashboardx', '/elsewhere']) {
      expect((await bot.browser().signIn('rita', next)).headers.get('location')).toBe('/dashboard');
    }
  });

  it('signs out with a same-origin POST carrying the session’s CSRF token, and not without either', async () => {
    const browser = bot.browser();
    await browser.signIn('rita');
    const csrf = browser.csrf();
    const forged = await browser.post('/dashboard/logout', { csrf }, { origin: 'https://evil.example' });
    expect(forged.status).toBe(403);
    expect(browser.cookies.has('tranche_dashboard_session')).toBe(true);
    for (const form of [{}, { csrf: 'not-the-session-token' }] as Record<string, string>[]) {
      expect((await browser.post('/dashboard/logout', form)).status).toBe(403);
      expect(browser.cookies.has('tranche_dashboard_session')).toBe(true);
    }
    const form = await browser.get('/dashboard/logout');
    expect(await form.text()).toContain(
      `<form method="post" action="/dashboard/logout"><input type="hidden" name="csrf" value="${csrf}"><button>Sign out</button></form>`,
    );
    expect(browser.cookies.has('tranche_dashboard_session')).toBe(true);
    const response = await browser.post('/dashboard/logout', { csrf });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/dashboard/logout');
    expect(browser.cookies.has('tranche_dashboard_session')).toBe(false);
    expect(await (await browser.get('/dashboard/logout')).text()).toContain(
      '<p>You are signed out.</p><p><a href="/dashboard/login">Sign in with GitHub</a></p>',
    );
    expect(bot.logs).toContain('/dashboard: @rita signed out');
    // Signed out already: nothing to protect, so no token is asked for.
    expect((await browser.post('/dashboard/logout', {})).status).toBe(303);
  });
});
