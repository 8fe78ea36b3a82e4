/**
 * Who is acting (release/actor.ts): the name given, then TRANCHE_ACTOR, GITHUB_ACTOR, USER,
 * LOGNAME, the system's user name, and `unknown`; names from the environment kept as the ledger
 * keeps them, blank ones passed over.
 */
import { describe, expect, it } from 'vitest';
import { actingName, UNKNOWN_ACTOR } from '../../src/release/actor.ts';

const FULL = { TRANCHE_ACTOR: 'tina', GITHUB_ACTOR: 'octocat', USER: 'ursula', LOGNAME: 'logan' };
const system = () => 'sysuser';

describe('the acting person', () => {
  it('takes each source in order, each one only when those before it name nobody', () => {
    const order = ['TRANCHE_ACTOR', 'GITHUB_ACTOR', 'USER', 'LOGNAME'] as const;
    const seen: string[] = [actingName('given', FULL, system)];
    for (let dropped = 0; dropped <= order.length; dropped++) {
      const env: Record<string, string | undefined> = { ...FULL };
      for (const name of order.slice(0, dropped)) delete env[name];
      seen.push(actingName(undefined, env, system));
    }
    seen.push(actingName(undefined, {}, () => undefined));
    expect(seen).toEqual(['given', 'tina', 'octocat', 'ursula', 'logan', 'sysuser', UNKNOWN_ACTOR]);
    expect(UNKNOWN_ACTOR).toBe('unknown');
  });

  it('passes over a variable that is empty, spaces or control characters only', () => {
    const blank = { TRANCHE_ACTOR: '', GITHUB_ACTOR: '  ', USER: '\u001b\u0007', LOGNAME: 'logan' };
    expect(actingName(undefined, blank, system)).toBe('logan');
    expect(actingName(undefined, {}, () => ' ')).toBe(UNKNOWN_ACTOR);
  });

  it('keeps a name from the environment as the ledger keeps it: no control characters, trimmed, at most 100 characters', () => {
    expect(actingName(undefined, { TRANCHE_ACTOR: ' eve\u001b[2J ' }, system)).toBe('eve[2J');
    expect(actingName(undefined, { GITHUB_ACTOR: 'x'.repeat(150) }, system)).toBe('x'.repeat(100));
  });

  it('returns the name given as it is: each command checks its own option', () => {
    expect(actingName('Rita Q.', FULL, system)).toBe('Rita Q.');
    expect(actingName('', FULL, system)).toBe('');
  });

  it('falls back to the operating system’s user name by default', async () => {
    const { userInfo } = await import('node:os');
    expect(actingName(undefined, {})).toBe(userInfo().username);
  });
});
