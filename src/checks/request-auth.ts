/**
 * A check's HTTP credentials and headers (RequestAuth), made into request headers with their
 * secrets read from the environment when the check runs, and a fetch that sends them.
 */
import type { RequestAuth } from './check-specs.ts';
import type { FetchLike } from './http.ts';

export type MadeHeaders = { ok: true; headers: Record<string, string> } | { ok: false; message: string };

/** The headers `auth` asks for, or why they cannot be made (a variable that is not set, named). */
export function requestHeaders(
  auth: RequestAuth | undefined,
  env: Record<string, string | undefined>,
): MadeHeaders {
  const headers: Record<string, string> = {};
  const missing: string[] = [];
  const read = (name: string, what: string): string => {
    const value = env[name];
    if (value === undefined || value === '') missing.push(`${name} (${what})`);
    return value ?? '';
  };
  for (const [header, value] of Object.entries(auth?.headers ?? {})) {
    headers[header] = typeof value === 'string' ? value : read(value.env, `header ${header}`);
  }
  if (auth?.basic) {
    const password = read(auth.basic.passwordEnv, 'the basic auth password');
    headers.authorization = `Basic ${Buffer.from(`${auth.basic.username}:${password}`).toString('base64')}`;
  }
  if (auth?.bearer) headers.authorization = `Bearer ${read(auth.bearer.tokenEnv, 'the bearer token')}`;
  if (missing.length > 0) {
    const variables = missing.length === 1 ? 'variable' : 'variables';
    return {
      ok: false,
      message: `cannot authenticate: the environment ${variables} ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set`,
    };
  }
  return { ok: true, headers };
}

/** `fetchImpl` sending `headers` too, under whatever headers the caller sets itself. */
export function withHeaders(fetchImpl: FetchLike, headers: Record<string, string>): FetchLike {
  if (Object.keys(headers).length === 0) return fetchImpl;
  return (input, init) => {
    const merged = new Headers(headers);
    new Headers(init.headers).forEach((value, name) => {
      merged.set(name, value);
    });
    return fetchImpl(input, { ...init, headers: Object.fromEntries(merged) });
  };
}
