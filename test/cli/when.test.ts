import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/runtime.ts';
import { parseAge, parseSince } from '../../src/cli/when.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

describe('parseAge', () => {
  it('reads days and weeks', () => {
    expect(parseAge('90d', '--keep')).toBe(90 * DAY);
    expect(parseAge('2w', '--keep')).toBe(14 * DAY);
    expect(parseAge('1.5d', '--keep')).toBe(1.5 * DAY);
  });

  it('reads hours, minutes, seconds and milliseconds as config durations do', () => {
    expect(parseAge('12h', '--keep')).toBe(12 * 3_600_000);
    expect(parseAge('1h30m', '--keep')).toBe(90 * 60_000);
    expect(parseAge('50ms', '--poll')).toBe(50);
  });

  it('refuses a bare number, naming the option', () => {
    expect(() => parseAge('90', '--keep')).toThrow(UsageError);
    expect(() => parseAge('90', '--keep')).toThrow(
      "--keep: expected an age such as 90d, 2w or 12h, got '90'",
    );
  });

  it('refuses words', () => {
    expect(() => parseAge('forever', '--keep')).toThrow(/--keep/);
  });
});

describe('parseSince', () => {
  it('reads an ISO 8601 date or time', () => {
    expect(parseSince('2026-11-01', '--since', NOW)).toBe(Date.UTC(2026, 10, 1));
    expect(parseSince('2026-11-01T12:00:00Z', '--since', NOW)).toBe(Date.UTC(2026, 10, 1, 12));
  });

  it('reads an age as that long before now', () => {
    expect(parseSince('7d', '--since', NOW)).toBe(NOW - 7 * DAY);
    expect(parseSince('12h', '--since', NOW)).toBe(NOW - 12 * 3_600_000);
  });

  it('refuses anything else, naming the option and both forms', () => {
    expect(() => parseSince('last tuesday', '--since', NOW)).toThrow(
      /^--since: expected a date such as 2026-11-01/,
    );
    // An age with a unit that is none still hears that a date would do.
    expect(() => parseSince('3x', '--since', NOW)).toThrow(
      "--since: expected a date such as 2026-11-01 or 2026-11-01T12:00:00Z, or an age such as 7d, got '3x'",
    );
  });
});
