/**
 * The bot's dashboard in a real headless Chromium: signing in with GitHub (GitHub's authorize
 * page passed over as if approved, the code exchange and GET /user answered by nock), a reader who sees the service
 * and is refused the rollback the page's own script sends, and a writer whose click on the instant
 * rollback button creates the deployment of the last good version, and a reader who signs out with
 * the page's Sign out button. Each state is saved as a
 * screenshot in test-artifacts/bot-dashboard/.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsDir, chromiumUnavailable, launchChromium } from '../../support/chromium.ts';
import { D, mockSignIn, recentCommits, useDashboardBot } from './dashboard-bot.ts';

const unavailable = chromiumUnavailable();
/** Generous: Chromium on a machine busy with other work. */
const PATIENCE = 60_000;

/** What the functions run in the page below use of its document (this project compiles without the DOM's types). */
interface PageElement {
  textContent: string | null;
  className: string;
  outerHTML: string;
}
declare const document: {
  querySelector(
    selector: string,
  ): (PageElement & { insertAdjacentHTML(at: string, html: string): void }) | null;
  getElementById(id: string): PageElement | null;
};

describe.skipIf(unavailable !== undefined)('the bot’s dashboard in Chromium', () => {
  const t = useDashboardBot({ actionRuns: true });
  let browser: Browser;
  let shots: string;

  beforeAll(async () => {
    browser = await launchChromium();
    shots = artifactsDir('bot-dashboard');
  }, PATIENCE);
  afterAll(async () => {
    await browser?.close();
  });

  /** A new browser signed in as `login` through the dashboard's own sign-in, then on the page. */
  async function signedIn(login: string, role: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const code = mockSignIn(login);
    // The bot's answer to /dashboard/login, its state cookie and all, but sent on past GitHub's
    // authorize page (which is not on this machine) to the callback, approved.
    await context.route(`${t.bot.url}/dashboard/login**`, async (route) => {
      const response = await route.fetch({ maxRedirects: 0 });
      const authorize = new URL(response.headers().location ?? '');
      expect(`${authorize.origin}${authorize.pathname}`).toBe('https://github.com/login/oauth/authorize');
      const back = new URL(authorize.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', authorize.searchParams.get('state') ?? '');
      await route.fulfill({ response, headers: { ...response.headers(), location: back.toString() } });
    });
    t.github.installation().permission(login, role).config();
    recentCommits(t.github);
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    // Playwright routes only the first request of a redirect chain: the sign-in link, then.
    await page.goto(`${t.bot.url}/dashboard/login?next=%2Fdashboard`);
    await page.waitForSelector('section.card.env', { timeout: PATIENCE });
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    return { context, page };
  }

  /** The page's status line once the action's answer is in (not its `started…`). */
  async function statusOf(page: Page): Promise<{ ok: boolean; text: string }> {
    await page.waitForFunction(
      () => {
        const status = document.getElementById('status');
        return /^(ok|bad)$/.test(status?.className ?? '') && !status?.textContent?.endsWith('started…');
      },
      null,
      { timeout: PATIENCE },
    );
    return page.evaluate(() => {
      const status = document.getElementById('status');
      return { ok: status?.className === 'ok', text: status?.textContent ?? '' };
    });
  }

  it(
    'shows a reader the service without the button, and refuses the rollback the page sends for them',
    async () => {
      const { context, page } = await signedIn('rita', 'read');
      t.github.done();
      expect(await page.textContent('header.top')).toContain('rita');
      expect(await page.locator('button[data-action="rollback"]').count()).toBe(0);
      await page.screenshot({ path: join(shots, '1-reader-signed-in.png'), fullPage: true });
      const releases = await t.ledger.releases({ repo: 'acme/shop' });
      // The button a writer would see, put on the reader's page: its request goes out as the page sends any.
      await page.evaluate(() =>
        document
          .querySelector('section.card.env')
          ?.insertAdjacentHTML(
            'beforeend',
            '<button type="button" data-action="rollback" data-service="shop" data-environment="production" data-version="1" data-live="2" data-label="roll shop in production back to 1">Roll back to 1</button>',
          ),
      );
      await page.click('button[data-action="rollback"]');
      expect(await statusOf(page)).toEqual({
        ok: false,
        text: 'roll shop in production back to 1: rita may not rollback shop in production',
      });
      await page.screenshot({ path: join(shots, '2-reader-refused.png'), fullPage: true });
      t.github.done();
      expect(await t.ledger.releases({ repo: 'acme/shop' })).toEqual(releases);
      expect((await t.ledger.dashboardActions(5)).map((a) => [a.actor, a.state])).toEqual([
        ['rita', 'refused'],
      ]);
      await context.close();
    },
    PATIENCE * 3,
  );

  it(
    'signs a reader out who clicks Sign out: the session is gone and the page says so, without going back to GitHub',
    async () => {
      const { context, page } = await signedIn('sue', 'read');
      t.github.done();
      const button = page.locator('header.top form.sign-out button');
      expect(await button.textContent()).toBe('Sign out');
      expect((await context.cookies()).map((c) => c.name)).toContain('tranche_dashboard_session');
      await Promise.all([
        page.waitForURL(`${t.bot.url}/dashboard/logout`, { timeout: PATIENCE }),
        button.click(),
      ]);
      expect(await page.textContent('body')).toContain('You are signed out.');
      await page.screenshot({ path: join(shots, '5-reader-signed-out.png'), fullPage: true });
      expect((await context.cookies()).map((c) => c.name)).not.toContain('tranche_dashboard_session');
      await context.close();
    },
    PATIENCE * 3,
  );

  it(
    'rolls back for a writer who clicks the instant rollback button',
    async () => {
      const { context, page } = await signedIn('wes', 'write');
      const button = page.locator('button[data-action="rollback"]');
      expect(await button.textContent()).toBe('Roll back to 1');
      await page.screenshot({ path: join(shots, '3-writer-signed-in.png'), fullPage: true });
      t.github.config().createDeployment(9001);
      await button.click();
      const status = await statusOf(page);
      expect(status.ok).toBe(true);
      expect(status.text).toMatch(
        /^roll shop in production back to 1: rollback of shop 1 to production started/,
      );
      await page.screenshot({ path: join(shots, '4-writer-rolled-back.png'), fullPage: true });
      t.github.done();
      expect(t.github.bodies('createDeployment')).toEqual([
        expect.objectContaining({
          ref: D,
          payload: { tranche: expect.objectContaining({ version: '1', rollback: true, requestedBy: 'wes' }) },
        }),
      ]);
      expect((await t.ledger.dashboardActions(5)).map((a) => [a.actor, a.state])).toEqual([
        ['wes', 'succeeded'],
      ]);
      await context.close();
    },
    PATIENCE * 3,
  );
});
