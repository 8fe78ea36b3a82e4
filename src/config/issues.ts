/**
 * zod issues turned into one finding per problem: unknown keys split per key, and a failed
 * union narrowed to the form the author evidently meant.
 */
import type { z } from 'zod';
import type { ConfigPath } from './errors.ts';

type ZodIssue = z.core.$ZodIssue;

export interface Finding {
  path: ConfigPath;
  message: string;
  /** What to point at: the value at path, the key at path, or the mapping that lacks path's last key. */
  at: 'value' | 'key' | 'parent';
}

export function findingsOf(issues: readonly ZodIssue[], base: ConfigPath = []): Finding[] {
  return issues.flatMap((issue) => findingsOfIssue(issue, [...base, ...toConfigPath(issue.path)]));
}

function findingsOfIssue(issue: ZodIssue, path: ConfigPath): Finding[] {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const messages = issue.message.split('\n');
      return issue.keys.map((key, i) => ({
        path: [...path, key],
        message: messages[i] ?? messages[0] ?? '',
        at: 'key',
      }));
    }
    case 'invalid_union': {
      const branch = intendedBranch(issue.errors);
      return branch ? findingsOf(branch, path) : [{ path, message: issue.message, at: 'value' }];
    }
    default:
      return [{ path, message: issue.message, at: isMissing(issue) ? 'parent' : 'value' }];
  }
}

function toConfigPath(path: readonly PropertyKey[]): ConfigPath {
  return path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
}

function isMissing(issue: ZodIssue): boolean {
  return issue.code === 'invalid_type' && issue.input === undefined && issue.path.length > 0;
}

/**
 * The union option that went furthest: the one with the fewest problems at its own level
 * (wrong type, unknown or missing keys). Undefined when two options tie, so the union's own
 * message ("exactly one of http or command") explains the choice instead.
 */
function intendedBranch(branches: readonly (readonly ZodIssue[])[]): readonly ZodIssue[] | undefined {
  const scored = branches.map((issues) => ({ issues, score: shallowProblems(issues) }));
  scored.sort((a, b) => a.score - b.score);
  const [best, runnerUp] = scored;
  if (!best || (runnerUp && best.score >= runnerUp.score)) return undefined;
  return mixesForms(best.issues, branches) ? undefined : best.issues;
}

/**
 * The input holds the keys of two forms (a check with both `command` and `http`): a key the
 * likeliest form calls unknown is one another form knows. The union's own message says that only
 * one is allowed, where the likeliest form would call the other's key a typo.
 */
function mixesForms(best: readonly ZodIssue[], branches: readonly (readonly ZodIssue[])[]): boolean {
  const unknown = rootUnknownKeys(best);
  return branches.some(
    (other) =>
      other !== best &&
      !other.some((issue) => issue.path.length === 0 && issue.code === 'invalid_type') &&
      unknown.some((key) => !rootUnknownKeys(other).includes(key)),
  );
}

function rootUnknownKeys(issues: readonly ZodIssue[]): string[] {
  return issues.flatMap((issue) =>
    issue.path.length === 0 && issue.code === 'unrecognized_keys' ? issue.keys : [],
  );
}

function shallowProblems(issues: readonly ZodIssue[]): number {
  let score = 0;
  for (const issue of issues) {
    if (issue.path.length === 0 && issue.code === 'invalid_type') score += 100;
    else if (issue.path.length === 0 && issue.code === 'unrecognized_keys') score += issue.keys.length;
    else if (issue.path.length === 1 && isMissing(issue)) score += 1;
  }
  return score;
}
