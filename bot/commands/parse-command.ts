/**
 * A pull request comment → a command, pure. The command is the comment's first line: the prefix,
 * a word, and its arguments split on spaces (later lines are free text, ignored). A comment that
 * does not start with the prefix and a word is not a command (null); an unknown word, bad
 * arguments or a command glued to punctuation are a ParseFailure whose message says what was
 * wrong and what was meant.
 */
import leven, { closestMatch } from 'leven';
import { userText } from '../render/user-text.ts';
import { type Command, commandSchema } from './command-schema.ts';
import { COMMAND_NAMES, COMMANDS, type CommandName, isCommandName } from './registry.ts';

export interface ParseFailure {
  /** The word after the prefix, lower-cased. */
  word: string;
  /** The known command it is (or is closest to), for the usage line; undefined when none is close. */
  command: CommandName | undefined;
  message: string;
}

export type ParseResult = { ok: true; command: Command } | { ok: false; failure: ParseFailure };

/** Edits (letters added, removed or changed) within which an unknown word is taken for a typo. */
const TYPO_DISTANCE = 2;

/** The comment's command, a failure to explain, or null when the comment is not a command at all. */
export function parseCommand(body: string, prefix: string): ParseResult | null {
  const line = body.trimStart().split(/\r?\n/, 1)[0]?.trim() ?? '';
  if (!line.startsWith(prefix)) return null;
  const match = /^([A-Za-z][A-Za-z-]*)(.*)$/.exec(line.slice(prefix.length));
  if (!match) return null;
  const word = (match[1] as string).toLowerCase();
  const after = match[2] as string;
  if (after !== '' && !/^\s/.test(after)) return glued(word, after, prefix);
  const args = after.split(/\s+/).filter((a) => a !== '');
  if (!isCommandName(word)) {
    const close = typoOf(word);
    const hint = close ? `did you mean \`${prefix}${close}\`?` : `\`${prefix}help\` lists the commands`;
    return fail(word, close, `${userText(prefix + word)} is not a command; ${hint}`);
  }
  const candidate = CANDIDATES[word](args);
  if ('problem' in candidate) return fail(word, word, String(candidate.problem));
  const parsed = commandSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, command: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${argumentName(issue.path)}: ${issue.message}`);
  return fail(word, word, problems.join('; '));
}

/** The command `word` is a typo of, if any. */
function typoOf(word: string): CommandName | undefined {
  const guess = closestMatch(word, COMMAND_NAMES, { maxDistance: TYPO_DISTANCE });
  return guess !== undefined && distanceOk(word, guess) ? (guess as CommandName) : undefined;
}

/** closestMatch caps the distance it reports; a word shorter than the cap matches anything. */
function distanceOk(word: string, guess: string): boolean {
  return word.length > TYPO_DISTANCE || guess.startsWith(word);
}

/**
 * A word with punctuation where the space belongs (`/deploy: production`, `/deploy.production`):
 * a failure when the word is a command or a clear typo of one, else not a command at all, so a
 * path like `/usr/bin` or a `/s.` stays silent. A clear typo is one whose edits are fewer than
 * half its letters (`deplyo`, not `lol` for lock). The rest of the line is not echoed.
 */
function glued(word: string, after: string, prefix: string): ParseResult | null {
  if (!/^[!-/:-@[-`{-~]/.test(after)) return null;
  const spacing = 'takes its arguments after a space, not punctuation';
  if (isCommandName(word)) return fail(word, word, `\`${prefix}${word}\` ${spacing}`);
  const typo = typoOf(word);
  if (typo === undefined || 2 * leven(word, typo) >= word.length) return null;
  return fail(
    word,
    typo,
    `${userText(prefix + word)} is not a command; did you mean \`${prefix}${typo}\`? It ${spacing}`,
  );
}

function fail(word: string, command: CommandName | undefined, message: string): ParseResult {
  return { ok: false, failure: { word, command, message } };
}

function argumentName(path: readonly PropertyKey[]): string {
  const last = path.at(-1);
  return last === undefined || last === 'target' ? 'the arguments' : String(last);
}

type Candidate = Record<string, unknown> | { problem: string };

