import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeMiddleware } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import app, { EVENTS } from '../../bot/index.ts';
import { deliver, jobSignature, serve, testProbot } from './harness/bot-server.ts';
import { GitHubMock, resetNetwork, strictNetwork } from './harness/github-mock.ts';
import { commentPayload } from './harness/payloads.ts';

describe('the app', () => {
  describe('its manifest, app.yml', () => {
    const manifest = parse(readFileSync(new URL('../../app.yml', import.meta.url), 'utf8'));

    it('subscribes to exactly the events the bot handles', () => {
      expect(manifest.default_events.toSorted()).toEqual([...EVENTS].sort());
    });

    it('asks for the least permissions the bot uses', () => {
      expect(manifest.default_permissions).toEqual({
        contents: 'write',
        deployments: 'write',
        issues: 'write',
        pull_requests: 'read',
        checks: 'read',
        actions: 'read',
        statuses: 'write',
        metadata: 'read',
      });
    });
  });

  describe('mounted with createNodeMiddleware in a plain Node server', () => {
    let dir: string;
    const NAMES = ['TRANCHE_LEDGER', 'TRANCHE_OUTCOMES_SECRET', 'TRANCHE_CONFIG'] as const;
    let saved: Partial<Record<(typeof NAMES)[number], string>>;

    beforeEach(() => {
      strictNetwork();
      dir = mkdtempSync(join(tmpdir(), 'tranche-bot-'));
      saved = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));
      process.env.TRANCHE_LEDGER = join(dir, 'ledger.db');
      delete process.env.TRANCHE_OUTCOMES_SECRET;
      delete process.env.TRANCHE_CONFIG;
    });

    afterEach(() => {
      for (const name of NAMES) {
        const value = saved[name];
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      rmSync(dir, { recursive: true, force: true });
      resetNetwork();
    });

    it('answers webhooks on /api/github/webhooks with the ledger TRANCHE_LEDGER names, and leaves other paths to the server', async () => {
      const logs: string[] = [];
      const server = await serve(await createNodeMiddleware(app, { probot: testProbot(logs) }));
      try {
        const github = new GitHubMock().token().config().reaction().comment();
        const delivery = await deliver(server.url, 'issue_comment', commentPayload({ body: '/status' }));
        expect(delivery.status).toBe(200);
        github.done();
        expect(github.bodies('comment')[0]?.body).toContain('No deployments recorded yet.');
        expect(readFileSync(join(dir, 'ledger.db')).length).toBeGreaterThan(0);
        expect((await fetch(`${server.url}/healthz`)).status).toBe(404);
        expect((await fetch(`${server.url}/tranche/outcomes`, { method: 'POST' })).status).toBe(404);
      } finally {
        await server.close();
      }
    });

    it('reads tranche.yml from the one path TRANCHE_CONFIG names in every repository', async () => {
      process.env.TRANCHE_CONFIG = 'deploy/tranche.yml';
      const server = await serve(await createNodeMiddleware(app, { probot: testProbot([]) }));
      try {
        const github = new GitHubMock().token().configAt('deploy/tranche.yml').reaction().comment();
        expect((await deliver(server.url, 'issue_comment', commentPayload({ body: '/status' }))).status).toBe(
          200,
        );
        github.done();
      } finally {
        await server.close();
      }
    });

    it('mounts /tranche/outcomes beside the webhooks when TRANCHE_OUTCOMES_SECRET is set', async () => {
      process.env.TRANCHE_OUTCOMES_SECRET = 'from-the-environment';
      const server = await serve(await createNodeMiddleware(app, { probot: testProbot([]) }));
      try {
        const body = JSON.stringify({ repository: 'acme/shop', outcomes: [] });
        const unsigned = await fetch(`${server.url}/tranche/outcomes`, { method: 'POST', body });
        expect(unsigned.status).toBe(401);
        const signed = await fetch(`${server.url}/tranche/outcomes`, {
          method: 'POST',
          body,
          headers: { 'x-tranche-signature-256': jobSignature(body, 'from-the-environment') },
        });
        expect(signed.status).toBe(400);
      } finally {
        await server.close();
      }
    });
  });
});
