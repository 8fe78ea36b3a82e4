/**
 * The outcomes endpoint's authentication: an HMAC-SHA256 of the raw request body, sent as
 * `X-Tranche-Signature-256: sha256=<hex>` the way GitHub signs webhooks. It proves both who sent
 * the body and that nobody changed it; compared in constant time. The key is either the secret
 * itself (TRANCHE_OUTCOMES_SECRET, good for every repository) or the repository's own key, the
 * hex HMAC-SHA256 of its lowercased `owner/repo` under the secret, good only for bodies naming
 * that repository: give a repository's jobs its own key, and a leaked one reports for it alone.
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

/** The key a repository's jobs sign with: hex HMAC-SHA256 of the lowercased `owner/repo` under `secret`. */
export function repositoryKey(secret: string, repository: string): string {
  return createHmac('sha256', secret).update(repository.toLowerCase()).digest('hex');
}

/**
 * Whether `signature` is the body's under the secret, or under the key of the repository the
 * body names (its `repository` field; a body that is not JSON names none).
 */
export function outcomesSignatureMatches(
  secret: string,
  body: Buffer,
  signature: string | undefined,
): boolean {
  if (signatureMatches(secret, body, signature)) return true;
  const repository = repositoryNamed(body);
  return repository !== undefined && signatureMatches(repositoryKey(secret, repository), body, signature);
}

function repositoryNamed(body: Buffer): string | undefined {
  try {
    const repository = (JSON.parse(body.toString('utf8')) as { repository?: unknown } | null)?.repository;
    return typeof repository === 'string' ? repository : undefined;
  } catch {
    return undefined;
  }
}
