/** The bot's webhooks waiting to be handed to its handlers again (redeliveries.ts stores them). */

/** A webhook whose handlers failed, as kept to be received again. */
export interface WebhookRedelivery {
  /** GitHub's `X-GitHub-Delivery`: one row per delivery. */
  deliveryId: string;
  /** `X-GitHub-Event`. */
  event: string;
  /** The webhook's payload as JSON text. */
  payload: string;
  /**
   * Its tries so far, GitHub's delivery the first: kept after that one failed, 1; as claimed, the
   * number of the try the claimant makes (a claim counts it, whether or not the try ends).
   */
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
   * Claims the redelivery due soonest by `now` for `holder` until `now + leaseMs`, counting a try:
   * one no other holder has claimed, or whose claim ran out (its holder died, or is still at it).
   * Of concurrent claimants, each gets a different one.
   */
  claimRedelivery(holder: string, leaseMs: number, now: number): Promise<WebhookRedelivery | null>;
  /** The holder's claimed redelivery failed again: it waits until `dueAt`, unclaimed. */
  retryRedelivery(deliveryId: string, holder: string, dueAt: number): Promise<void>;
  /** The holder's claimed redelivery is done with: handled, or tried for the last time. */
  dropRedelivery(deliveryId: string, holder: string): Promise<void>;
}
