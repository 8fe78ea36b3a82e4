import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sign } from '@octokit/webhooks-methods';
import { createNodeMiddleware } from 'probot';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Redeliveries, redeliveries } from '../../bot/http/redeliveries.ts';
import { MAX_WEBHOOK_BYTES, webhookGuard } from '../../bot/http/webhook-guard.ts';
import { SqliteLedger } from '../../src/ledger/sqlite.ts';
import { deliver, serve, testProbot, WEBHOOK_SECRET } from './harness/bot-server.ts';
import { useBot } from './harness/bot-test.ts';
import { commentPayload } from './harness/payloads.ts';

const execFileAsync = promisify(execFile);
const MiB = 1024 * 1024;
/** What the hostile bodies are made of, to look for in the log. */
const FILLER = 'hostile-filler-';

interface Answer {
  /** undefined: the bot hung up without an answer. */
  status: number | undefined;
  /** The answer's body. */
  body: string;
  /** Bytes of the body written before the bot answered or hung up (node:http waits for each to drain). */
  sent: number;
}

/**
 * A sender in a process of its own (nock, which stands in for GitHub in this one, buffers whole
 * request bodies): it POSTs a webhook with a bad signature to URL as a stream of TOTAL bytes in
 * 64 KiB chunks, one buffer written again and again so that it holds no more than that, claiming
 * Content-Length DECLARED if set, and stops as soon as the bot answers or hangs up. It prints the
 * answer as JSON.
 */
const SENDER = `
import { request } from 'node:http';
const { URL, TOTAL, DECLARED, FILLER } = process.env;
const piece = Buffer.from(FILLER.repeat(Math.ceil(65536 / FILLER.length)).slice(0, 65536));
const answer = { status: undefined, body: '', sent: 0 };
let stopped = false;
const stop = () => {
  if (stopped) return;
  stopped = true;
  process.stdout.write(JSON.stringify(answer));
  process.exit(0);
};
const post = request(URL + '/api/github/webhooks', {
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    'x-github-event': 'issue_comment',
    'x-github-delivery': 'hostile-1',
    'x-hub-signature-256': 'sha256=' + '0'.repeat(64),
    ...(DECLARED ? { 'content-length': DECLARED } : {}),
  },
}, (response) => {
  answer.status = response.statusCode;
  response.setEncoding('utf8');
  response.on('data', (text) => { answer.body += text; });
  response.on('end', stop);
  response.on('error', stop);
});
post.on('error', stop);
const write = () => {
  while (!stopped && answer.status === undefined && answer.sent < Number(TOTAL)) {
    answer.sent += piece.length;
    if (!post.write(piece)) return void post.once('drain', write);
  }
};
write();
`;

/** What the sender saw, and how much of its body the connection took. */
async function postStream(url: string, total: number, declared?: number): Promise<Answer> {
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', SENDER], {
    env: { URL: url, TOTAL: String(total), DECLARED: declared === undefined ? '' : String(declared), FILLER },
  });
  return JSON.parse(stdout) as Answer;
}

describe('the webhook route', () => {
  const t = useBot();

  const logBytes = () => t.server.logLines.reduce((n, line) => n + line.length, 0);

  describe('a body past GitHub’s 25 MB', () => {
    it('is answered 413 from its declared length, unread, and not logged', async () => {
      const answer = await postStream(t.server.url, MiB, 300 * MiB);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toEqual({
        error: `a webhook body has at most ${MAX_WEBHOOK_BYTES} bytes`,
      });
      expect(t.server.logLines.some((line) => line.includes(FILLER))).toBe(false);
      expect(t.server.logs).toContain(
        `webhook issue_comment (delivery hostile-1): its body is over ${MAX_WEBHOOK_BYTES} bytes; refused unread`,
      );
      t.github.done();
    });

    it('is answered 413 once a stream without a length passes it, and the rest is not read', async () => {
      const total = 64 * MiB;
      const answer = await postStream(t.server.url, total);
      expect(answer.status).toBe(413);
      // The bot stopped reading at 25 MB: the sender could not write all it had.
      expect(answer.sent).toBeLessThan(total);
      expect(logBytes()).toBeLessThan(64 * 1024);
      expect(t.server.logLines.some((line) => line.includes(FILLER))).toBe(false);
      t.github.done();
    });
  });

  describe('a body whose signature does not match', () => {
    it('is answered 400 and logged in one line without the body', async () => {
      const payload = commentPayload({ body: `/deploy production ${FILLER}` });
      const delivery = await t.server.deliver('issue_comment', payload, {
        id: 'forged-1',
        signature: await sign('guessed-secret', JSON.stringify(payload)),
      });
      expect(delivery.status).toBe(400);
      expect(t.server.logLines.some((line) => line.includes(FILLER))).toBe(false);
      expect(t.server.logs.filter((line) => line.includes('forged-1'))).toEqual([
        `webhook issue_comment (delivery forged-1): ${JSON.stringify(payload).length} bytes whose signature does not match; not handled`,
      ]);
      t.github.done();
      expect(await t.ledger.releases({ repo: 'acme/shop' })).toEqual([]);
    });
  });

  describe('a signed body', () => {
    it('is handled as before, the body read once', async () => {
      t.github.token().config().reaction().comment();
      const payload = commentPayload({ body: '/help' });
      const delivery = await t.server.deliver('issue_comment', payload, {
        signature: await sign(WEBHOOK_SECRET, JSON.stringify(payload)),
      });
      expect(delivery.status).toBe(200);
      t.github.done();
      expect(t.github.bodies('comment')).toHaveLength(1);
    });
  });
});

