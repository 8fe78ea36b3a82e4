/**
 * Webhooks whose handlers failed, handed to them again later: the bot's own redelivery. GitHub
 * redelivers nothing by itself. A webhook whose handlers were still at work after 9 s was answered
 * 202, so GitHub shows it delivered (as when its API fails for longer than Octokit retries); one
 * answered 500 waits for someone to press Redeliver in the app's settings. The handlers are safe
 * to run again on the same event: they do what a redelivery from GitHub does, the ledger's claim
 * telling them what was done.
 *
 * So the route hands each failed event here, and it is kept in the ledger: it outlives the
 * process, and whichever of the bot's processes sharing the ledger finds it due takes it (a claim
 * with a lease: a process that dies holding it, or whose try outlasts the lease, hands it on, the
 * try counted). The bot's timer receives what is due: about 1, 5 and then 15 minutes after each
 * failure (the timer looks every minute), until its handlers succeed, and then it is left with a
 * log line. At most MAX_PENDING_REDELIVERIES wait at once (a long outage), and a body over
 * MAX_KEPT_BYTES is not kept: those are logged and left to GitHub's redelivery. When the ledger
 * cannot keep an event (it may be why the handlers failed), the event waits in this process's
 * timers instead, as long.
 */
import type { EmitterWebhookEvent } from '@octokit/webhooks';
import type {
  RedeliveryKept,
  RedeliveryLedger,
  WebhookRedelivery,
} from '../../src/ledger/redelivery-types.ts';

/** How long after each failure the event is received again; then it is left. */
export const REDELIVERY_AFTER_MS: readonly number[] = [60_000, 5 * 60_000, 15 * 60_000];
const MAX_PENDING_REDELIVERIES = 1_000;
/** GitHub's bodies are a few kilobytes: a larger one is left to GitHub's redelivery. */
const MAX_KEPT_BYTES = 1024 * 1024;
/** How long a process holds the event it took: past that, another may take it (this one died). */
const REDELIVERY_LEASE_MS = 10 * 60_000;

export interface Redeliveries {
  /** The event's handlers failed as GitHub delivered it: kept to be received again, or logged why not. */
  failed(event: EmitterWebhookEvent): Promise<void>;
  /** Receives each kept event that is due, one after another, until none is (the timer's work). */
  due(): Promise<void>;
  /** Keeps and receives nothing more; what is kept waits for the next process. */
  stop(): void;
}

export interface RedeliveryOptions {
  afterMs?: readonly number[] | undefined;
  maxPending?: number | undefined;
  maxBytes?: number | undefined;
  leaseMs?: number | undefined;
}

export interface RedeliveryContext {
  ledger: RedeliveryLedger;
  /** Hands the event to the app's handlers; rejects when one fails. */
  receive: (event: EmitterWebhookEvent) => Promise<unknown>;
  log: { info(message: string): void; warn(message: string): void; error(message: string): void };
  /** Epoch milliseconds. */
  now: () => number;
  /** This process, as the holder of what it takes. */
  holder: string;
}

