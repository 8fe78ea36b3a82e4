/**
 * Who started a run, as the ledger keeps it. The name comes from whoever ran Tranche (`--actor`,
 * TRANCHE_ACTOR, GITHUB_ACTOR, the machine's user name: release/actor.ts), so it is user input:
 * stored without control characters and at most ACTOR_MAX_LENGTH characters long, and always
 * rendered escaped.
 */

/** GitHub logins are at most 39 characters; room for a display name or `name@host`. */
export const ACTOR_MAX_LENGTH = 100;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** The actor as stored: control characters dropped, trimmed, cut to the bound; null when nothing is left. */
export function storedActor(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = [...value.replace(CONTROL, '').trim()].slice(0, ACTOR_MAX_LENGTH).join('').trim();
  return text === '' ? null : text;
}
