/**
 * Credentials written into URLs (`https://user:password@host`) never leave a run: every event
 * (so the ledger, bundles, progress, the check run and its annotations, deployment statuses, the
 * job summary) and the result pass through here. A URL's userinfo becomes `***`; the rest stays.
 */

/** `scheme://userinfo@`: up to the last `@` before the host ends (a password may hold a raw `@`). */
const URL_USERINFO = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^\s/?#"'<>`]*@/g;

/** `text` with the userinfo of every URL in it masked. */
export function redactCredentials(text: string): string {
  return text.replace(URL_USERINFO, '$1***@');
}

/** A copy of `value` with redactCredentials applied to every string in its arrays and plain objects, keys included. */
export function redactDeep<T>(value: T): T {
  return redactValue(value) as T;
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactCredentials(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [redactCredentials(key), redactValue(inner)]),
    );
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
