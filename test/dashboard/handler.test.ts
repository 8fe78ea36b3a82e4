/**
 * The page's handler on a real HTTP server on 127.0.0.1 over a real SQLite ledger: what it shows
 * (through the release layer's rules, escaped), the run drawn from its events, live updates over
 * server-sent events, and actions: only a same-origin POST with the viewer's CSRF token acts, and
 * every action is recorded with who asked; a forged one changes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDashboardHandler,
  type DashboardAction,
  type DashboardHandler,
  type DashboardViewer,
} from '../../src/dashboard/host.ts';
import { localAuth } from '../../src/dashboard/local-auth.ts';
import { openLedger } from '../../src/ledger/open.ts';
import { deployLockName } from '../../src/ledger/release-locks.ts';
import type { Ledger } from '../../src/ledger/types.ts';
import { ledgerRollback } from '../../src/release/rollback-target.ts';
import { eventually } from '../support/eventually.ts';
import { seedRun } from './seed.ts';

const HOSTILE = '<img src=x onerror="alert(1)">';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

let dir: string;
let ledger: Ledger;
let server: Server;
let port: number;
let handler: DashboardHandler;
let actor = 'alice';
let may = true;
const calls: {
  action: DashboardAction;
  service: string;
  environment: string;
  version?: string | undefined;
  live?: string | undefined;
  actor: string;
}[] = [];
const viewer = (): DashboardViewer => ({
  actor,
  csrfToken: 'csrf-of-alice',
  canRead: async (service) => service !== 'hidden',
  canAct: async () => may,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tranche-dashboard-'));
  ledger = await openLedger(join(dir, 'ledger.db'), dir);
  const targets = ['web-1', 'web-2', 'web-3'];
  const at = Date.UTC(2026, 0, 5, 9);
  await seedRun(ledger, {
    runId: 'r1',
    service: 'shop',
    environment: 'production',
    version: '1.0.1',
    previous: null,
    targets,
    at,
  });
  await seedRun(ledger, {
    runId: 'r2',
    service: 'shop',
    environment: 'production',
    version: '1.0.2',
    previous: '1.0.1',
    targets,
    at: at + 60_000,
    commit: 'abc1234',
    actor: 'rita',
  });
  await seedRun(ledger, {
    runId: 'r3',
    service: 'shop',
    environment: 'production',
    version: '1.0.3',
    previous: '1.0.2',
    targets,
    at: at + 120_000,
    fails: true,
  });
  await seedRun(ledger, {
    runId: 'r4',
    service: HOSTILE,
    environment: HOSTILE,
    version: HOSTILE,
    previous: null,
    targets: [HOSTILE],
    at: at + 180_000,
    actor: HOSTILE,
  });
  await seedRun(ledger, {
    runId: 'r5',
    service: 'hidden',
    environment: 'production',
    version: '9.9.9',
    previous: null,
    targets: ['secret-1'],
    at,
  });
  handler = createDashboardHandler({
    basePath: '/dashboard',
    host: 'test',
    ledger,
    pollMs: 50,
    auth: {
      viewer: async (req) => (req.headers.authorization === 'Bearer alice' ? viewer() : null),
      refuse: (_req, res) => {
        res.writeHead(401, { 'content-type': 'text/plain' });
        res.end('sign in');
      },
    },
    actions: {
      rollback: async (input) => {
        calls.push({ action: 'rollback', ...input });
        return { ok: true, message: `rolled ${input.service} back` };
      },
      deploy: async (input) => {
        calls.push({ action: 'deploy', ...input });
        return { ok: false, message: 'deploy refused by the gate' };
      },
    },
    tracks: async (service) =>
      service === 'shop'
        ? {
            tracks: [
              {
                name: 'canary',
                members: [{ environment: 'production', targets: ['web-1'] }],
                bakeMs: 3_600_000,
                promote: 'auto',
              },
              { name: 'stable', members: [{ environment: 'staging' }], bakeMs: 0, promote: 'auto' },
            ],
          }
        : undefined,
    commits: async () => [
      { sha: 'abc1234def', subject: '<script>alert("commit")</script>', author: 'bob', at },
    ],
  });
  server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) {
        res.writeHead(404);
        res.end('not the dashboard');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  handler.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

const signedIn = { authorization: 'Bearer alice' };
const own = () => ({
  ...signedIn,
  origin: `http://127.0.0.1:${port}`,
  'content-type': 'application/json',
  'x-csrf-token': 'csrf-of-alice',
});
const rollbackBody = JSON.stringify({
  service: 'shop',
  environment: 'production',
  version: '1.0.1',
  live: '1.0.2',
});

describe('the page', () => {
  it('answers only under its base path, and only to a viewer', async () => {
    expect((await call(port, '/elsewhere', { headers: signedIn })).body).toBe('not the dashboard');
    const refused = await call(port, '/dashboard/');
    expect(refused.status).toBe(401);
    expect(refused.body).not.toContain('shop');
  });

  it('shows what is live, every target, the rollback target and the rolled-back release, by the release rules', async () => {
    const page = await call(port, '/dashboard/', { headers: signedIn });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    // No sign-out here (the host gives no path for it): no form, and none may submit.
    expect(page.headers['content-security-policy']).toContain("form-action 'none'");
    expect(page.body).not.toContain('<form');
    // 1.0.3 was rolled back: 1.0.2 stays live and the rollback button goes to 1.0.1.
    expect(page.body).toMatch(/class="live-version">1\.0\.2</);
    expect(page.body).toContain('data-action="rollback" data-service="shop" data-environment="production"');
    expect(page.body).toContain('Roll back to 1.0.1');
    expect(page.body).toMatch(/<td>web-2<\/td><td class="target-version">1\.0\.2<\/td>/);
    expect(page.body).toContain('rolled back');
    expect(page.body).toContain('/dashboard/runs/r3');
  });

  it('shows who started the live release, each completed one and a run, escaped', async () => {
    const page = await call(port, '/dashboard/', { headers: signedIn });
    const card =
      /<section class="card env" data-service="shop" data-environment="production">[\s\S]*?<\/section>/.exec(
        page.body,
      )?.[0];
    expect(card).toMatch(
      /<p class="live">live <strong class="live-version">1\.0\.2<\/strong>.* by <span class="actor">rita<\/span><\/p>/,
    );
    const completed = /data-panel="completed">([\s\S]*?)<\/table>/.exec(page.body)?.[1] ?? '';
    expect(completed).toContain('<th>by</th>');
    expect(completed).toMatch(/runs\/r2">1\.0\.2<\/a>[\s\S]*?<td class="actor">rita<\/td><\/tr>/);
    expect(completed).toMatch(/runs\/r3">1\.0\.3<\/a>[\s\S]*?<td class="actor">–<\/td><\/tr>/);
    expect(completed).toContain('<td class="actor">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</td>');
    const run = await call(port, '/dashboard/runs/r2', { headers: signedIn });
    expect(run.body).toMatch(
      /<p class="meta">from 1\.0\.1 · started <time[^>]*>[^<]*<\/time> by <span class="actor">rita<\/span>/,
    );
    const hostile = await call(port, `/dashboard/runs/r4`, { headers: signedIn });
    expect(hostile.body).not.toContain(HOSTILE);
    expect(hostile.body).toContain(
      'by <span class="actor">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</span>',
    );
  });

  it('shows what holds an environment and the bot’s queue there', async () => {
    const now = Date.now();
    await ledger.bindService('shop', ['acme/shop'], now);
    await ledger.acquireLock('acme/shop:env:production', 'carol', { reason: 'release freeze' }, now);
    const admission = await ledger.admitRelease(
      {
        delivery: { id: 'delivery-1', repo: 'acme/shop', event: 'issue_comment', at: now },
        repo: 'acme/shop',
        installationId: 1,
        environment: 'production',
        service: 'shop',
        kind: 'deploy',
        version: null,
        commit: 'abc1234',
        requestedBy: 'dave',
        pullRequest: 12,
      },
      { concurrentReleases: 2, leaseMs: 600_000 },
      now,
    );
    expect(admission).toMatchObject({ outcome: 'queued' });
    try {
      const page = await call(port, '/dashboard/', { headers: signedIn });
      expect(page.body).toContain('held (environment) by carol: release freeze');
      expect(page.body).toContain('queued: deploy the next version by dave (#12)');
    } finally {
      await ledger.forceReleaseLock('acme/shop:env:production');
    }
  });

  it('shows each release track’s version and what is due, by the track rules', async () => {
    const page = await call(port, '/dashboard/', { headers: signedIn });
    const tracks = /data-panel="tracks">([\s\S]*?)<\/section><\/div><\/section>/.exec(page.body)?.[1] ?? '';
    expect(tracks).toMatch(/<td>canary<\/td>\s*<td>production\[1\]<\/td>\s*<td>1\.0\.2<\/td>/);
    expect(tracks).toContain('1.0.2 canary → stable');
  });

  it('escapes every value from the ledger and the host', async () => {
    const page = await call(port, '/dashboard/', { headers: signedIn });
    expect(page.body).not.toContain(HOSTILE);
    expect(page.body).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).toContain('&lt;script&gt;alert(&quot;commit&quot;)&lt;/script&gt;');
  });

  it('leaves out the services the viewer may not read, on the page and as a run', async () => {
    const page = await call(port, '/dashboard/', { headers: signedIn });
    expect(page.body).not.toContain('secret-1');
    expect((await call(port, '/dashboard/runs/r5', { headers: signedIn })).status).toBe(404);
    expect((await call(port, '/dashboard/runs/%E0%A4%A', { headers: signedIn })).status).toBe(404);
  });

  it('draws a past run from its events, and replays it up to any event', async () => {
    const whole = await call(port, '/dashboard/runs/r3', { headers: signedIn });
    expect(whole.body).toContain('rolled back');
    expect(whole.body).toContain('latency (412.00 ms) is greater than maximum allowed (150.00 ms)');
    expect(whole.body.match(/class="batch batch-/g)).toHaveLength(3);
    // Each target as it fared in its batch, and where the rollback took it.
    expect(whole.body).toContain('web-3<small>unhealthy · rolled back</small>');
    expect(whole.body).toContain('web-1<small>healthy · rolled back</small>');
    expect(whole.body).toContain('<svg class="chart"');
    const early = await call(port, '/dashboard/runs/r3?upto=4', { headers: signedIn });
    expect(early.body.match(/class="batch batch-/g)).toHaveLength(1);
    expect(early.body).not.toContain('412.00 ms');
  });

  it('pushes the panels again over server-sent events when the ledger changes', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/dashboard/events', headers: signedIn },
        (res) => {
          expect(res.headers['content-type']).toContain('text/event-stream');
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
            if (text.includes('event: panels') && text.includes('1.0.4')) {
              req.destroy();
              resolve(text);
            }
          });
          // Once the stream is open, a run starts.
          void seedRun(ledger, {
            runId: 'r6',
            service: 'shop',
            environment: 'production',
            version: '1.0.4',
            previous: '1.0.2',
            targets: ['web-1', 'web-2'],
            at: Date.now(),
            unfinished: true,
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    const data = JSON.parse(
      /event: panels\ndata: (.*)\n/.exec(received.slice(received.lastIndexOf('event: panels')))?.[1] ?? '{}',
    );
    expect(data.active).toContain('1.0.4');
    expect(data.active).toContain('class="countdown"');
  });
});

describe('actions', () => {
  const forged: [string, Record<string, string>][] = [
    ['no session', { origin: 'x', 'content-type': 'application/json', 'x-csrf-token': 'csrf-of-alice' }],
    ['no Origin', { ...signedIn, 'content-type': 'application/json', 'x-csrf-token': 'csrf-of-alice' }],
    [
      'another origin',
      {
        ...signedIn,
        origin: 'http://evil.example',
        'content-type': 'application/json',
        'x-csrf-token': 'csrf-of-alice',
      },
    ],
    [
      'a cross-site fetch',
      {
        ...signedIn,
        origin: 'ORIGIN',
        'sec-fetch-site': 'cross-site',
        'content-type': 'application/json',
        'x-csrf-token': 'csrf-of-alice',
      },
    ],
    ['no CSRF token', { ...signedIn, origin: 'ORIGIN', 'content-type': 'application/json' }],
    [
      'a wrong CSRF token',
      {
        ...signedIn,
        origin: 'ORIGIN',
        'content-type': 'application/json',
        'x-csrf-token': 'csrf-of-mallory',
      },
    ],
    [
      'a form post',
      {
        ...signedIn,
        origin: 'ORIGIN',
        'content-type': 'application/x-www-form-urlencoded',
        'x-csrf-token': 'csrf-of-alice',
      },
    ],
  ];

  it.each(forged)('refuses a request with %s, and records and runs nothing', async (_name, headers) => {
    const withOrigin = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, v === 'ORIGIN' ? `http://127.0.0.1:${port}` : v]),
    );
    const before = (await ledger.dashboardActions(100)).length;
    const reply = await call(port, '/dashboard/actions/rollback', {
      method: 'POST',
      headers: withOrigin,
      body: rollbackBody,
    });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(calls).toHaveLength(0);
    expect(await ledger.dashboardActions(100)).toHaveLength(before);
  });

  it('answers 404 for the event stream of a run it does not have, or may not show', async () => {
    for (const run of ['no-such-run', 'r5']) {
      const reply = await call(port, `/dashboard/events?run=${run}`, { headers: signedIn });
      expect([run, reply.status]).toEqual([run, 404]);
    }
  });

  it('refuses an action by GET', async () => {
    const reply = await call(port, '/dashboard/actions/rollback?service=shop&environment=production', {
      headers: signedIn,
    });
    expect(reply.status).toBe(405);
    expect(calls).toHaveLength(0);
  });

  it('runs a same-origin rollback with the token, and records who asked and how it ended', async () => {
    // As the page draws it now (the tests before changed the ledger).
    const { live, target } = await ledgerRollback(ledger, 'shop', 'production');
    const version = target?.version;
    const body = JSON.stringify({ service: 'shop', environment: 'production', version, live });
    const reply = await call(port, '/dashboard/actions/rollback', { method: 'POST', headers: own(), body });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ ok: true, message: 'rolled shop back' });
    expect(calls).toEqual([
      {
        action: 'rollback',
        service: 'shop',
        environment: 'production',
        version,
        live,
        actor: 'alice',
      },
    ]);
    const [recorded] = await ledger.dashboardActions(1);
    expect(recorded).toMatchObject({
      actor: 'alice',
      action: 'rollback',
      service: 'shop',
      environment: 'production',
      version,
      host: 'test',
      state: 'succeeded',
      message: 'rolled shop back',
    });
    expect(recorded?.finishedAt).not.toBeNull();
  });

  it('records a failed deploy as failed, with the host’s reason', async () => {
    const body = JSON.stringify({ service: 'shop', environment: 'production', commit: 'abc1234def' });
    const reply = await call(port, '/dashboard/actions/deploy', { method: 'POST', headers: own(), body });
    expect(reply.status).toBe(409);
    const [recorded] = await ledger.dashboardActions(1);
    expect(recorded).toMatchObject({
      action: 'deploy',
      commit: 'abc1234def',
      state: 'failed',
      message: 'deploy refused by the gate',
    });
  });

  it('refuses a viewer who may not act, runs nothing, and records the refusal', async () => {
    calls.length = 0;
    may = false;
    actor = 'reader';
    try {
      const reply = await call(port, '/dashboard/actions/rollback', {
        method: 'POST',
        headers: own(),
        body: rollbackBody,
      });
      expect(reply.status).toBe(403);
      expect(calls).toHaveLength(0);
      const [recorded] = await ledger.dashboardActions(1);
      expect(recorded).toMatchObject({ actor: 'reader', state: 'refused' });
    } finally {
      may = true;
      actor = 'alice';
    }
  });

  it.each([
    ['without the version the page showed', { service: 'shop', environment: 'production' }],
    [
      'with a commit, which a rollback does not take',
      { service: 'shop', environment: 'production', version: '1.0.1', live: '1.0.2', commit: 'abc1234def' },
    ],
  ])('refuses a rollback %s (400), and records and runs nothing', async (_name, fields) => {
    calls.length = 0;
    const before = (await ledger.dashboardActions(100)).length;
    const body = JSON.stringify(fields);
    const reply = await call(port, '/dashboard/actions/rollback', { method: 'POST', headers: own(), body });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).message).toMatch(/^the request body is not a rollback: /);
    expect(calls).toHaveLength(0);
    expect(await ledger.dashboardActions(100)).toHaveLength(before);
  });

  it('refuses a rollback drawn beside another live version than there is now (409), records why, runs nothing', async () => {
    calls.length = 0;
    const { live, target } = await ledgerRollback(ledger, 'shop', 'production');
    const version = target?.version;
    const body = JSON.stringify({ service: 'shop', environment: 'production', version, live: '0.9' });
    const reply = await call(port, '/dashboard/actions/rollback', { method: 'POST', headers: own(), body });
    expect(reply.status).toBe(409);
    const message = `the page is out of date: production has ${live} live now (the page showed 0.9) and a rollback goes to ${version} (it showed ${version}); look again and confirm`;
    expect(JSON.parse(reply.body)).toEqual({ ok: false, message });
    expect(calls).toHaveLength(0);
    const [recorded] = await ledger.dashboardActions(1);
    expect(recorded).toMatchObject({ action: 'rollback', version, state: 'refused', message });
  });

  it('answers a body over 8 KiB with 413, and runs nothing', async () => {
    calls.length = 0;
    const body = JSON.stringify({ service: 'shop', environment: 'production', version: 'x'.repeat(20_000) });
    const reply = await call(port, '/dashboard/actions/rollback', { method: 'POST', headers: own(), body });
    expect(reply.status).toBe(413);
    expect(calls).toHaveLength(0);
  });

  it('refuses a body that is not an action', async () => {
    const body = JSON.stringify({ service: 'shop', environment: 'production', commit: '; rm -rf /' });
    const reply = await call(port, '/dashboard/actions/deploy', { method: 'POST', headers: own(), body });
    expect(reply.status).toBe(400);
  });
});

describe('the local sign-in', () => {
  it('swaps the secret of the printed URL for an HttpOnly, SameSite=Strict session, and refuses anything else', async () => {
    const auth = localAuth('', { actor: 'me', canRead: async () => true, canAct: async () => true });
    const local = createServer((req, res) => {
      if (auth.login(req, res)) return;
      void auth.viewer(req).then((v) => {
        if (!v) return auth.refuse(req, res);
        res.end(`hello ${v.actor}`);
      });
    });
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    const at = (local.address() as AddressInfo).port;
    try {
      expect((await call(at, '/')).status).toBe(403);
      expect((await call(at, '/login?token=wrong')).status).toBe(403);
      expect((await call(at, '/login')).status).toBe(403);
      const login = await call(at, `/login?token=${auth.secret}`);
      expect(login.status).toBe(303);
      expect(login.headers.location).toBe('/');
      const cookie = String(login.headers['set-cookie']);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).not.toContain(auth.secret);
      const session = cookie.split(';')[0] ?? '';
      const page = await call(at, '/', { headers: { cookie: session } });
      expect(page.body).toBe('hello me');
      const tampered = `${session.slice(0, -2)}xx`;
      expect((await call(at, '/', { headers: { cookie: tampered } })).status).toBe(403);
    } finally {
      local.closeAllConnections();
      await new Promise((resolve) => local.close(resolve));
    }
  });
});

it('tells every open stream of a change in the ledger', async () => {
  // Two streams open, then a change: both hear it from the one watcher (pollMs 50).
  const texts = ['', ''];
  const requests = texts.map((_, i) =>
    request({ host: '127.0.0.1', port, path: '/dashboard/events', headers: signedIn }, (res) => {
      res.on('data', (chunk: Buffer) => {
        texts[i] += chunk.toString();
      });
    }),
  );
  for (const req of requests) req.end();
  await eventually(
    async () => (texts.every((t) => t.startsWith('retry:')) ? true : undefined),
    'two open streams',
  );
  await ledger.acquireLock(
    'deploy:shop:production',
    'cli:someone',
    { reason: 'deploy by carol' },
    Date.now(),
  );
  await eventually(
    async () => (texts.every((t) => t.includes('deploy by carol')) ? true : undefined),
    'both streams to hear of the lock',
  );
  for (const req of requests) req.destroy();
});

describe('an environment a rollback is running in', () => {
  beforeAll(async () => {
    const at = Date.now();
    const base = { runId: 'rb-1', service: 'cart', environment: 'production', version: '4.1' };
    const data = { previousVersion: '4.2', commit: null, action: 'rollback', components: ['app'] };
    await ledger.record({ ...base, seq: 1, at, kind: 'run_started', status: 'started', data });
    await ledger.acquireLock(deployLockName('cart', 'production'), 'cli:rb-1', { ttlMs: 60_000 }, at);
  });

  it('says it rolls back, offers no rollback of its own while the run holds it, and lists the run as a rollback once done', async () => {
    const page = await call(port, '/dashboard/', { headers: signedIn });
    const card =
      /<section class="card env" data-service="cart" data-environment="production">[\s\S]*?<\/section>/.exec(
        page.body,
      )?.[0] ?? '';
    expect(card).toContain('<p class="running">rolling back to <a href="/dashboard/runs/rb-1">4.1</a>');
    expect(card).toContain('>Roll back: held</button>');
    expect(card).not.toContain('data-action="rollback"');
    const at = Date.now();
    const base = { runId: 'rb-1', service: 'cart', environment: 'production', version: '4.1' };
    await ledger.record({
      ...base,
      seq: 2,
      at,
      kind: 'run_finished',
      status: 'ok',
      data: { decision: 'succeeded' },
    });
    const after = await call(port, '/dashboard/', { headers: signedIn });
    const completed = /data-panel="completed">([\s\S]*?)<\/table>/.exec(after.body)?.[1] ?? '';
    expect(completed).toMatch(
      /<td>cart<\/td><td>production<\/td><td>rollback<\/td>\s*<td><a href="\/dashboard\/runs\/rb-1">4\.1<\/a>/,
    );
    expect(completed).toMatch(
      /<td>shop<\/td><td>production<\/td><td>deploy<\/td>\s*<td><a href="\/dashboard\/runs\/r2">/,
    );
  });
});
