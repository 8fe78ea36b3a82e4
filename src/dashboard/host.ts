/**
 * The deployment manager page as one request handler that any HTTP server can host: `tranche
 * dashboard` serves it on 127.0.0.1 behind a per-launch secret, the bot under its own server
 * behind GitHub sign-in. The host says who is looking and what they may do (DashboardAuth), and
 * how a deploy or rollback is started (DashboardActions); the page reads the ledger through the
 * release layer's rules, pushes changes over server-sent events, and records every action in the
 * ledger with who asked for it.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ledgerRollback } from '../release/rollback-target.ts';
import { SCRIPT, STYLE } from './assets.ts';
import { type ChangeWatcher, watchLedger } from './changes.ts';
import { type Html, html } from './html.ts';
import { PANELS } from './panels/index.ts';
import type { CommitView, Panel, PanelContext, ServiceTracks } from './panels/panel.ts';
import { type DashboardLedger, environmentsOf, type KnownService } from './read-model.ts';
import { drawRun } from './run-model.ts';
import { runView } from './run-view.ts';

export type DashboardAction = 'deploy' | 'rollback';

/** Who is looking, and what they may see and do. */
export interface DashboardViewer {
  /** Recorded with every action: a local user name, a GitHub login. */
  actor: string;
  /** Sent back in the `x-csrf-token` header of every state-changing request. */
  csrfToken: string;
  canRead(service: string): Promise<boolean>;
  canAct(service: string, environment: string, action: DashboardAction): Promise<boolean>;
}

export interface DashboardAuth {
  /** The signed-in viewer of the request; null when nobody is. */
  viewer(req: IncomingMessage): Promise<DashboardViewer | null>;
  /** Answers a request with no viewer (a 403 page, a redirect to sign in). */
  refuse(req: IncomingMessage, res: ServerResponse): void;
}

export interface ActionResult {
  ok: boolean;
  message: string;
}

export interface RollbackInput {
  service: string;
  environment: string;
  /**
   * The version the page offered and the viewer confirmed (the rollback rule's target when the
   * page was drawn): the rollback goes there or is refused, never somewhere the viewer was not shown.
   */
  version: string;
  actor: string;
}

export interface DeployInput {
  service: string;
  environment: string;
  /** An existing version; absent: the next one, numbered for `commit`. */
  version?: string | undefined;
  /** The commit to deploy; absent: the host's default (HEAD locally). */
  commit?: string | undefined;
  actor: string;
}

/**
 * How the host starts a release: the local host runs the CLI's own rollback and deploy, the bot
 * starts one as `/rollback` and `/deploy` do. A rollback goes to the version the page showed as
 * the release layer's rollback target, the deploy gate deciding whether it may.
 */
export interface DashboardActions {
  rollback(input: RollbackInput): Promise<ActionResult>;
  deploy(input: DeployInput): Promise<ActionResult>;
}

