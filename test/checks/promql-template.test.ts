import { describe, expect, it } from 'vitest';
import { fillQuery, quoteMeta } from '../../src/checks/promql-template.ts';

const values = {
  strings: { target: 'web-1', 'labels.zone': 'eu "west"\\1' },
  lists: { targets: ['web.1', 'web-2'] },
  tokens: { window: '93s' },
};

function filled(template: string): string {
  const result = fillQuery(template, values);
  if (!result.ok) throw new Error(result.message);
  return result.query;
}

describe('fillQuery', () => {
  describe('a single value', () => {
    it('goes into a double-quoted label value as it is when it needs no escaping', () => {
      expect(filled('up{instance="{target}"}')).toBe('up{instance="web-1"}');
    });

    it('has quotes, backslashes and control characters escaped for the literal it stands in', () => {
      expect(filled('up{zone="{labels.zone}"}')).toBe('up{zone="eu \\"west\\"\\\\1"}');
      expect(filled("up{zone='{labels.zone}'}")).toBe('up{zone=\'eu "west"\\\\1\'}');
      const result = fillQuery('up{x="{target}"}', { strings: { target: 'a\nb\u0001' } });
      expect(result).toEqual({ ok: true, query: 'up{x="a\\nb\\x01"}' });
    });

    it('is regex-escaped first after =~ or !~', () => {
      expect(filled('up{instance=~"{target}:.*"}')).toBe('up{instance=~"web-1:.*"}');
      const dotted = fillQuery('up{instance!~ "{target}"}', { strings: { target: 'a.b' } });
      expect(dotted).toEqual({ ok: true, query: 'up{instance!~ "a\\\\.b"}' });
    });

    it('cannot hold a backtick inside a raw string', () => {
      const result = fillQuery('up{x=`{target}`}', { strings: { target: 'a`b' } });
      expect(result).toMatchObject({ ok: false, message: expect.stringContaining('backtick') });
    });
  });

  describe('a list', () => {
    it('becomes a grouped alternation of regex-escaped values in a regex matcher', () => {
      expect(filled('sum(x{target=~"{targets}"})')).toBe('sum(x{target=~"(?:web\\\\.1|web-2)"})');
      expect(filled('sum(x{target=~`{targets}`})')).toBe('sum(x{target=~`(?:web\\.1|web-2)`})');
    });

    it('is refused in a plain label value', () => {
      expect(fillQuery('x{target="{targets}"}', values)).toMatchObject({
        ok: false,
        message: expect.stringContaining('use it in a regex matcher'),
      });
    });
  });

  describe('a duration', () => {
    it('goes outside quotes', () => {
      expect(filled('increase(x[{window}])')).toBe('increase(x[93s])');
    });

    it('is refused inside quotes', () => {
      expect(fillQuery('x{a="{window}"}', values)).toMatchObject({
        ok: false,
        message: expect.stringContaining('outside quotes'),
      });
    });
  });

  it('refuses a value placed outside quotes, where it could change the query', () => {
    expect(fillQuery('x{instance={target}}', values)).toMatchObject({
      ok: false,
      message: expect.stringContaining('must stand inside a quoted label value'),
    });
  });

  it('refuses an unknown placeholder, naming the known ones', () => {
    const result = fillQuery('x{a="{tagret}"}', values);
    expect(result).toMatchObject({
      ok: false,
      message: expect.stringContaining('unknown placeholder {tagret}; known: {target}'),
    });
  });

  it('names a label the target does not have', () => {
    expect(fillQuery('x{zone="{labels.region}"}', values)).toEqual({
      ok: false,
      message: 'query x{zone="{labels.region}"}: the target has no label "region" for {labels.region}',
    });
  });

  it('leaves label matchers, regex quantifiers and escaped quotes alone', () => {
    expect(filled('x{job="a\\"b", n=~"[0-9]{2}", m=~\'{target}\'}')).toBe(
      'x{job="a\\"b", n=~"[0-9]{2}", m=~\'web-1\'}',
    );
  });
});

describe('quoteMeta', () => {
  it('escapes RE2 metacharacters as Go does', () => {
    expect(quoteMeta('a.b*c+(d)|[e]{f}^$\\?')).toBe('a\\.b\\*c\\+\\(d\\)\\|\\[e\\]\\{f\\}\\^\\$\\\\\\?');
  });
});
