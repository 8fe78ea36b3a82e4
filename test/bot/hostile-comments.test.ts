import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../bot/commands/parse-command.ts';
import { userText } from '../../bot/render/user-text.ts';
import { useBot } from './harness/bot-test.ts';
import { liveParts } from './harness/live-markup.ts';

/** Every hostile text below names evil.example or @evil-team: neither may be live in a reply. */
const HOSTILE = /evil/i;

/** GitHub refuses a comment longer than this (its 422). */
const GITHUB_COMMENT_MAX = 65_536;

describe('comments written to make the bot say something', () => {
  const t = useBot();

  /** The one reply to `body`, from a reader who may not deploy (nothing past the reply is asked). */
  async function replyTo(body: string): Promise<string> {
    t.github.token().config().reaction().comment();
    await t.comment({ body, login: 'mallory' });
    t.github.done();
    const replies = t.github.bodies('comment').map((c) => String(c.body));
    expect(replies).toHaveLength(1);
    return replies[0] as string;
  }

  describe('echoed text', () => {
    it.each([
      [
        'a help topic with a link and an image',
        '/help x`[link](https://evil.example)![](https://evil.example/p.png)`',
      ],
      ['a short help topic with a mention and HTML', '/help x`@evil-team<b>`'],
      ['extra words with a bare URL and a mention', '/status production https://evil.example/x @evil-team'],
      ['extra words with HTML and a comment', '/unhold canary <img/src=https://evil.example/p.png> <!--'],
      ['an unknown option with a link', '/lock --x[a](https://evil.example)'],
    ])('is quoted, never live: %s', async (_, body) => {
      const reply = await replyTo(body);
      expect(liveParts(reply)).not.toMatch(HOSTILE);
      // At most the whole /help beside the words quoted.
      expect(reply.length).toBeLessThan(3000);
    });

    it('is quoted in a lock reason, with no mention or link', async () => {
      t.github.token().config().reaction().permission('alice', 'write').comment();
      await t.comment({ body: '/lock production see [this](https://evil.example) @evil-team <b>x</b>' });
      t.github.done();
      const reply = String(t.github.bodies('comment')[0]?.body);
      expect(reply).toContain('locked by @alice (`see [this](https://evil.example) @evil-team <b>x</b>`)');
      expect(liveParts(reply)).not.toMatch(HOSTILE);
    });
  });

  describe('a 70 KB argument', () => {
    it.each([
      ['a help topic', `/help ${'a'.repeat(70_000)}`],
      ['an unknown command', `/${'a'.repeat(70_000)}`],
      ['extra words', `/status production ${'evil '.repeat(14_000)}`],
    ])('gets a short reply: %s', async (_, body) => {
      const reply = await replyTo(body);
      expect(reply.length).toBeLessThan(1000);
      expect(reply.length).toBeLessThan(GITHUB_COMMENT_MAX);
    });
  });

  describe('a 1 MB version in /deploy production <version>', () => {
    it('is refused in a reply, and GitHub is never asked about it', async () => {
      const reply = await replyTo(`/deploy production ${'1'.repeat(1_000_000)}`);
      expect(reply).toBe(
        '😕 Version: a version has at most 100 characters.\n\nUsage: `/deploy [to] <environment> [version]`\n\n`/help` lists every command.',
      );
      expect(await t.ledger.releases({ repo: 'acme/shop' })).toEqual([]);
    });
  });

  describe('a command GitHub fails', () => {
    it('ends in a reply saying what GitHub answered, not only 👀', async () => {
      t.github.token().config().reaction().permission('alice', 'write').pull();
      t.github.scope
        .get(`/repos/acme/shop/git/ref/${encodeURIComponent('tags/tranche/shop/3')}`)
        .reply(500, { message: 'Server Error <img src=https://evil.example/p.png>' });
      t.github.comment();
      await t.comment({ body: '/deploy production 3' });
      t.github.done();
      const reply = String(t.github.bodies('comment')[0]?.body);
      expect(reply).toMatch(
        /^😕 `\/deploy` stopped: GitHub answered 500: `Server Error <img .*`\. Try again in a while\.$/,
      );
      expect(liveParts(reply)).not.toMatch(HOSTILE);
      expect(t.github.bodies('createDeployment')).toEqual([]);
    });
  });
});

describe('every argument of every command', () => {
  const huge = 'a'.repeat(1_000_000);
  it.each([
    '/deploy production X',
    '/deploy X',
    '/noop X',
    '/rollback production to X',
    '/rollback X',
    '/lock X',
    '/lock production X',
    '/unlock X',
    '/promote X',
    '/promote 3 to X',
    '/hold X',
    '/hold canary X',
    '/unhold X',
    '/mark-bad X',
    '/mark-bad 3 X',
    '/mark-good 3 X',
    '/status X',
    '/help X',
  ])('has a length limit, with a short message: %s', (command) => {
    const parsed = parseCommand(command.replace('X', huge), '/');
    expect(parsed?.ok).toBe(false);
    expect(parsed && !parsed.ok && parsed.failure.message.length).toBeLessThan(300);
  });
});

describe('someone’s text in a reply', () => {
  it.each([
    ['plain words', 'db migration', '`db migration`'],
    ['backticks inside', 'a `b` c', '``a `b` c``'],
    ['a backtick at the end', 'x`', '`` x` ``'],
    ['several lines', 'one\n\ntwo', '`one two`'],
  ])('is one code span: %s', (_, text, quoted) => {
    expect(userText(text)).toBe(quoted);
  });

  it('is cut to its length, never in the middle of an emoji', () => {
    expect(userText('abcdef', 4)).toBe('`abc…`');
    expect(userText('ab😀cd', 4)).toBe('`ab…`');
  });
});
