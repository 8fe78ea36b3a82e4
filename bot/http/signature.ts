/**
 * The outcomes endpoint's authentication: an HMAC-SHA256 of the raw request body with the shared
 * secret (TRANCHE_OUTCOMES_SECRET), sent as `X-Tranche-Signature-256: sha256=<hex>` the way
 * GitHub signs webhooks. It proves both who sent the body and that nobody changed it; compared in
 * constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-tranche-signature-256';

/** `sha256=<hex>` of `body` under `secret`. */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Whether `signature` is the body's under `secret`; false for a missing or malformed one. */
export function signatureMatches(secret: string, body: Buffer, signature: string | undefined): boolean {
  if (signature === undefined || !/^sha256=[0-9a-f]{64}$/.test(signature)) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
