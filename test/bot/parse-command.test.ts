import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../bot/commands/parse-command.ts';

const parse = (body: string, prefix = '/') => parseCommand(body, prefix);
const command = (body: string, prefix = '/') => {
  const result = parse(body, prefix);
  if (!result?.ok) throw new Error(`expected a command, got ${JSON.stringify(result)}`);
  return result.command;
};
const failure = (body: string) => {
  const result = parse(body);
  if (result === null || result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result.failure;
};

describe('parseCommand', () => {
  describe('a comment that is not a command', () => {
    it.each([
      ['prose', 'Looks good to me, ship it'],
      ['a path', '/usr/bin is where it lives'],
      ['a command later in the comment', 'please\n/deploy production'],
      ['another prefix', '.deploy production'],
      ['the prefix alone', '/'],
      ['a path that names a command further on', '/tmp/deploy.log is full'],
      ['a word far from any command, then punctuation', '/s.'],
      ['a short word two edits from a command, then punctuation', '/lol.'],
    ])('is not one: %s', (_, body) => {
      expect(parse(body)).toBeNull();
    });
  });

  describe('/deploy', () => {
    it('takes the environment', () => {
      expect(command('/deploy production')).toEqual({ name: 'deploy', environment: 'production' });
    });

    it('takes an optional "to" and a version', () => {
      expect(command('/deploy to staging 2.14.7')).toEqual({
        name: 'deploy',
        environment: 'staging',
        version: '2.14.7',
      });
    });

    it('reads only the first line, after leading blank space', () => {
      expect(command('\n  /deploy production  \n\nshipping the fix for #12')).toEqual({
        name: 'deploy',
        environment: 'production',
      });
    });

    it('takes the words of another prefix', () => {
      expect(command('.deploy production', '.')).toEqual({ name: 'deploy', environment: 'production' });
    });

    it('says the environment is missing', () => {
      expect(failure('/deploy')).toEqual({
        word: 'deploy',
        command: 'deploy',
        message: 'name the environment to deploy to',
      });
    });

    it('names a version that could not be a tag', () => {
      expect(failure('/deploy production 1.0;rm').message).toBe(
        'version: a version is letters, digits and . _ + - (it becomes part of a tag name)',
      );
    });

    it('names an environment that could not be one', () => {
      expect(failure('/deploy prod$').message).toMatch(/^environment: an environment name is letters/);
    });

    it('refuses extra words', () => {
      expect(failure('/deploy production 7 now').message).toBe('unexpected argument `now`');
    });
  });

  describe('/noop', () => {
    it('takes the environment', () => {
      expect(command('/noop production')).toEqual({ name: 'noop', environment: 'production' });
    });
  });

  describe('/rollback', () => {
    it('takes the environment alone', () => {
      expect(command('/rollback production')).toEqual({ name: 'rollback', environment: 'production' });
    });

    it('takes "to" and a version', () => {
      expect(command('/rollback production to 7')).toEqual({
        name: 'rollback',
        environment: 'production',
        version: '7',
      });
    });

    it('says the version after "to" is missing', () => {
      expect(failure('/rollback production to').message).toBe('name the version after `to`');
    });
  });

  describe('/lock', () => {
    it('locks an environment until unlocked, with a reason', () => {
      expect(command('/lock production incident 42: db failover')).toEqual({
        name: 'lock',
        target: { scope: 'environment', environment: 'production' },
        once: false,
        reason: 'incident 42: db failover',
      });
    });

    it('locks for one deploy with --once, before or after the environment', () => {
      const expected = {
        name: 'lock',
        target: { scope: 'environment', environment: 'production' },
        once: true,
      };
      expect(command('/lock production --once')).toEqual(expected);
      expect(command('/lock --once production')).toEqual(expected);
    });

    it('locks every environment with --global', () => {
      expect(command('/lock --global release freeze')).toEqual({
        name: 'lock',
        target: { scope: 'global' },
        once: false,
        reason: 'release freeze',
      });
    });

    it('refuses an environment and --global together', () => {
      expect(failure('/lock production --global').message).toBe('name an environment or --global, not both');
    });

    it('refuses an unknown option', () => {
      expect(failure('/lock --forever production').message).toBe(
        'unknown option `--forever`; the options are --global, --once',
      );
    });

    it('says the target is missing', () => {
      expect(failure('/lock').message).toBe('name the environment, or --global for all of them');
    });
  });

  describe('/unlock', () => {
    it('unlocks an environment or every one', () => {
      expect(command('/unlock production')).toEqual({
        name: 'unlock',
        target: { scope: 'environment', environment: 'production' },
      });
      expect(command('/unlock --global')).toEqual({ name: 'unlock', target: { scope: 'global' } });
    });

    it('takes no reason', () => {
      expect(failure('/unlock production now').message).toBe('unexpected argument `now`');
    });
  });

  describe('/promote', () => {
    it('takes the version, and optionally the track after "to"', () => {
      expect(command('/promote 3')).toEqual({ name: 'promote', version: '3' });
      expect(command('/promote 2.14.7 to stable')).toEqual({
        name: 'promote',
        version: '2.14.7',
        to: 'stable',
      });
    });

    it('says what is missing or extra', () => {
      expect(failure('/promote').message).toBe('name the version to promote');
      expect(failure('/promote 3 to').message).toBe('name the track after `to`');
      expect(failure('/promote 3 stable').message).toBe('unexpected argument `stable`');
      expect(failure('/promote 3 to Stable!').message).toBe(
        'to: a track name is lowercase letters, digits and . _ -',
      );
    });
  });

  describe('/hold and /unhold', () => {
    it('take the track, and /hold a reason', () => {
      expect(command('/hold canary flaky canaries')).toEqual({
        name: 'hold',
        track: 'canary',
        reason: 'flaky canaries',
      });
      expect(command('/hold canary')).toEqual({ name: 'hold', track: 'canary' });
      expect(command('/unhold canary')).toEqual({ name: 'unhold', track: 'canary' });
    });

    it('need the track', () => {
      expect(failure('/hold').message).toBe('name the track to hold');
      expect(failure('/unhold canary now').message).toBe('unexpected argument `now`');
    });
  });

  describe('/mark-bad and /mark-good', () => {
    it('take the version and a reason', () => {
      expect(command('/mark-bad 3 corrupts carts')).toEqual({
        name: 'mark-bad',
        version: '3',
        reason: 'corrupts carts',
      });
      expect(command('/mark-good 3')).toEqual({ name: 'mark-good', version: '3' });
    });

    it('check the version as a deployment names it', () => {
      expect(failure('/mark-bad ../3').message).toBe(
        'version: a version is letters, digits and . _ + - (it becomes part of a tag name)',
      );
    });
  });

  describe('/status and /help', () => {
    it('take an optional environment or command', () => {
      expect(command('/status')).toEqual({ name: 'status' });
      expect(command('/status production')).toEqual({ name: 'status', environment: 'production' });
      expect(command('/help')).toEqual({ name: 'help' });
      expect(command('/help /lock')).toEqual({ name: 'help', topic: 'lock' });
    });
  });

  describe('an unknown word', () => {
    it('suggests the command it is a typo of', () => {
      expect(failure('/depoly production')).toEqual({
        word: 'depoly',
        command: 'deploy',
        message: '`/depoly` is not a command; did you mean `/deploy`?',
      });
    });

    it('reads the word case-insensitively', () => {
      expect(command('/Deploy production')).toEqual({ name: 'deploy', environment: 'production' });
    });

    it('points to /help when nothing is close', () => {
      expect(failure('/shipit')).toEqual({
        word: 'shipit',
        command: undefined,
        message: '`/shipit` is not a command; `/help` lists the commands',
      });
    });

    it('does not take a short word for a typo of a longer command', () => {
      expect(failure('/ok').command).toBeUndefined();
    });
  });

  describe('a command glued to punctuation', () => {
    it.each([
      ['a colon', '/deploy: production'],
      ['a comma', '/deploy, production'],
      ['a full stop', '/deploy.production'],
    ])('says the space is missing, after %s', (_, body) => {
      expect(failure(body)).toEqual({
        word: 'deploy',
        command: 'deploy',
        message: '`/deploy` takes its arguments after a space, not punctuation',
      });
    });

    it('suggests the command a clear typo is of', () => {
      expect(failure('/deplyo: production')).toEqual({
        word: 'deplyo',
        command: 'deploy',
        message:
          '`/deplyo` is not a command; did you mean `/deploy`? It takes its arguments after a space, not punctuation',
      });
    });

    it('uses the prefix it is given', () => {
      expect(parse('.rollback:production', '.')).toEqual({
        ok: false,
        failure: {
          word: 'rollback',
          command: 'rollback',
          message: '`.rollback` takes its arguments after a space, not punctuation',
        },
      });
    });
  });
});