export function redeliveries(
  { ledger, receive, log, now, holder }: RedeliveryContext,
  {
    afterMs = REDELIVERY_AFTER_MS,
    maxPending = MAX_PENDING_REDELIVERIES,
    maxBytes = MAX_KEPT_BYTES,
    leaseMs = REDELIVERY_LEASE_MS,
  }: RedeliveryOptions = {},
): Redeliveries {
  let stopped = false;
  /** Events the ledger could not keep (it failed too), waiting in this process instead. */
  const inMemory = new Set<NodeJS.Timeout>();
  const what = (id: string, name: string) => `webhook ${name} (delivery ${id})`;
  const leftAfter = (id: string, name: string, tries: number) =>
    log.error(
      `${what(id, name)}: its handlers failed ${tries} times; not tried again (redeliver it from the app's settings)`,
    );
  const tryingAgain = (id: string, name: string, delay: number) =>
    log.info(`${what(id, name)}: its handlers failed; trying again in ${Math.round(delay / 1000)} s`);

  /** Try `tries` of `event` failed: kept in the ledger for the next, else in this process. */
  const failedAt = async (event: EmitterWebhookEvent, tries: number): Promise<void> => {
    if (stopped) return;
    const delay = afterMs[tries - 1];
    if (delay === undefined) return leftAfter(event.id, event.name, tries);
    const payload = JSON.stringify(event.payload);
    if (Buffer.byteLength(payload) > maxBytes) {
      log.warn(
        `${what(event.id, event.name)}: its handlers failed; its body is over ${maxBytes} bytes, too large to keep for another try`,
      );
      return;
    }
    let kept: RedeliveryKept;
    try {
      kept = await ledger.keepRedelivery(
        { deliveryId: event.id, event: event.name, payload, tries, dueAt: now() + delay },
        maxPending,
      );
    } catch (error) {
      // The ledger may be why the handlers failed: the event waits here, as long, and is lost
      // only should this process end meanwhile.
      log.warn(
        `${what(event.id, event.name)}: its handlers failed, and the ledger could not keep it (${(error as Error).message}); trying again in ${Math.round(delay / 1000)} s from this process`,
      );
      return inProcess(event, tries, delay);
    }
    if (kept === 'kept') tryingAgain(event.id, event.name, delay);
    else if (kept === 'full') {
      log.warn(
        `${what(event.id, event.name)}: its handlers failed; ${maxPending} webhooks already wait to be tried again, so not this one`,
      );
    }
    // 'waiting already': GitHub's redelivery of a kept event failed too; the kept one stays.
  };

  const inProcess = (event: EmitterWebhookEvent, tries: number, delay: number) => {
    if (inMemory.size >= maxPending) {
      log.warn(
        `${what(event.id, event.name)}: ${maxPending} webhooks already wait in this process to be tried again, so not this one`,
      );
      return;
    }
    const timer = setTimeout(() => {
      inMemory.delete(timer);
      receive(event).then(
        () => log.info(`${what(event.id, event.name)}: handled at try ${tries + 1}`),
        () => failedAt(event, tries + 1),
      );
    }, delay);
    timer.unref();
    inMemory.add(timer);
  };

  /** Receives a claimed event, then keeps it for its next try or forgets it. */
  const tryAgain = async ({ deliveryId: id, event: name, payload, tries }: WebhookRedelivery) => {
    // A try that never ended (its process died, or it outlasted the lease) counts as failed.
    if (tries > afterMs.length + 1) {
      await ledger.dropRedelivery(id, holder);
      return leftAfter(id, name, tries - 1);
    }
    const event = { id, name, payload: JSON.parse(payload) } as EmitterWebhookEvent;
    const handled = await receive(event).then(
      () => true,
      () => false,
    );
    const delay = afterMs[tries - 1];
    if (handled || delay === undefined) await ledger.dropRedelivery(id, holder);
    else await ledger.retryRedelivery(id, holder, now() + delay);
    if (handled) log.info(`${what(id, name)}: handled at try ${tries}`);
    else if (delay === undefined) leftAfter(id, name, tries);
    else tryingAgain(id, name, delay);
  };

  return {
    failed: (event) => failedAt(event, 1),
    async due() {
      while (!stopped) {
        const next = await ledger.claimRedelivery(holder, leaseMs, now());
        if (next === null) return;
        try {
          await tryAgain(next);
        } catch (error) {
          // Held until its lease runs out, then tried again: the next one is not held up.
          log.warn(
            `${what(next.deliveryId, next.event)}: its try ${next.tries} did not end: ${(error as Error).message}`,
          );
        }
      }
    },
    stop() {
      stopped = true;
      for (const timer of inMemory) clearTimeout(timer);
      inMemory.clear();
    },
  };
}
