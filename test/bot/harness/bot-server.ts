/**
 * The bot as GitHub reaches it: a Probot instance (a real app id and RSA key, so installation
 * tokens are requested as in production), mounted with createNodeMiddleware in a plain Node HTTP
 * server on 127.0.0.1, receiving webhooks signed with the secret (signature verification on).
 * Its log lines are kept for assertions.
 */
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sign } from '@octokit/webhooks-methods';
import pino from 'pino';
import { createNodeMiddleware, Probot, ProbotOctokit } from 'probot';
import { BotProbotOctokit } from '../../../bot/github/octokit.ts';
import { type TrancheBot, trancheBot } from '../../../bot/index.ts';
import type { Ledger } from '../../../src/ledger/types.ts';

export const WEBHOOK_SECRET = 'tranche-test-secret';
export const APP_ID = 2718;

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/**
 * Probot's Octokit without retries (an answer nock did not plan for fails at once) and without
 * throttling (which spaces writes a second apart). A function, so it applies after the options
 * Probot itself sets: its throttle options would otherwise replace an object given here.
 */
export const UNTHROTTLED = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object), enabled: false },
}));

/** pino's number for the info level. */
const INFO = 30;

export interface BotServer {
  url: string;
  bot: TrancheBot;
  /** Every message logged at info or above, in order. */
  logs: string[];
  /** Every message logged at debug, in order. */
  debugLogs: string[];
  /** Every line the logger wrote, whole (with any object logged beside the message). */
  logLines: string[];
  /** Signs and POSTs one webhook; resolves to the HTTP status once the bot has handled it. */
  deliver(event: string, payload: unknown, options?: { id?: string; signature?: string }): Promise<Delivery>;
  /** POSTs a body to /tranche/outcomes, signed with OUTCOMES_SECRET unless a signature (or null: none) is given. */
  postOutcomes(body: unknown, options?: { signature?: string | null; raw?: string }): Promise<Delivery>;
  close(): Promise<void>;
}

export interface Delivery {
  id: string;
  status: number;
  body: string;
}

/**
 * A Probot instance as production makes one (app id, key, secret), logging messages at info and
 * above into `logs` and at debug into `debugLogs`; GitHub's API at `baseUrl` (default
 * api.github.com, which the tests' nock answers).
 */
export function testProbot(
  logs: string[],
  baseUrl?: string,
  logLines: string[] = [],
  Octokit: typeof ProbotOctokit = UNTHROTTLED,
  debugLogs: string[] = [],
): Probot {
  const log = pino(
    { level: 'debug' },
    {
      write(line: string) {
        logLines.push(line);
        const { msg, level } = JSON.parse(line) as { msg?: unknown; level: number };
        (level >= INFO ? logs : debugLogs).push(String(msg ?? ''));
      },
    },
  );
  return probotLogging(log, baseUrl, Octokit);
}

/** The test app's Probot, logging to `log`. */
export function probotLogging(
  log: pino.Logger,
  baseUrl?: string,
  Octokit: typeof ProbotOctokit = UNTHROTTLED,
): Probot {
  return new Probot({
    appId: APP_ID,
    privateKey,
    secret: WEBHOOK_SECRET,
    log,
    Octokit,
    baseUrl,
  });
}

/** A Node HTTP server on 127.0.0.1 that hands every request to `middleware`, 404 for the rest. */
export async function serve(
  middleware: (request: IncomingMessage, response: ServerResponse, next: () => void) => unknown,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    void middleware(request, response, () => response.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

/** Signs and POSTs one webhook to the server at `url`, as GitHub does. */
export async function deliver(
  url: string,
  event: string,
  payload: unknown,
  options: { id?: string | undefined; signature?: string | undefined } = {},
): Promise<Delivery> {
  const id = options.id ?? randomUUID();
  const body = JSON.stringify(payload);
  const response = await fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': id,
      'x-hub-signature-256': options.signature ?? (await sign(WEBHOOK_SECRET, body)),
    },
    body,
  });
  return { id, status: response.status, body: await response.text() };
}

/** The secret the test bots take jobs' outcomes with. */
export const OUTCOMES_SECRET = 'tranche-outcomes-test-secret';

/** A job's signature of a body, as `openssl dgst -sha256 -hmac "$SECRET"` computes it. */
export function jobSignature(text: string, secret = OUTCOMES_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(text).digest('hex')}`;
}

/** POSTs outcomes as a job would: JSON, signed with the shared secret. */
export async function postOutcomes(
  url: string,
  body: unknown,
  options: { signature?: string | null; raw?: string } = {},
): Promise<Delivery> {
  const text = options.raw ?? JSON.stringify(body);
  const signature = options.signature === undefined ? jobSignature(text) : options.signature;
  const response = await fetch(`${url}/tranche/outcomes`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature === null ? {} : { 'x-tranche-signature-256': signature }),
    },
    body: text,
  });
  return { id: '', status: response.status, body: await response.text() };
}

export async function startBot(options: {
  ledger: Ledger;
  now?: () => number;
  replica?: string;
  env?: Record<string, string | undefined>;
  /** The bot's Octokit, retrying and throttling as in production (bot/github/octokit.ts), rather than UNTHROTTLED. */
  productionOctokit?: boolean;
}): Promise<BotServer> {
  const logs: string[] = [];
  const debugLogs: string[] = [];
  const logLines: string[] = [];
  const probot = testProbot(
    logs,
    undefined,
    logLines,
    options.productionOctokit ? BotProbotOctokit : UNTHROTTLED,
    debugLogs,
  );
  const bot = trancheBot({
    ledger: options.ledger,
    now: options.now,
    sweepEveryMs: 0,
    replica: options.replica,
    outcomesSecret: OUTCOMES_SECRET,
    env: options.env,
  });
  const server = await serve(await createNodeMiddleware(bot.app, { probot }));
  return {
    url: server.url,
    bot,
    logs,
    debugLogs,
    logLines,
    deliver: (event, payload, deliveryOptions) => deliver(server.url, event, payload, deliveryOptions),
    postOutcomes: (body, postOptions) => postOutcomes(server.url, body, postOptions),
    async close() {
      bot.stop();
      await server.close();
    },
  };
}
