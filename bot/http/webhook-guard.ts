/**
 * The door in front of Probot's webhook route. Anyone can POST to it, and Probot's middleware
 * reads a whole body into memory before it checks the signature, and logs a body whose signature
 * fails. This handler reads the body first, at most MAX_WEBHOOK_BYTES (GitHub sends no larger
 * one): a longer body (declared or streamed) is answered 413, and the connection closed once the
 * sender has had time to read that (what it sends meanwhile is dropped unread, within a bound); a
 * body whose `X-Hub-Signature-256` is not its signature under the app's secret is answered 400 and
 * logged as one short line, never with the body. A signed body is handed on to Probot's
 * middleware (which takes `request.body` as read) and handled as before. Mount it before that
 * middleware: createNodeMiddleware runs the app's handlers first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Probot } from 'probot';

/** GitHub caps webhook payloads at 25 MB. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/** A Probot handler: false hands the request on (the body read, when it is a webhook's). */
export function webhookGuard(app: Probot, maxBytes = MAX_WEBHOOK_BYTES) {
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
    const payload = body.toString('utf8');
    const signature = request.headers['x-hub-signature-256'];
    if (
      typeof signature === 'string' &&
      !(await app.webhooks.verify(payload, signature).catch(() => false))
    ) {
      app.log.warn(`${what()}: ${body.length} bytes whose signature does not match; not handled`);
      answer(response, 400, 'the X-Hub-Signature-256 header is not the signature of this body');
      return true;
    }
    // Probot's middleware reads a string body as the payload rather than the drained stream.
    (request as IncomingMessage & { body?: string }).body = payload;
    return false;
  };
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
