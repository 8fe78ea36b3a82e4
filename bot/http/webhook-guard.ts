/**
 * The door in front of Probot's webhook route. Anyone can POST to it, and Probot's middleware
 * reads a whole body into memory before it checks the signature, and logs a body whose signature
 * fails. This handler reads the body first, at most MAX_WEBHOOK_BYTES (GitHub sends no larger
 * one): a longer body (declared or streamed) is answered 413 and the connection closed, unread; a
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
    const what = `webhook ${headerWords(request, 'x-github-event')} (delivery ${headerWords(request, 'x-github-delivery')})`;
    const declared = Number(request.headers['content-length']);
    const body = declared > maxBytes ? 'too large' : await readAtMost(request, maxBytes);
    if (body === 'gone') {
      app.log.info(`${what}: the sender hung up before the body's end`);
      return true;
    }
    if (body === 'too large') {
      app.log.warn(`${what}: its body is over ${maxBytes} bytes; refused unread`);
      answer(response, 413, `a webhook body has at most ${maxBytes} bytes`);
      return true;
    }
    const payload = body.toString('utf8');
    const signature = request.headers['x-hub-signature-256'];
    if (
      typeof signature === 'string' &&
      !(await app.webhooks.verify(payload, signature).catch(() => false))
    ) {
      app.log.warn(`${what}: ${body.length} bytes whose signature does not match; not handled`);
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

/** The answer, and the connection closed after it, so a refused body's rest is not read. */
function answer(response: ServerResponse, status: number, error: string): void {
  response.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
  response.end(`${JSON.stringify({ error })}\n`);
}
