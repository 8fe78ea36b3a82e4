/**
 * The config loader given generated tranche.yml files: the contract's example and the demo's file
 * with lines removed, repeated, re-indented, cut short or given hostile values; YAML of generated
 * documents near the schema; and any text. For every input it returns a config or throws a
 * ConfigError whose every issue is a position inside the file and a short message; nothing else
 * escapes, whatever the input.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, formatIssue } from '../../src/config/errors.ts';
import { parseConfig } from '../../src/config/load.ts';
import { word } from '../bot/fuzz/hostile-text.ts';
import { EXAMPLE } from '../config/example.ts';
import { fuzzRuns, fuzzTimeout } from '../support/fuzz-runs.ts';

const QUICK = 300;
const FILE = 'tranche.yml';
const DEMO = readFileSync(new URL('../../examples/local-fleet/tranche.yml', import.meta.url), 'utf8');

/** Values a careless or hostile author writes where a value goes. */
const value = fc.oneof(
  word,
  fc.constantFrom(
    '-1',
    '0',
    '1e309',
    '0x10',
    'null',
    '~',
    'true',
    '[]',
    '{}',
    '"unterminated',
    '*undefined_alias',
    '&anchor x',
    '!!binary aGk=',
    '!!js/function "x"',
    '$(rm -rf /)',
    '`id`',
    '{target}',
    'http://user:secret@host/',
    '10 parsecs',
    '\t',
  ),
  fc.jsonValue().map((v) => JSON.stringify(v)),
);

type Edit =
  | { kind: 'drop' | 'repeat' | 'indent' | 'dedent'; line: number }
  | { kind: 'value'; line: number; value: string }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; text: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('drop' as const, 'repeat' as const, 'indent' as const, 'dedent' as const),
    line: fc.nat(),
  }),
  fc.record({ kind: fc.constant('value' as const), line: fc.nat(), value }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(word, fc.constantFrom(':', '- ', '\n', '  ', '#', '"', "'", '|', '>', '? ', '<<: *a')),
  }),
);

function applyEdit(text: string, e: Edit): string {
  if (e.kind === 'cut') return text.slice(0, e.at % (text.length + 1));
  if (e.kind === 'insert') {
    const at = e.at % (text.length + 1);
    return text.slice(0, at) + e.text + text.slice(at);
  }
  const lines = text.split('\n');
  const i = e.line % lines.length;
  const line = lines[i] ?? '';
  switch (e.kind) {
    case 'drop':
      lines.splice(i, 1);
      break;
    case 'repeat':
      lines.splice(i, 0, line);
      break;
    case 'indent':
      lines[i] = `  ${line}`;
      break;
    case 'dedent':
      lines[i] = line.replace(/^ {1,2}/, '');
      break;
    case 'value': {
      const colon = line.indexOf(': ');
      lines[i] = colon === -1 ? `${line} ${e.value}` : `${line.slice(0, colon + 2)}${e.value}`;
      break;
    }
  }
  return lines.join('\n');
}

const edited = fc
  .tuple(fc.constantFrom(EXAMPLE, DEMO), fc.array(edit, { minLength: 1, maxLength: 4 }))
  .map(([text, edits]) => edits.reduce(applyEdit, text));

/** Documents shaped like a config, with generated values anywhere in them. */
const shaped = fc
  .record(
    {
      service: fc.oneof(word, fc.jsonValue()),
      version: fc.oneof(fc.constantFrom('1.{n}', '{n}', 'v'), word),
      environments: fc.dictionary(
        fc.oneof(fc.constantFrom('production', 'staging'), word),
        fc.record(
          {
            components: fc.array(
              fc.record(
                {
                  name: fc.oneof(fc.constant('app'), word),
                  targets: fc.oneof(
                    fc.array(fc.oneof(word, fc.jsonValue()), { maxLength: 4 }),
                    fc.jsonValue(),
                  ),
                  deploy: fc.oneof(fc.constant('./deploy.sh'), word, fc.jsonValue()),
                  rollout: fc.oneof(
                    fc.record(
                      { first: fc.jsonValue(), growth: fc.jsonValue(), bake: fc.oneof(word, fc.jsonValue()) },
                      { requiredKeys: [] },
                    ),
                    fc.jsonValue(),
                  ),
                  checks: fc.oneof(fc.array(word, { maxLength: 3 }), fc.jsonValue()),
                },
                { requiredKeys: [] },
              ),
              { maxLength: 3 },
            ),
          },
          { requiredKeys: [] },
        ),
        { maxKeys: 3 },
      ),
      checks: fc.dictionary(word, fc.jsonValue(), { maxKeys: 3 }),
      extra: fc.jsonValue(),
    },
    { requiredKeys: [] },
  )
  .map((doc) => stringify(doc));

const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 400 }),
  fc.string({ unit: 'binary', maxLength: 400 }),
);

function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

/** Returns, or throws a ConfigError of positions in the file; anything else fails the case. */
function checkLoad(text: string): 'loaded' | 'refused' {
  try {
    parseConfig(text, FILE);
    return 'loaded';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(issue.file).toBe(FILE);
      expect(issue.line).toBeGreaterThanOrEqual(1);
      expect(issue.line).toBeLessThanOrEqual(lineCount(text) + 1);
      expect(issue.column).toBeGreaterThanOrEqual(1);
      expect(issue.message.length).toBeGreaterThan(0);
      expect(formatIssue(issue)).toMatch(/^tranche\.yml:\d+:\d+[ :]/);
      // Short enough to read in a terminal or an annotation, whatever the value that caused it.
      expect(formatIssue(issue).length).toBeLessThan(2_000);
    }
    return 'refused';
  }
}

describe('the config loader, given generated files', () => {
  it('loads the example and the demo as they are', () => {
    expect(checkLoad(EXAMPLE)).toBe('loaded');
    expect(checkLoad(DEMO)).toBe('loaded');
  });

  it('refuses an edited file with positions inside it, or loads it', {
    timeout: fuzzTimeout(QUICK, 20),
  }, () => {
    const seen = { loaded: 0, refused: 0 };
    fc.assert(
      fc.property(edited, (text) => {
        seen[checkLoad(text)] += 1;
      }),
      fuzzRuns(QUICK),
    );
    expect(seen.loaded).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it('refuses documents shaped like a config, and any text, with positions inside them', {
    timeout: fuzzTimeout(QUICK, 20),
  }, () => {
    fc.assert(
      fc.property(fc.oneof(shaped, anyText), (text) => {
        checkLoad(text);
      }),
      fuzzRuns(QUICK),
    );
  });

  it('refuses a billion laughs of aliases instead of expanding them', () => {
    const laughs = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...Array.from({ length: 8 }, (_, i) => {
        const name = String.fromCharCode(98 + i);
        const prev = String.fromCharCode(97 + i);
        return `${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`;
      }),
      'service: *i',
    ].join('\n');
    expect(checkLoad(laughs)).toBe('refused');
  });
});
