/**
 * Durations as people write them in tranche.yml: `300ms`, `30s`, `2m`, `1h`, `1m30s`, or a bare
 * number of seconds. Units go from largest to smallest, each at most once.
 */

export const DURATION_HINT = 'expected a duration like 30s, 2m or 300ms';

const NUMBER = String.raw`\d+(?:\.\d+)?`;
const WITH_UNITS = `(?=\\d)(?:(${NUMBER})h)?(?:(${NUMBER})m(?!s))?(?:(${NUMBER})s)?(?:(${NUMBER})ms)?`;

/** Matches every string parseDuration accepts; also published in the JSON Schema. */
export const DURATION_PATTERN = `^(?:${NUMBER}|${WITH_UNITS})$`;

const SECONDS = new RegExp(`^${NUMBER}$`);
const UNITS = new RegExp(`^${WITH_UNITS}$`);
const UNIT_MS = [3_600_000, 60_000, 1000, 1] as const;

/**
 * The longest duration a configuration may give: 24 days (576h). Timers cannot wait longer
 * (Node.js fires a longer one at once), so a bake or timeout past it would end immediately.
 */
export const MAX_DURATION_MS = 24 * 86_400_000;
export const DURATION_TOO_LONG = 'expected a duration of at most 576h (24 days)';

/** Milliseconds in a duration; a number (or a string of digits) counts seconds. Throws a RangeError when invalid. */
export function parseDuration(value: string | number): number {
  const ms = typeof value === 'number' ? secondsToMs(value) : parseText(value);
  if (ms === undefined) {
    throw new RangeError(`invalid duration ${JSON.stringify(value)}: ${DURATION_HINT}`);
  }
  return ms;
}

/** Like parseDuration, but undefined instead of an exception. */
export function tryParseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return secondsToMs(value);
  if (typeof value === 'string') return parseText(value);
  return undefined;
}

function secondsToMs(seconds: number): number | undefined {
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined;
}

function parseText(text: string): number | undefined {
  if (SECONDS.test(text)) return secondsToMs(Number(text));
  const match = UNITS.exec(text);
  if (!match) return undefined;
  let ms = 0;
  UNIT_MS.forEach((unit, i) => {
    const amount = match[i + 1];
    if (amount !== undefined) ms += Number(amount) * unit;
  });
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}
