/**
 * `tranche dashboard` as its own process: bound to 127.0.0.1 behind the secret it prints, deaf to
 * another Host name, read-only without a config, and a bad --port named.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, project, runCli, startCli } from '../support/cli.ts';
import { eventually } from '../support/eventually.ts';
import { withLedgerAt } from '../support/ledgers.ts';
import { timeoutFor } from '../support/measured-work.ts';

function get(
  url: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; body: string; cookie: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, method: body === undefined ? 'GET' : 'POST' }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body,
          cookie: String(res.headers['set-cookie'] ?? '').split(';')[0] ?? '',
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The sign-in URL a dashboard started as `child` prints. */
function printedUrl(child: ChildProcess): Promise<string> {
  let printed = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
  });
  return eventually(
    async () => /http:\/\/127\.0\.0\.1:(\d+)\/login\?token=[\w-]+/.exec(printed)?.[0],
    'the printed URL',
  );
}

const dirs: { dispose(): void }[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.dispose();
});

describe('tranche dashboard', () => {
  it(
    'serves the page on 127.0.0.1 only to the secret of the URL it printed',
    async () => {
      const dir = project({});
      dirs.push(dir);
      await withLedgerAt(dir.path('ledger.db'), async () => undefined);
      const child = startCli(['dashboard', '--ledger', dir.path('ledger.db')], { cwd: dir.dir });
      const done = collect(child);
      try {
        const url = await printedUrl(child);
        const { origin } = new URL(url);
        expect((await get(`${origin}/`)).status).toBe(403);
        expect((await get(`${origin}/login?token=nope`)).status).toBe(403);
        // A DNS name rebound to 127.0.0.1 is not this dashboard's name.
        expect((await get(url, { host: 'evil.example' })).status).toBe(421);
        const login = await get(url);
        expect(login.status).toBe(303);
        const page = await get(`${origin}/`, { cookie: login.cookie });
        expect(page.status).toBe(200);
        // No tranche.yml: the page reads the ledger and offers no action.
        expect(page.body).toContain('Nothing deployed yet.');
        expect(page.body).toContain('This host knows no commits.');
      } finally {
        child.kill('SIGTERM');
      }
      const { code, stderr } = await done;
      expect(code, stderr).toBe(0);
    },
    timeoutFor({ nodes: 2 }),
  );

  it(
    'will not serve, nor make, a ledger that is not there when there is no tranche.yml (exit 2)',
    async () => {
      const dir = project({});
      dirs.push(dir);
      const none = await runCli(['dashboard'], { cwd: dir.dir });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain(
        `no ledger at ${dir.path('.tranche/ledger.db')}: nothing has been deployed from here`,
      );
      const named = await runCli(['dashboard', '--ledger', 'typo.db'], { cwd: dir.dir });
      expect(named.code).toBe(2);
      expect(named.stderr).toContain(`tranche: --ledger: there is no ledger at ${dir.path('typo.db')}`);
      expect(readdirSync(dir.dir)).toEqual([]);
    },
    timeoutFor({ nodes: 2 }),
  );

  it(
    'with a tranche.yml: says it made a named ledger that was not there, and leaves an environment the config lacks to the command to name',
    async () => {
      const config =
        'service: shop\nenvironments:\n  prod:\n    components:\n      - { name: app, targets: [a], deploy: "true" }\n';
      const dir = project({ 'tranche.yml': config });
      dirs.push(dir);
      const child = startCli(['dashboard', '--ledger', 'new.db'], { cwd: dir.dir });
      const done = collect(child);
      try {
        const url = await printedUrl(child);
        const { origin } = new URL(url);
        const { cookie } = await get(url);
        const page = await get(`${origin}/`, { cookie });
        const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page.body)?.[1] ?? '';
        const headers = { cookie, origin, 'content-type': 'application/json', 'x-csrf-token': csrf };
        const body = JSON.stringify({ service: 'shop', environment: 'nope' });
        const reply = await get(`${origin}/actions/deploy`, headers, body);
        expect(reply.status).toBe(409);
        expect(JSON.parse(reply.body).message).toContain("environment 'nope' is not defined");
      } finally {
        child.kill('SIGTERM');
      }
      const { code, stderr } = await done;
      expect(code, stderr).toBe(0);
      expect(stderr).toContain(`tranche: no ledger at ${dir.path('new.db')} yet (--ledger): made a new one`);
    },
    timeoutFor({ nodes: 2 }),
  );

  it(
    'names --port when it is not a port, and refuses options it has no use for',
    async () => {
      const dir = project({});
      dirs.push(dir);
      const { code, stderr } = await runCli(
        ['dashboard', '--port', 'http', '--ledger', dir.path('ledger.db')],
        { cwd: dir.dir },
      );
      expect(code).toBe(2);
      expect(stderr).toContain('--port http');
      // The page shows every environment, and is no JSON: options that would do nothing are refused.
      for (const option of [['--json'], ['-e', 'prod']]) {
        const refused = await runCli(['dashboard', ...option], { cwd: dir.dir });
        expect([option, refused.code]).toEqual([option, 2]);
        expect(refused.stderr).toContain(`unknown option '${option[0]}'`);
      }
    },
    timeoutFor({ nodes: 3 }),
  );
});
