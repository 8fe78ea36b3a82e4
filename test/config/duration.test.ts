import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN, parseDuration, tryParseDuration } from '../../src/config/duration.ts';
import { formatDuration } from '../../src/engine/format-duration.ts';

describe('durations', () => {
  describe('parseDuration', () => {
    it.each([
      ['300ms', 300],
      ['30s', 30_000],
      ['2m', 120_000],
      ['1h', 3_600_000],
      ['1m30s', 90_000],
      ['1h2m3s4ms', 3_723_004],
      ['1.5s', 1500],
      ['0s', 0],
      ['45', 45_000],
    ])('reads %s as %i ms', (text, ms) => {
      expect(parseDuration(text)).toBe(ms);
    });

    it('reads a bare number as seconds', () => {
      expect(parseDuration(30)).toBe(30_000);
      expect(parseDuration(0.25)).toBe(250);
    });

    it.each(['', 'abc', '1x', '-5s', '30s1m', '1s1s', 's', '1 m', '2mss', '1.s'])(
      'rejects %j with a RangeError naming the accepted forms',
      (text) => {
        expect(() => parseDuration(text)).toThrow(RangeError);
        expect(() => parseDuration(text)).toThrow('expected a duration like 30s, 2m or 300ms');
      },
    );

    it('rejects negative and infinite numbers', () => {
      expect(() => parseDuration(-1)).toThrow(RangeError);
      expect(() => parseDuration(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    });
  });

  describe('tryParseDuration', () => {
    it('returns undefined instead of throwing', () => {
      expect(tryParseDuration('soon')).toBeUndefined();
      expect(tryParseDuration(true)).toBeUndefined();
      expect(tryParseDuration('2m')).toBe(120_000);
    });
  });

  describe('DURATION_PATTERN', () => {
    it('accepts exactly the strings parseDuration accepts', () => {
      const pattern = new RegExp(DURATION_PATTERN);
      for (const text of ['300ms', '1m30s', '45', '1.5h', 'abc', '30s1m', '2mss', '']) {
        expect(pattern.test(text), text).toBe(tryParseDuration(text) !== undefined);
      }
    });
  });

  describe('formatDuration', () => {
    it.each([
      [0, '0s'],
      [300, '300ms'],
      [30_000, '30s'],
      [90_000, '1m30s'],
      [3_600_000, '1h'],
      [1500, '1s500ms'],
      [3_723_004, '1h2m3s4ms'],
    ])('writes %i ms as %s', (ms, text) => {
      expect(formatDuration(ms)).toBe(text);
    });

    it('writes what parseDuration reads back to the same number', () => {
      for (const ms of [0, 1, 999, 1000, 61_001, 7_200_000, 5_025_500]) {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }
    });

    it('refuses a negative duration', () => {
      expect(() => formatDuration(-1)).toThrow(RangeError);
    });
  });
});
