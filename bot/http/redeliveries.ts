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
 * with a lease, so one that dies holding it hands it on). The bot's timer receives what is due:
 * about 1, 5 and then 15 minutes after each failure (the timer looks every minute), until its
 * handlers succeed, and then it is left with a log line. At most MAX_PENDING_REDELIVERIES wait at
 * once (a long outage), and a body over MAX_KEPT_BYTES is not kept: those are logged and left to
 * GitHub's redelivery.
 */
import type { EmitterWebhookEvent } from '@octokit/webhooks';
import type { RedeliveryLedger } from '../../src/ledger/redelivery-types.ts';

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
  const what = (id: string, name: string) => `webhook ${name} (delivery ${id})`;
  const leftAfter = (id: string, name: string, tries: number) =>
    log.error(
      `${what(id, name)}: its handlers failed ${tries} times; not tried again (redeliver it from the app's settings)`,
    );
  const tryingAgain = (id: string, name: string, delay: number) =>
    log.info(`${what(id, name)}: its handlers failed; trying again in ${Math.round(delay / 1000)} s`);

  /** Receives one claimed event, and keeps it for its next try or forgets it. */
  const tryAgain = async (id: string, name: string, payload: string, tries: number) => {
    const event = { id, name, payload: JSON.parse(payload) } as EmitterWebhookEvent;
    const handled = await receive(event).then(
      () => true,
      () => false,
    );
    const delay = afterMs[tries];
    if (handled || delay === undefined) await ledger.dropRedelivery(id, holder);
    else await ledger.retryRedelivery(id, holder, tries + 1, now() + delay);
    if (handled) log.info(`${what(id, name)}: handled at try ${tries + 1}`);
    else if (delay === undefined) leftAfter(id, name, tries + 1);
    else tryingAgain(id, name, delay);
  };

  return {
    async failed(event) {
      if (stopped) return;
      const delay = afterMs[0];
      if (delay === undefined) return leftAfter(event.id, event.name, 1);
      const payload = JSON.stringify(event.payload);
      if (Buffer.byteLength(payload) > maxBytes) {
        log.warn(
          `${what(event.id, event.name)}: its handlers failed; its body is over ${maxBytes} bytes, too large to keep for another try`,
        );
        return;
      }
      try {
        const kept = await ledger.keepRedelivery(
          { deliveryId: event.id, event: event.name, payload, tries: 1, dueAt: now() + delay },
          maxPending,
        );
        if (kept === 'kept') tryingAgain(event.id, event.name, delay);
        else if (kept === 'full') {
          log.warn(
            `${what(event.id, event.name)}: its handlers failed; ${maxPending} webhooks already wait to be tried again, so not this one`,
          );
        }
        // 'waiting already': GitHub's redelivery of a kept event failed too; the kept one stays.
      } catch (error) {
        log.error(
          `${what(event.id, event.name)}: its handlers failed, and it could not be kept to try again: ${(error as Error).message}`,
        );
      }
    },
    async due() {
      while (!stopped) {
        const next = await ledger.claimRedelivery(holder, leaseMs, now());
        if (next === null) return;
        // `tries` counts the failures so far: this is try tries + 1.
        await tryAgain(next.deliveryId, next.event, next.payload, next.tries);
      }
    },
    stop() {
      stopped = true;
    },
  };
}
