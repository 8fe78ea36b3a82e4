/** The bot's webhooks waiting to be handed to its handlers again (redeliveries.ts stores them). */

/** A webhook whose handlers failed, as kept to be received again. */
export interface WebhookRedelivery {
  /** GitHub's `X-GitHub-Delivery`: one row per delivery. */
  deliveryId: string;
  /** `X-GitHub-Event`. */
  event: string;
  /** The webhook's payload as JSON text. */
  payload: string;
  /** How many times its handlers have failed. */
  tries: number;
  /** When it is to be received again, epoch ms. */
  dueAt: number;
}

/** What keeping a redelivery came to. */
export type RedeliveryKept = 'kept' | 'waiting already' | 'full';

export interface RedeliveryLedger {
  /**
   * Keeps a webhook to be received again at its `dueAt`, unless it waits already or `limit`
   * others wait (a long outage): those are not kept.
   */
  keepRedelivery(redelivery: WebhookRedelivery, limit: number): Promise<RedeliveryKept>;
  /**
   * Claims the redelivery due soonest by `now` for `holder` until `now + leaseMs`: one no other
   * holder has claimed, or whose claim ran out. Of concurrent claimants, one gets each.
   */
  claimRedelivery(holder: string, leaseMs: number, now: number): Promise<WebhookRedelivery | null>;
  /** The holder's claimed redelivery failed again: it waits until `dueAt`, unclaimed. */
  retryRedelivery(deliveryId: string, holder: string, tries: number, dueAt: number): Promise<void>;
  /** The holder's claimed redelivery is done with: handled, or tried for the last time. */
  dropRedelivery(deliveryId: string, holder: string): Promise<void>;
}