/** Each command's grammar: its words → the object its schema checks, or what is missing. */
const CANDIDATES: Record<CommandName, (args: string[]) => Candidate> = {
  deploy(args) {
    const rest = args[0]?.toLowerCase() === 'to' ? args.slice(1) : args;
    const [environment, version, ...extra] = rest;
    if (environment === undefined) return { problem: 'name the environment to deploy to' };
    if (extra.length > 0) return tooMany(extra);
    return { name: 'deploy', environment, ...(version !== undefined ? { version } : {}) };
  },
  noop(args) {
    const [environment, ...extra] = args;
    if (environment === undefined) return { problem: 'name the environment to plan a deploy to' };
    if (extra.length > 0) return tooMany(extra);
    return { name: 'noop', environment };
  },
  rollback(args) {
    const [environment, ...rest] = args;
    if (environment === undefined) return { problem: 'name the environment to roll back' };
    const versionWords = rest[0]?.toLowerCase() === 'to' ? rest.slice(1) : rest;
    if (rest.length > 0 && versionWords.length === 0) return { problem: 'name the version after `to`' };
    const [version, ...extra] = versionWords;
    if (extra.length > 0) return tooMany(extra);
    return { name: 'rollback', environment, ...(version !== undefined ? { version } : {}) };
  },
  lock(args) {
    const words = lockWords(args, ['--global', '--once']);
    if ('problem' in words) return words;
    return {
      name: 'lock',
      target: words.target,
      once: words.flags.has('--once'),
      ...withReason(words.rest),
    };
  },
  unlock(args) {
    const words = lockWords(args, ['--global']);
    if ('problem' in words) return words;
    if (words.rest.length > 0) return tooMany(words.rest);
    return { name: 'unlock', target: words.target };
  },
  promote(args) {
    const [version, ...rest] = args;
    if (version === undefined) return { problem: 'name the version to promote' };
    if (rest.length === 0) return { name: 'promote', version };
    if (rest[0]?.toLowerCase() !== 'to') return tooMany(rest);
    const [to, ...extra] = rest.slice(1);
    if (to === undefined) return { problem: 'name the track after `to`' };
    if (extra.length > 0) return tooMany(extra);
    return { name: 'promote', version, to };
  },
  hold(args) {
    const [track, ...rest] = args;
    if (track === undefined) return { problem: 'name the track to hold' };
    return { name: 'hold', track, ...withReason(rest) };
  },
  unhold(args) {
    const [track, ...extra] = args;
    if (track === undefined) return { problem: 'name the track whose hold to lift' };
    if (extra.length > 0) return tooMany(extra);
    return { name: 'unhold', track };
  },
  'mark-bad'(args) {
    const [version, ...rest] = args;
    if (version === undefined) return { problem: 'name the version to mark bad' };
    return { name: 'mark-bad', version, ...withReason(rest) };
  },
  'mark-good'(args) {
    const [version, ...rest] = args;
    if (version === undefined) return { problem: 'name the version to mark good' };
    return { name: 'mark-good', version, ...withReason(rest) };
  },
  status(args) {
    const [environment, ...extra] = args;
    if (extra.length > 0) return tooMany(extra);
    return { name: 'status', ...(environment !== undefined ? { environment } : {}) };
  },
  help(args) {
    const [topic, ...extra] = args;
    if (extra.length > 0) return tooMany(extra);
    return {
      name: 'help',
      ...(topic !== undefined ? { topic: topic.replace(/^\W+/, '').toLowerCase() } : {}),
    };
  },
};

/**
 * The target of /lock and /unlock and their options: options and the environment come first, in
 * any order (`--once production` or `production --once`); whatever follows is the rest (a reason).
 */
function lockWords(
  args: string[],
  known: readonly string[],
): { target: Record<string, unknown>; flags: Set<string>; rest: string[] } | { problem: string } {
  const flags = new Set<string>();
  let environment: string | undefined;
  let i = 0;
  for (; i < args.length; i++) {
    const word = args[i] as string;
    if (word.startsWith('--')) {
      const flag = word.toLowerCase();
      if (!known.includes(flag))
        return { problem: `unknown option ${userText(word)}; the options are ${known.join(', ')}` };
      flags.add(flag);
    } else if (environment === undefined && !flags.has('--global')) environment = word;
    else break;
  }
  const global = flags.has('--global');
  if (global && environment !== undefined) return { problem: 'name an environment or --global, not both' };
  if (!global && environment === undefined)
    return { problem: 'name the environment, or --global for all of them' };
  const target = global ? { scope: 'global' } : { scope: 'environment', environment };
  return { target, flags, rest: args.slice(i) };
}

/** The words after a command's arguments, as its reason (none when there are none). */
function withReason(rest: string[]): { reason?: string } {
  const reason = rest.join(' ');
  return reason === '' ? {} : { reason };
}

function tooMany(extra: string[]): { problem: string } {
  return {
    problem: `unexpected ${extra.length === 1 ? 'argument' : 'arguments'} ${userText(extra.join(' '))}`,
  };
}

/** The usage line of a command, with the prefix. */
export function usageOf(command: CommandName, prefix: string): string {
  return `${prefix}${COMMANDS[command].usage}`;
}
