/**
 * One message POSTed to one webhook, retried with exponential backoff and jitter on a 5xx,
 * a 429 or a network error (a Retry-After is waited out), within one total time limit that
 * covers every attempt and wait: when it runs out the request in flight is aborted. Other
 * answers (a 4xx: a revoked or wrong URL) are not retried. Nothing here throws, and no outcome
 * carries the URL: it is a secret.
 */
import type { Clock } from '../engine/ports.ts';

export interface DeliveryRequest {
  url: string;
  /** Headers besides Content-Type; built per attempt (a signature carries the time it was made). */
  headers: (nowMs: number) => Record<string, string>;
  body: string;
}

export interface DeliveryOptions {
  /** Total time for every attempt and wait. */
  timeoutMs: number;
  clock: Clock;
  /** The first retry waits half to all of this long, each later one twice as long. */
  backoffMs?: number | undefined;
  /** No single wait is longer, Retry-After included. */
  maxWaitMs?: number | undefined;
  /** [0, 1); default Math.random. */
  random?: (() => number) | undefined;
  /** Aborting it stops the delivery (counted as failed). */
  signal?: AbortSignal | undefined;
}

export type DeliveryOutcome =
  | { status: 'sent'; attempts: number; httpStatus: number }
  | { status: 'failed'; attempts: number; reason: string };

type Attempt = { done: DeliveryOutcome } | { retry: string; afterMs: number | undefined };

export async function deliver(request: DeliveryRequest, options: DeliveryOptions): Promise<DeliveryOutcome> {
  const { clock } = options;
  const controller = new AbortController();
  const stopDeadline = new AbortController();
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  const deadline = clock.now() + options.timeoutMs;
  let timedOut = false;
  void clock.sleep(options.timeoutMs, stopDeadline.signal).then(() => {
    if (stopDeadline.signal.aborted) return;
    timedOut = true;
    controller.abort();
  });
  let attempts = 0;
  // What the last attempt that ended on its own got: an answer, or a network error.
  let lastAnswer: string | undefined;
  try {
    for (;;) {
      attempts += 1;
      const outcome = await attempt(request, clock, controller.signal, attempts);
      if ('done' in outcome) return outcome.done;
      if (controller.signal.aborted) break;
      lastAnswer = outcome.retry;
      const wait = waitBefore(attempts, outcome.afterMs, options);
      if (clock.now() + wait >= deadline) {
        const reason = `${lastAnswer}; no time left for another attempt within ${seconds(options.timeoutMs)}`;
        return { status: 'failed', attempts, reason };
      }
      await clock.sleep(wait, controller.signal);
      if (controller.signal.aborted) break;
    }
    const cut = timedOut ? `timed out after ${seconds(options.timeoutMs)}` : 'stopped';
    return { status: 'failed', attempts, reason: lastAnswer ? `${lastAnswer}; ${cut}` : cut };
  } finally {
    stopDeadline.abort();
    options.signal?.removeEventListener('abort', stop);
  }
}

async function attempt(
  request: DeliveryRequest,
  clock: Clock,
  signal: AbortSignal,
  attempts: number,
): Promise<Attempt> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...request.headers(clock.now()) },
      body: request.body,
      redirect: 'error',
      signal,
    });
  } catch (error) {
    return { retry: networkReason(error), afterMs: undefined };
  }
  // The answer's body is not needed; reading it frees the connection. A hung body is cut by the abort.
  await response.arrayBuffer().catch(() => undefined);
  if (response.ok) return { done: { status: 'sent', attempts, httpStatus: response.status } };
  const reason = `HTTP ${response.status}`;
  if (response.status === 429 || response.status >= 500)
    return { retry: reason, afterMs: retryAfterMs(response.headers.get('retry-after'), clock.now()) };
  return { done: { status: 'failed', attempts, reason: `${reason} (not retried)` } };
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Between half and all of base · 2^(n-1) (jittered, so many senders do not retry in step, and
 * never no wait at all), or the server's Retry-After when it says; capped.
 */
function waitBefore(attempts: number, retryAfter: number | undefined, options: DeliveryOptions): number {
  const max = options.maxWaitMs ?? 60_000;
  if (retryAfter !== undefined) return Math.min(retryAfter, max);
  const ceiling = Math.min(max, (options.backoffMs ?? 1000) * 2 ** (attempts - 1));
  return Math.ceil((ceiling / 2) * (1 + (options.random ?? Math.random)()));
}

/** The error's code (ECONNREFUSED, …): never its message, which may quote the host or URL. */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return `network error${code ? ` ${code}` : ''}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
}
