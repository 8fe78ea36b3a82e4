/**
 * Generators of comments and text as a hostile or careless reader writes them, and the check
 * that a reply makes nothing of theirs live. Every hostile fragment names "evil", so a reply's
 * live part (live-markup.ts) must never contain that word.
 */
import fc from 'fast-check';
import { COMMAND_NAMES } from '../../../bot/commands/registry.ts';
import { liveParts } from '../harness/live-markup.ts';

const FRAGMENTS = [
  '[x](https://evil.example)',
  '![](https://evil.example/p.png)',
  '@evil-team',
  '<img src=https://evil.example/p.png>',
  '<a href="https://evil.example">x</a>',
  '<!-- evil',
  'https://evil.example/x',
  'www.evil.example',
  '`evil`',
  '``',
  '\\',
  '|evil|',
  '<details><summary>evil</summary>',
  '**evil**',
  '#12',
  ':evil:',
];

/** One word of a comment: a command's name, a hostile fragment, ordinary text, or a long run. */
export const word: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...COMMAND_NAMES, 'to', '--once', '--global', 'production', 'staging', '3', 'canary'),
  fc.constantFrom(...FRAGMENTS),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc
    .tuple(fc.constantFrom('a', '1', '`', 'evil '), fc.integer({ min: 100, max: 5000 }))
    .map(([s, n]) => s.repeat(n)),
);

const space = fc.constantFrom(' ', '  ', '\t', ' \u00a0 ');

/** A comment that starts like a command: the prefix, a word (often a command's), and arguments. */
export const commandComment: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('/', ' /', '\n/'),
    fc.oneof(fc.constantFrom(...COMMAND_NAMES), word),
    fc.array(fc.tuple(space, word), { maxLength: 6 }),
    fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
  )
  .map(
    ([prefix, name, args, later]) =>
      `${prefix}${name}${args.map(([s, w]) => `${s}${w}`).join('')}${later === undefined ? '' : `\n${later}`}`,
  );

/** Tags the bot's own replies use; any other tag in a reply's live part came from someone's text. */
const OWN_TAGS = new Set([
  'p',
  'code',
  'pre',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'h3',
  'strong',
  'em',
  'br',
  'ol',
  'ul',
  'li',
  'hr',
]);

/**
 * What in `reply` would be live markup of someone else's: empty when there is nothing. The bot
 * may mention only the logins in `mentions` (the commenter it answers).
 */
export function liveHostileMarkup(reply: string, mentions: readonly string[] = []): string[] {
  const live = liveParts(reply);
  const found: string[] = [];
  for (const [, tag] of live.matchAll(/<\/?([a-zA-Z][\w-]*)/g)) {
    if (!OWN_TAGS.has((tag as string).toLowerCase())) found.push(`<${tag}>`);
  }
  if (/evil/i.test(live)) found.push('the word evil, outside code');
  for (const [, login] of live.matchAll(/(?:^|[^\w`])@([A-Za-z0-9][\w-]*)/g)) {
    if (!mentions.includes(login as string)) found.push(`a mention of ${login}`);
  }
  return found;
}
