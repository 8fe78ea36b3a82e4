/**
 * The local dashboard in a real headless Chromium, beside the demo's deploys (examples/local-fleet:
 * its config, fleet, deploy script and checks, on free ports): batches advance on the page as the
 * good build goes out, the bad build's rollback shows, the instant rollback button puts every
 * target back on the previous good version (in the ledger and on the page), and neither a page
 * without the secret nor a forged cross-site request changes anything. Each state is saved as a
 * screenshot in test-artifacts/dashboard/.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../examples/local-fleet/fleet.ts';
import { openLedger } from '../../src/ledger/open.ts';
import { artifactsDir, chromiumUnavailable, launchChromium } from '../support/chromium.ts';
import { collect, runCli, startCli } from '../support/cli.ts';
import { eventually } from '../support/eventually.ts';
import { allowFor, timeoutFor } from '../support/measured-work.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/local-fleet/', import.meta.url));
/** One demo deploy: about twenty Node processes (the CLI, the latency checks) and its bakes and sleeps. */
const DEPLOY = { nodes: 25, waitsMs: 20_000 };
/** What the page may take to show what a deploy did. */
const PATIENCE = allowFor(DEPLOY);
/** A test that numbers a version, deploys it and waits for the page: the deploy, and the page once more. */
const ONE_DEPLOY = timeoutFor({ nodes: DEPLOY.nodes * 2, waitsMs: DEPLOY.waitsMs * 2 });
/** A deploy, then a rollback of every target at once from the page. */
const DEPLOY_AND_ROLLBACK = timeoutFor({ nodes: DEPLOY.nodes * 3, waitsMs: DEPLOY.waitsMs * 3 });

const unavailable = chromiumUnavailable();

