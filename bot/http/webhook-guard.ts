/**
 * The bot's webhook route, in front of Probot's. Anyone can POST to it, and Probot's middleware
 * reads a whole body into memory before it checks the signature, and logs a body whose signature
 * fails. This handler reads the body first, at most MAX_WEBHOOK_BYTES (GitHub sends no larger
 * one): a longer body (declared or streamed) is answered 413, and the connection closed once the
 * sender has had time to read that (what it sends meanwhile is dropped unread, within a bound); a
 * body whose `X-Hub-Signature-256` is not its signature under the app's secret is answered 400 and
 * logged as one short line, never with the body. A signed body is handed to the app's handlers
 * (`app.webhooks.receive`) and answered much as Probot's middleware answers, so that its
 * signature is checked once: 200 once they are done; 500 when one fails (Probot logs its error;
 * Probot's middleware would answer the status of a failed GitHub request instead, which GitHub's
 * delivery log then shows as the webhook's own); 202 ("still processing") when they take more
 * than 9 s, GitHub's wait being 10 s, while they go on.
 * The same refusals as Probot's, too: 415 for a body that does not say it is JSON, 400 for a
 * missing webhook header or a body that is not JSON. An event whose handlers failed is handed to
 * `failed` (the bot tries it again: redeliveries.ts). Mount it before Probot's middleware:
 * createNodeMiddleware runs the app's handlers first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmitterWebhookEvent } from '@octokit/webhooks';
import type { Probot } from 'probot';

/** GitHub caps webhook payloads at 25 MB. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;
/** How long the handlers have before the webhook is answered 202 (as Probot's middleware; GitHub waits 10 s). */
const ANSWER_WITHIN_MS = 9_000;

const WEBHOOK_HEADERS = ['x-github-event', 'x-hub-signature-256', 'x-github-delivery'] as const;
const JSON_TYPE = /^\s*application\/json\s*(?:;|$)/u;

export interface WebhookRouteOptions {
  maxBytes?: number | undefined;
  answerWithinMs?: number | undefined;
  /** Told of each event whose handlers failed, whether answered 500 or, later, after a 202. */
  failed?: ((event: EmitterWebhookEvent) => void) | undefined;
}

/** A Probot handler: false hands the request on (anything but a POST to the webhook path). */
export function webhookGuard(
  app: Probot,
  { maxBytes = MAX_WEBHOOK_BYTES, answerWithinMs = ANSWER_WITHIN_MS, failed }: WebhookRouteOptions = {},
) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    if (request.method !== 'POST' || pathOf(request) !== app.webhookPath) return false;
    // Named only in a refusal's log line.
    const what = () =>
      `webhook ${headerWords(request, 'x-github-event')} (delivery ${headerWords(request, 'x-github-delivery')})`;
    const declared = Number(request.headers['content-length']);
    const body = declared > maxBytes ? 'too large' : await readAtMost(request, maxBytes);
    if (body === 'gone') {
      app.log.info(`${what()}: the sender hung up before the body's end`);
      return true;
    }
    if (body === 'too large') {
      app.log.warn(`${what()}: its body is over ${maxBytes} bytes; refused unread`);
      await refuseTooLarge(request, response, `a webhook body has at most ${maxBytes} bytes`);
      return true;
    }
    const contentType = request.headers['content-type'];
    if (contentType === undefined || !JSON_TYPE.test(contentType)) {
      answer(response, 415, 'Unsupported "Content-Type" header value. Must be "application/json"');
      return true;
    }
    const missing = WEBHOOK_HEADERS.filter((name) => typeof request.headers[name] !== 'string');
    if (missing.length > 0) {
      answer(response, 400, `Required headers missing: ${missing.join(', ')}`);
      return true;
    }
    const payload = body.toString('utf8');
    const signature = request.headers['x-hub-signature-256'] as string;
    if (!(await app.webhooks.verify(payload, signature).catch(() => false))) {
      app.log.warn(`${what()}: ${body.length} bytes whose signature does not match; not handled`);
      answer(response, 400, 'the X-Hub-Signature-256 header is not the signature of this body');
      return true;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      answer(response, 400, 'Invalid JSON');
      return true;
    }
    const event = {
      id: request.headers['x-github-delivery'] as string,
      name: request.headers['x-github-event'] as string,
      payload: parsed,
    } as EmitterWebhookEvent;
    const failure = await handle(app, event, response, answerWithinMs);
    if (failure !== undefined) failed?.(event);
    return true;
  };
}

