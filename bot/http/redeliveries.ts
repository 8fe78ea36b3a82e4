/**
 * Webhooks whose handlers failed, handed to them again later by this process: the bot's own
 * redelivery. GitHub redelivers nothing by itself. A webhook whose handlers were still at work
 * after 9 s was answered 202, so GitHub shows it delivered (as when its API fails for longer than
 * Octokit retries); one answered 500 waits for someone to press Redeliver in the app's settings.
 * The handlers are safe to run again on the same event: they do what a redelivery from GitHub
 * does, the ledger's claim telling them what was done. So the route hands each failed event here,
 * and it is received again after 1, 5 and then 15 minutes, until its handlers succeed, and then
 * left with a log line. At most MAX_PENDING_REDELIVERIES wait at once (a long outage): the rest
 * are logged and left to GitHub's redelivery. Waiting ones are lost with the process, and dropped
 * by stop().
 */
import type { EmitterWebhookEvent } from '@octokit/webhooks';

/** How long after each failure the event is received again; then it is left. */
export const REDELIVERY_AFTER_MS: readonly number[] = [60_000, 5 * 60_000, 15 * 60_000];
const MAX_PENDING_REDELIVERIES = 1_000;

export interface Redeliveries {
  /** The event's handlers failed as GitHub delivered it. */
  failed(event: EmitterWebhookEvent): void;
  /** Drops what waits; nothing is received again after this. */
  stop(): void;
}

export interface RedeliveryOptions {
  afterMs?: readonly number[] | undefined;
  maxPending?: number | undefined;
}

export function redeliveries(
  receive: (event: EmitterWebhookEvent) => Promise<unknown>,
  log: { info(message: string): void; warn(message: string): void; error(message: string): void },
  { afterMs = REDELIVERY_AFTER_MS, maxPending = MAX_PENDING_REDELIVERIES }: RedeliveryOptions = {},
): Redeliveries {
  const waiting = new Set<NodeJS.Timeout>();
  let stopped = false;
  /** Receives `event` again after its `tries`-th failed try. */
  const later = (event: EmitterWebhookEvent, tries: number) => {
    if (stopped) return;
    const what = `webhook ${event.name} (delivery ${event.id})`;
    const delay = afterMs[tries - 1];
    if (delay === undefined) {
      log.error(
        `${what}: its handlers failed ${tries} times; not tried again (redeliver it from the app's settings)`,
      );
      return;
    }
    if (waiting.size >= maxPending) {
      log.warn(
        `${what}: its handlers failed; ${maxPending} webhooks already wait to be tried again, so not this one`,
      );
      return;
    }
    log.info(`${what}: its handlers failed; trying again in ${Math.round(delay / 1000)} s`);
    const timer = setTimeout(() => {
      waiting.delete(timer);
      receive(event).then(
        () => log.info(`${what}: handled at try ${tries + 1}`),
        () => later(event, tries + 1),
      );
    }, delay);
    timer.unref();
    waiting.add(timer);
  };
  return {
    failed: (event) => later(event, 1),
    stop() {
      stopped = true;
      for (const timer of waiting) clearTimeout(timer);
      waiting.clear();
    },
  };
}
