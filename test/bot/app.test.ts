import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeMiddleware } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import app, { EVENTS } from '../../bot/index.ts';
import { deliver, serve, testProbot } from './harness/bot-server.ts';
import { GitHubMock, resetNetwork, strictNetwork } from './harness/github-mock.ts';
import { commentPayload } from './harness/payloads.ts';

describe('the app', () => {
  describe('its manifest, bot/app.yml', () => {
    const manifest = parse(readFileSync(new URL('../../bot/app.yml', import.meta.url), 'utf8'));

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
        metadata: 'read',
      });
    });
  });

  describe('mounted with createNodeMiddleware in a plain Node server', () => {
    let dir: string;
    let saved: string | undefined;

    beforeEach(() => {
      strictNetwork();
      dir = mkdtempSync(join(tmpdir(), 'tranche-bot-'));
      saved = process.env.TRANCHE_LEDGER;
      process.env.TRANCHE_LEDGER = join(dir, 'ledger.db');
    });

    afterEach(() => {
      if (saved === undefined) delete process.env.TRANCHE_LEDGER;
      else process.env.TRANCHE_LEDGER = saved;
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
      } finally {
        await server.close();
      }
    });
  });
});
