/**
 * Who is signed in to the bot's dashboard: a session cookie the bot signs (signed-cookie.ts)
 * holding the person's GitHub login, a session id and the session's CSRF token, good for
 * SESSION_MS. No GitHub token is kept: the user's token proves who they are once, at sign-in;
 * what they may see and do is asked of GitHub with the app's installation token (access.ts).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { readSignedCookie, signedValue } from './signed-cookie.ts';

export const SESSION_COOKIE = 'tranche_dashboard_session';
/** How long a sign-in lasts. */
export const SESSION_MS = 8 * 60 * 60 * 1000;

const sessionSchema = z.object({
  login: z.string().min(1),
  sid: z.string().min(16),
  csrf: z.string().min(16),
  exp: z.number(),
});
export type Session = z.infer<typeof sessionSchema>;

export function newSession(login: string, now: number): Session {
  return { login, sid: randomToken(), csrf: randomToken(), exp: now + SESSION_MS };
}

export function sessionCookieValue(key: Buffer, session: Session): string {
  return signedValue(key, SESSION_COOKIE, session);
}

/** The request's session; undefined when there is none, it is forged, or it has expired. */
export function readSession(request: IncomingMessage, key: Buffer, now: number): Session | undefined {
  return readSignedCookie(request, key, SESSION_COOKIE, sessionSchema, now);
}

/** 32 random bytes, URL-safe. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}
