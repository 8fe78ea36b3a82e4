/** Points in time and ages as commands take them: `--since 2026-11-01`, `--since 7d`, `--keep 90d`. */
import { tryParseDuration } from '../config/duration.ts';
import { UsageError } from './runtime.ts';

const DAYS = /^(\d+(?:\.\d+)?)(d|w)$/;
const BARE_NUMBER = /^\d+(?:\.\d+)?$/;

/** Milliseconds in an age such as 90d, 2w, 12h, 30m or 1h30m. */
export function parseAge(text: string, option: string): number {
  const days = DAYS.exec(text);
  if (days) return Math.round(Number(days[1]) * (days[2] === 'w' ? 7 : 1) * 86_400_000);
  const ms = BARE_NUMBER.test(text) ? undefined : tryParseDuration(text);
  if (ms === undefined)
    throw new UsageError(`${option}: expected an age such as 90d, 2w or 12h, got '${text}'`);
  return ms;
}

/** Epoch ms of a date (ISO 8601: 2026-11-01, 2026-11-01T12:00:00Z) or of an age before `now` (7d). */
export function parseSince(text: string, option: string, now: number): number {
  const neither = () =>
    new UsageError(
      `${option}: expected a date such as 2026-11-01 or 2026-11-01T12:00:00Z, or an age such as 7d, got '${text}'`,
    );
  if (/^\d+(?:\.\d+)?[a-z]+/i.test(text) && !/^\d{4}-/.test(text)) {
    try {
      return now - parseAge(text, option);
    } catch {
      throw neither();
    }
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw neither();
  return ms;
}
