/**
 * The generic webhook: the notice as JSON, signed so the receiver knows it came from someone
 * holding the secret and is fresh. Headers:
 *
 *   X-Tranche-Timestamp: <unix seconds when signed>
 *   X-Tranche-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the secret>
 *   X-Tranche-Delivery:  <id of this message, the same on every retry>
 *
 * A receiver recomputes the HMAC over the timestamp, a dot and the raw bytes of the body,
 * compares in constant time, and refuses a timestamp older than a few minutes (a replay).
 */
import { createHmac } from 'node:crypto';
import type { Notice } from './notice.ts';

export const WEBHOOK_SCHEMA_VERSION = 1;
export const SIGNATURE_HEADER = 'X-Tranche-Signature';
export const TIMESTAMP_HEADER = 'X-Tranche-Timestamp';
export const DELIVERY_HEADER = 'X-Tranche-Delivery';

export function webhookBody(notice: Notice): Record<string, unknown> {
  return {
    schemaVersion: WEBHOOK_SCHEMA_VERSION,
    event: notice.kind,
    service: notice.service,
    environments: notice.environments,
    version: notice.version,
    commit: notice.commit,
    who: notice.who,
    title: notice.title,
    detail: notice.detail,
    track: notice.track ?? null,
    runId: notice.runId ?? null,
    at: new Date(notice.at).toISOString(),
    links: Object.fromEntries(notice.links.map((l) => [l.rel, l.url])),
  };
}

/** `sha256=<hex>` over `<timestamp>.<body>`. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The headers that sign `body` at `nowMs`. */
export function signedHeaders(secret: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body),
  };
}