describe("the webhook route's answers to the app's handlers", () => {
  /**
   * What the handlers did, by issue title: `fail` fails every time, `fail once` the first time
   * only; `wait` waits for `release` (and with `fail once`, fails after it).
   */
  let handled: string[];
  let tries: Map<string, number>;
  let logs: string[];
  let release: () => void;
  let server: { url: string; close(): Promise<void> };
  let again: Redeliveries;
  let dir: string;
  let ledger: SqliteLedger;
  const ANSWER_WITHIN_MS = 50;
  /** Due again at once after each of the first two failures: the test runs the timer's work. */
  const AFTER_MS = [0, 0];
  /** The timer's work until `check` holds. */
  const redeliveredUntil = (check: () => void) =>
    vi.waitFor(async () => {
      await again.due();
      check();
    });

  beforeEach(async () => {
    handled = [];
    tries = new Map();
    logs = [];
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    dir = mkdtempSync(join(tmpdir(), 'tranche-route-'));
    ledger = await SqliteLedger.open(join(dir, 'ledger.db'));
    const middleware = await createNodeMiddleware(
      (app, options) => {
        again = redeliveries(
          {
            ledger,
            receive: (event) => app.webhooks.receive(event),
            log: app.log,
            now: Date.now,
            holder: 'route-test',
          },
          { afterMs: AFTER_MS },
        );
        options.addHandler(
          webhookGuard(app, {
            answerWithinMs: ANSWER_WITHIN_MS,
            failed: (event) => void again.failed(event),
          }),
        );
        app.on('issues.opened', async (context) => {
          const { title } = context.payload.issue;
          const tried = (tries.get(context.id) ?? 0) + 1;
          tries.set(context.id, tried);
          if (title.includes('wait')) await released;
          if (title === 'fail') throw new Error('the handler failed');
          if (title === 'fail at GitHub') throw Object.assign(new Error('Not Found'), { status: 404 });
          if (title.includes('fail once') && tried === 1) throw new Error('the first try failed');
          handled.push(`${context.id}: ${title}`);
        });
      },
      { probot: testProbot(logs) },
    );
    server = await serve(middleware);
  });

  afterEach(async () => {
    again.stop();
    release();
    await server.close();
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const opened = (title: string) => ({ action: 'opened', issue: { number: 1, title }, repository: {} });

  it('answers 200 once the handlers are done, the event as sent', async () => {
    const delivery = await deliver(server.url, 'issues', opened('ok'), { id: 'd-ok' });
    expect(delivery).toMatchObject({ status: 200, body: 'ok\n' });
    expect(handled).toEqual(['d-ok: ok']);
  });

  it("answers 500 with the handler's error when one fails, Probot logs it, and it is tried twice more, then left", async () => {
    const delivery = await deliver(server.url, 'issues', opened('fail'), { id: 'd-fail' });
    expect(delivery.status).toBe(500);
    expect(JSON.parse(delivery.body)).toEqual({ error: 'Error: the handler failed' });
    expect(logs).toContain('the handler failed');
    // Tried twice more, then left.
    await redeliveredUntil(() =>
      expect(logs).toContain(
        "webhook issues (delivery d-fail): its handlers failed 3 times; not tried again (redeliver it from the app's settings)",
      ),
    );
    expect(tries.get('d-fail')).toBe(3);
    expect(handled).toEqual([]);
  });

  it('hands a failed event to the handlers again, until they succeed', async () => {
    const delivery = await deliver(server.url, 'issues', opened('fail once'), { id: 'd-once' });
    expect(delivery.status).toBe(500);
    await redeliveredUntil(() => expect(handled).toEqual(['d-once: fail once']));
    expect(tries.get('d-once')).toBe(2);
    expect(logs).toContain('webhook issues (delivery d-once): handled at try 2');
  });

  it('hands an event answered 202 to the handlers again when they fail after the answer', async () => {
    const delivery = await deliver(server.url, 'issues', opened('wait, fail once'), { id: 'd-late' });
    expect(delivery.status).toBe(202);
    release();
    await redeliveredUntil(() => expect(handled).toEqual(['d-late: wait, fail once']));
    expect(tries.get('d-late')).toBe(2);
  });

  it('answers 500, not the status of a GitHub request the handler failed on', async () => {
    const delivery = await deliver(server.url, 'issues', opened('fail at GitHub'), { id: 'd-404' });
    expect(delivery.status).toBe(500);
    expect(JSON.parse(delivery.body)).toEqual({ error: 'Error: Not Found' });
  });

  it('answers 202 when the handlers take longer than the wait, and they go on', async () => {
    const delivery = await deliver(server.url, 'issues', opened('wait'), { id: 'd-wait' });
    expect(delivery).toMatchObject({ status: 202, body: 'still processing\n' });
    expect(handled).toEqual([]);
    release();
    await vi.waitFor(() => expect(handled).toEqual(['d-wait: wait']));
  });

  it('refuses, unhandled, a body that is not JSON, is not said to be, or lacks a webhook header', async () => {
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${server.url}/api/github/webhooks`, { method: 'POST', headers, body }).then(async (r) => ({
        status: r.status,
        body: JSON.parse(await r.text()) as unknown,
      }));
    const text = 'not json';
    const headers = {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': 'd-bad',
      'x-hub-signature-256': await sign(WEBHOOK_SECRET, text),
    };
    expect(await post(headers, text)).toEqual({ status: 400, body: { error: 'Invalid JSON' } });
    expect(await post({ ...headers, 'content-type': 'text/plain' }, text)).toEqual({
      status: 415,
      body: { error: 'Unsupported "Content-Type" header value. Must be "application/json"' },
    });
    const { 'x-github-event': _, ...unnamed } = headers;
    expect(await post(unnamed, text)).toEqual({
      status: 400,
      body: { error: 'Required headers missing: x-github-event' },
    });
    expect(handled).toEqual([]);
  });
});