/** What the functions run in the page below use of its document (this project compiles without the DOM's types). */
interface PageElement {
  textContent: string | null;
  className: string;
}
declare const document: {
  documentElement: { scrollWidth: number };
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement> & { length: number };
  getElementById(id: string): PageElement | null;
};

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((resolve) => {
          const server = createServer();
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

describe.skipIf(unavailable !== undefined)('the local dashboard in Chromium during the demo', () => {
  let temp: string;
  let project: string;
  let state: string;
  let ledgerPath: string;
  let fleet: Fleet;
  let dashboard: ChildProcess;
  let dashboardUrl: string;
  let origin: string;
  let browser: Browser;
  let signedIn: BrowserContext;
  let page: Page;
  let shots: string;
  let common: string[];
  const env = () => ({ DEMO_STATE: state, TRANCHE_ACTOR: 'e2e-operator' });

  const shot = (name: string, on: Page = page) =>
    on.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

  /** Numbers the next version and "builds" it, as the demo does; returns the version. */
  async function build(artifact: { slowOn?: string[] }): Promise<string> {
    const { stdout, code } = await runCli(['version', 'next', ...common], { cwd: project, env: env() });
    expect(code).toBe(0);
    const version = stdout.trim();
    mkdirSync(join(state, 'builds'), { recursive: true });
    writeFileSync(join(state, 'builds', `${version}.json`), `${JSON.stringify(artifact)}\n`);
    return version;
  }

  function deploy(version: string) {
    return collect(startCli(['deploy', '--version', version, ...common], { cwd: project, env: env() }));
  }

  const texts = (selector: string) =>
    page.locator(selector).evaluateAll((els) => els.map((el) => el.textContent?.trim() ?? ''));

  async function targetStates() {
    const ledger = await openLedger(ledgerPath, temp);
    try {
      return {
        targets: await ledger.targetStates('demo-shop', 'demo'),
        actions: await ledger.dashboardActions(50),
        runs: await ledger.runs({ service: 'demo-shop' }),
      };
    } finally {
      await ledger.close();
    }
  }

  beforeAll(
    async () => {
      shots = artifactsDir('dashboard');
      temp = mkdtempSync(join(tmpdir(), 'tranche-dashboard-e2e-'));
      project = join(temp, 'project');
      state = join(temp, 'state');
      ledgerPath = join(state, 'ledger.db');
      mkdirSync(project);
      mkdirSync(state);
      // The demo's config on free ports (another test may run the demo on its own ports meanwhile).
      const ports = await freePorts(10);
      let next = 0;
      const config = readFileSync(join(EXAMPLE, 'tranche.yml'), 'utf8')
        .replace('$schema=../../schema/', '$schema=')
        .replace(/port: "171\d\d"/g, () => `port: "${ports[next++]}"`);
      writeFileSync(join(project, 'tranche.yml'), config);
      symlinkSync(join(EXAMPLE, 'scripts'), join(project, 'scripts'));
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=Demo Dev', '-c', 'user.email=dev@example.com', ...args], {
          cwd: project,
        });
      git('init', '-q');
      git('add', '.');
      git('commit', '-qm', 'shop: the <b>demo</b> fleet');
      common = ['--config', 'tranche.yml', '--environment', 'demo', '--ledger', ledgerPath];
      fleet = await startFleet(join(project, 'tranche.yml'), state);
      dashboard = startCli(['dashboard', '--config', 'tranche.yml', '--ledger', ledgerPath], {
        cwd: project,
        env: env(),
      });
      let printed = '';
      dashboard.stdout?.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
      });
      dashboardUrl = await eventually(
        async () => /http:\/\/127\.0\.0\.1:\d+\/login\?token=\S+/.exec(printed)?.[0],
        'the dashboard to print its URL',
      );
      origin = new URL(dashboardUrl).origin;
      browser = await launchChromium();
      signedIn = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      signedIn.setDefaultTimeout(PATIENCE);
      page = await signedIn.newPage();
      page.on('dialog', (dialog) => void dialog.accept());
    },
    timeoutFor({ nodes: 4 }),
  );

  afterAll(
    async () => {
      await browser?.close();
      if (dashboard?.pid && dashboard.exitCode === null) {
        dashboard.kill('SIGTERM');
        await new Promise((resolve) => dashboard.once('close', resolve));
      }
      await fleet?.close();
      if (temp) rmSync(temp, { recursive: true, force: true });
    },
    timeoutFor({ nodes: 2 }),
  );

  it('refuses a browser without the secret', async () => {
    const stranger = await browser.newContext();
    const other = await stranger.newPage();
    const refused = await other.goto(`${origin}/`);
    expect(refused?.status()).toBe(403);
    expect(await other.textContent('body')).toContain('needs its secret');
    const wrong = await other.goto(`${origin}/login?token=guessed`);
    expect(wrong?.status()).toBe(403);
    await shot('0-without-the-secret', other);
    await stranger.close();
  });

  it(
    'shows batches advance during the good deploy, then the version live',
    async () => {
      await page.goto(dashboardUrl);
      // The secret is gone from the address bar: it was swapped for the session cookie.
      expect(page.url()).toBe(`${origin}/`);
      await shot('1-before-the-first-deploy');
      const version = await build({});
      const running = deploy(version);
      await page.waitForFunction(
        () => document.querySelectorAll('[data-panel="active"] .batch').length >= 2,
        null,
        { timeout: PATIENCE },
      );
      await shot('2-good-build-batches-advancing');
      expect((await running).code).toBe(0);
      await page.waitForFunction((v) => document.querySelector('.live-version')?.textContent === v, version, {
        timeout: PATIENCE,
      });
      expect(new Set(await texts('.target-version'))).toEqual(new Set([version]));
      await shot('3-good-build-live');
    },
    ONE_DEPLOY,
  );

  it(
    'shows the bad build caught and rolled back, the good one still live',
    async () => {
      const live = await page.textContent('.live-version');
      const version = await build({ slowOn: ['gcp'] });
      const running = deploy(version);
      await page.waitForFunction(
        (v) =>
          [...document.querySelectorAll('[data-panel="completed"] tr')].some(
            (tr) => tr.textContent?.includes(v) && tr.textContent.includes('rolled back'),
          ),
        version,
        { timeout: PATIENCE },
      );
      expect((await running).code).toBe(1);
      expect(await page.textContent('.live-version')).toBe(live);
      await page.waitForFunction(
        (v) => [...document.querySelectorAll('.target-version')].every((td) => td.textContent === v),
        live,
        { timeout: PATIENCE },
      );
      await shot('4-bad-build-rolled-back');
      // The run drawn from its events: the batch that failed, the limit it broke, the rollback.
      const runLink = page.locator('[data-panel="completed"] a', { hasText: version }).first();
      const runPage = await signedIn.newPage();
      await runPage.goto(new URL((await runLink.getAttribute('href')) ?? '', origin).toString());
      expect(await runPage.textContent('.verdict')).toContain('latency');
      expect(await runPage.locator('.batch-failed').count()).toBeGreaterThan(0);
      expect(await runPage.locator('svg.chart').count()).toBeGreaterThan(0);
      await shot('5-bad-build-run-as-it-ran', runPage);
      await runPage.close();
    },
    ONE_DEPLOY,
  );

  it(
    'rolls every target back to the previous good version with the instant rollback button',
    async () => {
      const previous = await page.textContent('.live-version');
      const version = await build({});
      expect((await deploy(version)).code).toBe(0);
      await page.waitForFunction((v) => document.querySelector('.live-version')?.textContent === v, version, {
        timeout: PATIENCE,
      });
      const button = page.locator('button[data-action="rollback"]');
      expect(await button.textContent()).toBe(`Roll back to ${previous}`);
      await shot('6-before-instant-rollback');
      await button.click();
      await page.waitForFunction(
        (v) =>
          document.querySelector('.live-version')?.textContent === v &&
          [...document.querySelectorAll('.target-version')].every((td) => td.textContent === v),
        previous,
        { timeout: PATIENCE },
      );
      await page.waitForFunction(() => document.getElementById('status')?.className === 'ok', null, {
        timeout: PATIENCE,
      });
      await shot('7-after-instant-rollback');
      // On a phone: everything fits the width (wide tables scroll inside their own box).
      const phone = await signedIn.newPage();
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.goto(`${origin}/`);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot('7-after-instant-rollback-on-a-phone', phone);
      await phone.close();
      const { targets, actions } = await targetStates();
      expect(targets).toHaveLength(10);
      for (const target of targets)
        expect(target).toMatchObject({ version: previous, goodVersion: previous });
      expect(actions[0]).toMatchObject({
        actor: 'e2e-operator',
        action: 'rollback',
        state: 'succeeded',
        host: 'local',
      });
    },
    DEPLOY_AND_ROLLBACK,
  );

  it(
    'lets a cross-site page in the same browser change nothing',
    async () => {
      const before = await targetStates();
      // Another site on this machine (same host, another port) that the signed-in browser visits.
      const evil = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<!doctype html><body><p id="done">forging…</p>
<form id="f" method="POST" action="${origin}/actions/rollback" enctype="text/plain" target="sink">
<input name='{"service":"demo-shop","environment":"demo","x":"' value='"}'></form>
<iframe name="sink"></iframe>
<script>
document.getElementById('f').submit();
Promise.allSettled([
  fetch('${origin}/actions/rollback', { method: 'POST', credentials: 'include', mode: 'no-cors',
    headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ service: 'demo-shop', environment: 'demo' }) }),
  fetch('${origin}/actions/rollback', { method: 'POST', credentials: 'include',
    headers: { 'content-type': 'application/json', 'x-csrf-token': 'guessed' }, body: JSON.stringify({ service: 'demo-shop', environment: 'demo' }) }),
]).then(() => setTimeout(() => { document.getElementById('done').textContent = 'forged'; }, 1000));
</script></body>`);
      });
      await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
      try {
        const attacker = await signedIn.newPage();
        await attacker.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
        await attacker.waitForFunction(
          () => document.getElementById('done')?.textContent === 'forged',
          null,
          {
            timeout: PATIENCE,
          },
        );
        await shot('8-forged-cross-site-request', attacker);
        await attacker.close();
      } finally {
        evil.closeAllConnections();
        await new Promise((resolve) => evil.close(resolve));
      }
      const after = await targetStates();
      expect(after.actions).toEqual(before.actions);
      expect(after.runs.map((r) => r.runId)).toEqual(before.runs.map((r) => r.runId));
      expect(after.targets).toEqual(before.targets);
    },
    timeoutFor({ nodes: 4 }),
  );

  it(
    'stops on SIGTERM',
    async () => {
      dashboard.kill('SIGTERM');
      const code = await new Promise((resolve) => dashboard.once('close', resolve));
      expect(code).toBe(0);
    },
    timeoutFor({ nodes: 1 }),
  );
});
