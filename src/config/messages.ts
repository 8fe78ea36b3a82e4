/**
 * Human wording for zod's issues. Schemas that know better set their own message; this map
 * covers the rest (missing keys, wrong types, bounds, enums, unknown keys).
 */
import type { z } from 'zod';

type RawIssue = z.core.$ZodRawIssue;

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

/** The zod error map used when parsing tranche.yml. */
export function humanMessage(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return invalidType(issue.expected, issue.input);
    case 'too_small':
      return bound('at least', '≥', issue.origin, issue.minimum, issue.inclusive);
    case 'too_big':
      return bound('at most', '≤', issue.origin, issue.maximum, issue.inclusive);
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'unrecognized_keys':
      return issue.keys.map((key) => unknownKey(key, knownKeys(issue.inst))).join('\n');
    case 'invalid_key':
      return 'invalid name';
    case 'invalid_union':
      return 'does not match any of the allowed forms';
    default:
      return undefined;
  }
}

function invalidType(expected: string, input: unknown): string {
  if (input === undefined) return 'required';
  return `expected ${TYPE_NAMES[expected] ?? expected}, got ${describeValue(input)}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    // Short: a file that is not a config at all would otherwise be repeated into the log.
    const text = JSON.stringify(value);
    return `the string ${text.length > 60 ? `${text.slice(0, 57)}..."` : text}`;
  }
  return String(value);
}

function bound(
  words: string,
  symbol: string,
  origin: string,
  limit: number | bigint | Date,
  inclusive: boolean | undefined,
): string {
  const value = Number(limit);
  if (origin === 'array' || origin === 'set')
    return `expected ${words} ${value} item${value === 1 ? '' : 's'}`;
  if (origin === 'string')
    return value === 1 && words === 'at least'
      ? 'must not be empty'
      : `expected ${words} ${value} characters`;
  const strict = inclusive === false ? symbol.replace('≥', '>').replace('≤', '<') : symbol;
  return `expected a number ${strict} ${value}`;
}

function knownKeys(inst: unknown): string[] {
  const shape = (inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
  return shape ? Object.keys(shape) : [];
}

function unknownKey(key: string, known: string[]): string {
  return `unknown key '${key}'${didYouMean(key, known)}`;
}

/** ` (did you mean 'health'?)` when one of `known` is close enough to `typed` to be a typo of it; else nothing. */
export function didYouMean(typed: string, known: readonly string[]): string {
  const suggestion = known.find((candidate) => isNear(typed, candidate));
  return suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
}

/**
 * Close enough to be a typo: the same ignoring case, or one edit per three letters (at least one),
 * two letters swapped counting as one edit (`frist`, `first`).
 */
function isNear(typed: string, known: string): boolean {
  if (typed.toLowerCase() === known.toLowerCase()) return true;
  return editDistance(typed, known) <= Math.max(1, Math.floor(known.length / 3));
}

/** Edits from a to b: insertions, deletions, substitutions and swaps of two neighbouring letters. */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (before[j - 2] ?? 0) + 1);
      current[j] = best;
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}