/**
 * Runs the app's handlers on `event` and answers: 200, 500 when one failed, or 202 past
 * `withinMs`. Resolves once they are done, to their failure if they failed.
 */
async function handle(
  app: Probot,
  event: EmitterWebhookEvent,
  response: ServerResponse,
  withinMs: number,
): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), withinMs);
  });
  const handled = app.webhooks.receive(event).then(
    () => undefined,
    (error: unknown) => error,
  );
  const first = await Promise.race([handled, late]);
  clearTimeout(timer);
  if (first === 'late') {
    reply(response, 202, 'still processing\n', 'text/plain');
    // What fails from here on, Probot has logged; GitHub has its answer.
    return handled;
  }
  if (first === undefined) {
    reply(response, 200, 'ok\n', 'text/plain');
    return undefined;
  }
  // Probot's error handler has logged each handler's error.
  reply(response, 500, JSON.stringify({ error: firstError(first) }), 'application/json');
  return first;
}

/** The first of the handlers' errors (receive rejects with them all), as `Name: message`. */
function firstError(error: unknown): string {
  const first: unknown = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  const { name, message } = (first ?? {}) as { name?: unknown; message?: unknown };
  if (typeof message !== 'string' || message === '') return 'Error: An Unspecified error occurred';
  return `${typeof name === 'string' ? name : 'Error'}: ${message}`;
}

function reply(response: ServerResponse, status: number, body: string, type: string): void {
  response
    .writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) })
    .end(body);
}

/**
 * The body; 'too large' as soon as it passes `maxBytes` (reading stops, and the rest is never
 * read); 'gone' when the sender hung up before its end.
 */
function readAtMost(request: IncomingMessage, maxBytes: number): Promise<Buffer | 'too large' | 'gone'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      request.off('data', onData).pause();
      resolve('too large');
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks)));
    // After 'end' or 'too large' this changes nothing: a promise settles once.
    request.once('close', () => resolve('gone'));
  });
}

function pathOf(request: IncomingMessage): string | undefined {
  try {
    return new URL(request.url ?? '/', 'http://bot').pathname.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

/** A header anyone could have sent, fit for a log line: short and printable. */
function headerWords(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  return typeof value === 'string' ? value.replace(/[^\w.:-]/g, '?').slice(0, 64) : 'none';
}

/** How long, and how many bytes, a refused body's sender gets to read the 413 before the connection closes. */
const DRAIN_MS = 2_000;
const DRAIN_BYTES = 8 * 1024 * 1024;

/**
 * The 413, and the connection closed after it. Closing a socket whose sender is still writing
 * resets it, and the sender may then never read the answer: so the answer's head and body go out
 * first, what arrives meanwhile is dropped (never kept) until the sender stops, DRAIN_BYTES have
 * come or DRAIN_MS have passed, and only then does the answer end and the connection close.
 */
async function refuseTooLarge(
  request: IncomingMessage,
  response: ServerResponse,
  error: string,
): Promise<void> {
  response.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
  response.write(`${JSON.stringify({ error })}\n`);
  await new Promise<void>((resolve) => {
    let dropped = 0;
    const done = () => {
      clearTimeout(timer);
      request.off('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > DRAIN_BYTES) done();
    };
    const timer = setTimeout(done, DRAIN_MS);
    request.on('data', onData);
    request.once('end', done);
    request.once('close', done);
    request.resume();
  });
  response.end();
}

/** The answer, and the connection closed after it. */
function answer(response: ServerResponse, status: number, error: string): void {
  response.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
  response.end(`${JSON.stringify({ error })}\n`);
}
