import { describe, expect, it } from 'vitest';
import { commandBaseEnv } from '../../src/exec/base-env.ts';

describe('commandBaseEnv', () => {
  const env = commandBaseEnv({
    PATH: '/usr/bin',
    AWS_PROFILE: 'deploy',
    DATABASE_URL: 'postgres://app@db/app',
    TRANCHE_LEDGER: 'postgres://tranche:secret@db/ledger',
    TRANCHE_BUNDLE_KEY: 'k'.repeat(40),
    ACTIONS_RUNTIME_TOKEN: 'runner-only',
    ACTIONS_RESULTS_URL: 'https://results/',
    'INPUT_GITHUB-TOKEN': 'ghs_token',
  });

  it('withholds Tranche’s own secrets, the runner’s internals and the Action’s inputs', () => {
    expect(Object.keys(env).sort()).toEqual(['AWS_PROFILE', 'DATABASE_URL', 'PATH']);
  });

  it('passes everything else a deploy script may need unchanged', () => {
    expect(env).toEqual({ PATH: '/usr/bin', AWS_PROFILE: 'deploy', DATABASE_URL: 'postgres://app@db/app' });
  });

  describe('with the credentials Tranche used in this run', () => {
    const ledger = 'postgres://tranche:secret@db/ledger';
    const caller = {
      PATH: '/usr/bin',
      DATABASE_URL: ledger,
      LEDGER_COPY: ledger,
      GITHUB_TOKEN: 'ghp_used',
      GH_TOKEN: 'ghp_other',
    };

    it('withholds every variable holding one of them, whatever its name', () => {
      const env = commandBaseEnv(caller, { credentials: [ledger, 'ghp_used', undefined] });
      expect(env).toEqual({ PATH: '/usr/bin', GH_TOKEN: 'ghp_other' });
    });

    it('passes on the ones the config names, and only those', () => {
      const env = commandBaseEnv(caller, { credentials: [ledger, 'ghp_used'], pass: ['DATABASE_URL'] });
      expect(env).toEqual({ PATH: '/usr/bin', DATABASE_URL: ledger, GH_TOKEN: 'ghp_other' });
    });

    it('withholds nothing more for an empty credential', () => {
      expect(commandBaseEnv({ PATH: '/usr/bin', EMPTY: '' }, { credentials: [''] })).toEqual({
        PATH: '/usr/bin',
        EMPTY: '',
      });
    });
  });
});