export interface DashboardOptions {
  /** Where the page lives: '' for the root, or a path such as '/dashboard' (no trailing slash). */
  basePath: string;
  auth: DashboardAuth;
  actions: DashboardActions;
  ledger: DashboardLedger;
  /** Recorded with each action: `local`, `bot`. */
  host: string;
  title?: string | undefined;
  /**
   * The origin (`https://bot.example.com`) a state-changing request must come from; default: the
   * request's own Host over http, which is right for a server bound to 127.0.0.1.
   */
  origin?: string | undefined;
  /** Services and environments the host knows of beyond those with runs (its config). */
  known?: (() => Promise<KnownService[]>) | undefined;
  /** The host's recent commits of a service. */
  commits?: ((service: string) => Promise<CommitView[]>) | undefined;
  /** The release tracks a service's config declares. */
  tracks?: ((service: string) => Promise<ServiceTracks | undefined>) | undefined;
  /** The panels, in order; default panels/index.ts. */
  panels?: readonly Panel[] | undefined;
  /** How often the one change watcher reads the ledger while anyone listens; default 1 s. */
  pollMs?: number | undefined;
  now?: (() => number) | undefined;
  /** Told of a failure the page cannot show anyone (a watcher's read). */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * Where a signed-in viewer signs out: the page shows a Sign out button, a form that POSTs there
   * with the viewer's CSRF token as `csrf` (the only form the page lets submit). Undefined: no
   * button (the local page's session ends with the process).
   */
  signOutPath?: string | undefined;
}

export interface DashboardHandler {
  /** Answers the request when its path is the dashboard's; resolves to false otherwise. */
  (req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Ends every event stream and stops the change watcher. */
  close(): void;
}

const name = z.string().min(1).max(200);

/** What each action's request carries, and nothing else: a field it would not use is refused. */
const actionBodies = {
  // The version the button named, and the live version it was drawn beside.
  rollback: z.strictObject({ service: name, environment: name, version: name, live: name }),
  deploy: z.strictObject({
    service: name,
    environment: name,
    version: name.optional(),
    commit: z
      .string()
      .regex(/^[0-9a-f]{7,64}$/i)
      .optional(),
  }),
};

/** The largest action request body read. */
const MAX_BODY = 8 * 1024;
const KEEPALIVE_MS = 20_000;

/** The page's content security policy; `formAction` says where a form may submit. */
const contentSecurityPolicy = (formAction: string) =>
  `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action ${formAction}; frame-ancestors 'none'`;

const SECURITY_HEADERS = {
  'content-security-policy': contentSecurityPolicy("'none'"),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
} as const;

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function createDashboardHandler(options: DashboardOptions): DashboardHandler {
  const base = options.basePath.replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const panels = options.panels ?? PANELS;
  const onError = options.onError ?? (() => {});
  const watcher: ChangeWatcher = watchLedger(options.ledger, {
    intervalMs: options.pollMs ?? 1000,
    now,
    onError,
  });
  const streams = new Set<ServerResponse>();

  async function context(viewer: DashboardViewer): Promise<PanelContext> {
    const known = (await options.known?.()) ?? [];
    const environments = await environmentsOf(options.ledger, known, (s) => viewer.canRead(s));
    return {
      ledger: options.ledger,
      viewer,
      basePath: base,
      now: now(),
      environments,
      readable: new Set(environments.map((e) => e.service)),
      commits: options.commits,
      tracks: options.tracks,
    };
  }

  async function renderPanels(viewer: DashboardViewer): Promise<Map<string, Html>> {
    const ctx = await context(viewer);
    const rendered = await Promise.all(
      panels.map(async (panel) => {
        try {
          return [panel.id, await panel.render(ctx)] as const;
        } catch (error) {
          onError(error);
          return [
            panel.id,
            html`<p class="bad">This panel could not be read: ${messageOf(error)}</p>`,
          ] as const;
        }
      }),
    );
    return new Map(rendered);
  }

  async function runPicture(viewer: DashboardViewer, runId: string, upto: number | undefined) {
    const events = await options.ledger.events({ runId });
    const first = events[0];
    if (!first || !(await viewer.canRead(first.service))) throw new HttpError(404, 'no such run');
    const shown = upto === undefined ? events : events.slice(0, Math.max(1, upto));
    return { picture: drawRun(runId, shown), total: events.length, shown: shown.length };
  }

  async function page(res: ServerResponse, viewer: DashboardViewer): Promise<void> {
    const rendered = await renderPanels(viewer);
    const body = html`<nav>${panels.map((p) => html`<a href="#${p.id}">${p.title}</a>`)}</nav>
${panels.map(
  (p) =>
    html`<section id="${p.id}"><h2>${p.title}</h2><div data-panel="${p.id}">${rendered.get(p.id) ?? ''}</div></section>`,
)}`;
    sendPage(res, layout(viewer, body, `${base}/events`));
  }

  async function runPage(
    res: ServerResponse,
    viewer: DashboardViewer,
    runId: string,
    url: URL,
  ): Promise<void> {
    const uptoParam = url.searchParams.get('upto');
    const upto = uptoParam !== null && /^\d+$/.test(uptoParam) ? Number(uptoParam) : undefined;
    const { picture, total, shown } = await runPicture(viewer, runId, upto);
    const live = upto === undefined && !picture.finished;
    const body = html`<p><a href="${base}/">← all environments</a></p>
<label for="replay">replay: event ${shown} of ${total}</label>
<input id="replay" type="range" min="1" max="${total}" value="${shown}">
<div data-panel="run">${runView(picture, base)}</div>`;
    const stream = live ? `${base}/events?run=${encodeURIComponent(runId)}` : '';
    sendPage(res, layout(viewer, body, stream));
  }

  /**
   * A page. Its sign-out form, when it has one, may submit to this origin, and carries the page's
   * Origin there: under `no-referrer` a browser sends a form's Origin as `null`.
   */
  function sendPage(res: ServerResponse, page: Html): void {
    const signOut = options.signOutPath !== undefined;
    send(res, 200, 'text/html; charset=utf-8', page.text, {
      'content-security-policy': contentSecurityPolicy(signOut ? "'self'" : "'none'"),
      'referrer-policy': signOut ? 'same-origin' : 'no-referrer',
    });
  }

  function layout(viewer: DashboardViewer, body: Html, stream: string): Html {
    const title = options.title ?? 'Tranche';
    return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${viewer.csrfToken}">
<meta name="dashboard-base" content="${base}">
<meta name="dashboard-stream" content="${stream}">
<title>${title}</title>
<link rel="stylesheet" href="${base}/assets/dashboard.css">
<script src="${base}/assets/dashboard.js" defer></script>
</head><body>
<header class="top"><h1><a href="${base}/">${title}</a></h1><span class="muted"><span id="live" class="live-dot" title="live updates"></span> ${viewer.actor}${
      options.signOutPath
        ? html` <form class="sign-out" method="post" action="${options.signOutPath}"><input type="hidden" name="csrf" value="${viewer.csrfToken}"><button type="submit">Sign out</button></form>`
        : ''
    }</span></header>
<div id="status" role="status" aria-live="polite"></div>
<main>${body}</main>
</body></html>`;
  }

  function events(req: IncomingMessage, res: ServerResponse, viewer: DashboardViewer, url: URL): void {
    const runId = url.searchParams.get('run');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    streams.add(res);
    let rendering = false;
    let again = false;
    const push = async () => {
      if (rendering) {
        again = true;
        return;
      }
      rendering = true;
      try {
        do {
          again = false;
          const payload =
            runId === null
              ? Object.fromEntries([...(await renderPanels(viewer))].map(([id, h]) => [id, h.text]))
              : { run: runView((await runPicture(viewer, runId, undefined)).picture, base).text };
          if (!res.writableEnded) res.write(`event: panels\ndata: ${JSON.stringify(payload)}\n\n`);
        } while (again);
      } catch (error) {
        onError(error);
      } finally {
        rendering = false;
      }
    };
    const unsubscribe = watcher.subscribe(() => void push());
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    const end = () => {
      clearInterval(keepalive);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', end);
    res.on('close', end);
  }

  async function act(
    req: IncomingMessage,
    res: ServerResponse,
    viewer: DashboardViewer,
    action: DashboardAction,
  ): Promise<void> {
    if (req.method !== 'POST') throw new HttpError(405, 'actions are POST requests');
    checkOrigin(req, options.origin);
    checkCsrf(req, viewer);
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
      throw new HttpError(415, 'an action is a JSON request');
    const body = parseJson(await readBody(req));
    const request =
      action === 'rollback'
        ? { action, ...actionOf(actionBodies.rollback, body, action) }
        : { action, ...actionOf(actionBodies.deploy, body, action) };
    const { service, environment, version } = request;
    const commit = request.action === 'deploy' ? request.commit : undefined;
    const record = {
      actor: viewer.actor,
      action,
      service,
      environment,
      version: version ?? null,
      commit: commit ?? null,
      host: options.host,
    };
    const allowed = (await viewer.canRead(service)) && (await viewer.canAct(service, environment, action));
    if (!allowed) {
      const message = `${viewer.actor} may not ${action} ${service} in ${environment}`;
      await options.ledger.recordDashboardAction({ ...record, state: 'refused', message }, now());
      sendJson(res, 403, { ok: false, message });
      return;
    }
    const stale = request.action === 'rollback' ? await staleRollback(request) : undefined;
    if (stale !== undefined) {
      await options.ledger.recordDashboardAction({ ...record, state: 'refused', message: stale }, now());
      sendJson(res, 409, { ok: false, message: stale });
      return;
    }
    const started = await options.ledger.recordDashboardAction(
      { ...record, state: 'started', message: null },
      now(),
    );
    let result: ActionResult;
    try {
      result =
        request.action === 'rollback'
          ? await options.actions.rollback({ ...request, actor: viewer.actor })
          : await options.actions.deploy({ ...request, actor: viewer.actor });
    } catch (error) {
      result = { ok: false, message: messageOf(error) };
    }
    await options.ledger.finishDashboardAction(
      started.id,
      result.ok ? 'succeeded' : 'failed',
      result.message,
      now(),
    );
    sendJson(res, result.ok ? 200 : 409, result);
  }

  /**
   * Why a rollback the viewer confirmed is no longer the one the rule gives (a deploy, a rollback or
   * a verdict since the page was drawn), or undefined when it still is: what runs is what was shown.
   */
  async function staleRollback(request: {
    service: string;
    environment: string;
    version: string;
    live: string;
  }) {
    const { live, target } = await ledgerRollback(options.ledger, request.service, request.environment);
    if (live === request.live && target?.version === request.version) return undefined;
    return `the page is out of date: ${request.environment} has ${live ?? 'nothing'} live now (the page showed ${request.live}) and a rollback goes to ${target?.version ?? 'nowhere'} (it showed ${request.version}); look again and confirm`;
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
    if (path === '/assets/dashboard.css') return send(res, 200, 'text/css; charset=utf-8', STYLE);
    if (path === '/assets/dashboard.js') return send(res, 200, 'text/javascript; charset=utf-8', SCRIPT);
    const viewer = await options.auth.viewer(req);
    if (!viewer) return options.auth.refuse(req, res);
    const action = /^\/actions\/(deploy|rollback)$/.exec(path)?.[1] as DashboardAction | undefined;
    if (action) return act(req, res, viewer, action);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'only GET here');
    if (path === '/') return page(res, viewer);
    if (path === '/events') {
      // A run's stream is for a run the viewer may see: anything else is a 404 now, not silence later.
      const runId = url.searchParams.get('run');
      if (runId !== null) await runPicture(viewer, runId, 0);
      return events(req, res, viewer, url);
    }
    const run = /^\/runs\/([^/]+)$/.exec(path)?.[1];
    if (run !== undefined) return runPage(res, viewer, runIdOf(run), url);
    throw new HttpError(404, 'not found');
  }

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    const path = url.pathname;
    if (path !== base && !path.startsWith(`${base}/`)) return false;
    try {
      await route(req, res, path.slice(base.length) || '/', url);
    } catch (error) {
      if (!(error instanceof HttpError)) onError(error);
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof HttpError ? error.message : 'the dashboard failed; see its log';
      // Past the limit, the rest of the body is only dropped until this answer has gone out.
      if (status === 413 && !res.headersSent) res.setHeader('connection', 'close');
      if (!res.headersSent) sendJson(res, status, { ok: false, message });
      else res.end();
    }
    return true;
  };
  return Object.assign(handler, {
    close() {
      watcher.close();
      for (const res of streams) res.end();
      streams.clear();
    },
  });
}

function runIdOf(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(404, 'no such run');
  }
}

/** A state-changing request must come from the page itself: its Origin is the dashboard's. */
function checkOrigin(req: IncomingMessage, expected: string | undefined): void {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') throw new HttpError(403, 'cross-site request refused');
  const own = expected ?? (req.headers.host ? `http://${req.headers.host}` : undefined);
  if (origin === undefined || own === undefined || origin !== own)
    throw new HttpError(403, 'request from another origin refused');
}

function checkCsrf(req: IncomingMessage, viewer: DashboardViewer): void {
  const sent = req.headers['x-csrf-token'];
  if (typeof sent !== 'string' || !sameSecret(sent, viewer.csrfToken))
    throw new HttpError(403, 'missing or wrong CSRF token');
}

/** Compares two secrets in time independent of where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The request body read as the action's, or a 400 saying what is wrong with it. */
function actionOf<T>(schema: z.ZodType<T>, body: unknown, action: DashboardAction): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new HttpError(400, `the request body is not a ${action}: ${z.prettifyError(parsed.error)}`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // The rest is read and dropped until the 413 has gone out, and the connection closes then.
      if (size > MAX_BODY) reject(new HttpError(413, 'the request body is too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the request body is not JSON');
  }
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
