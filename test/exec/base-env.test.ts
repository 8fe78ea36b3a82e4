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
});
