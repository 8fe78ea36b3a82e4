/**
 * Cookies the bot signs and reads back: a JSON value, checked by a zod schema, signed with
 * HMAC-SHA256 under a key of the dashboard's own (derived from the secret it is given) over the
 * cookie's name and value, so one cookie cannot stand in for another. A value whose signature does
 * not match, that does not parse, or whose `exp` has passed reads as absent.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';

/** What every signed value carries: when it stops being good (epoch milliseconds). */
export interface Expiring {
  exp: number;
}

/** The dashboard's signing key: a purpose-bound derivation, so the secret itself signs nothing. */
export function cookieKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('tranche dashboard cookies v1').digest();
}

/** `name=value` for Set-Cookie, with the attributes every dashboard cookie has. */
export function setCookie(
  name: string,
  value: string,
  options: { path: string; secure: boolean; maxAgeSeconds: number },
): string {
  return [
    `${name}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearCookie(name: string, options: { path: string; secure: boolean }): string {
  return setCookie(name, '', { ...options, maxAgeSeconds: 0 });
}

export function signedValue<T extends Expiring>(key: Buffer, name: string, value: T): string {
  const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${payload}.${mac(key, name, payload)}`;
}

/** The cookie `name` of the request, when it is signed by `key`, fits `schema` and has not expired. */
export function readSignedCookie<T extends Expiring>(
  request: IncomingMessage,
  key: Buffer,
  name: string,
  schema: z.ZodType<T>,
  now: number,
): T | undefined {
  const raw = cookieValue(request, name);
  const dot = raw?.indexOf('.') ?? -1;
  if (raw === undefined || dot < 0) return undefined;
  const payload = raw.slice(0, dot);
  const given = Buffer.from(raw.slice(dot + 1), 'base64url');
  const expected = Buffer.from(mac(key, name, payload), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success && parsed.data.exp > now ? parsed.data : undefined;
}

function mac(key: Buffer, name: string, payload: string): string {
  return createHmac('sha256', key).update(`${name}=${payload}`).digest('base64url');
}

/** The first cookie called `name` in the request's Cookie header. */
function cookieValue(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
