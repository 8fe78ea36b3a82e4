/**
 * Where the bundled Action finds tranche.yml: by default the repository's own, as the bot reads
 * it (`.github/tranche.yml`, else `tranche.yml`); in a directory the `config` input names (a
 * checkout of the default branch), the same; and its commands run in the repository's root.
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RECORDING_CHECK, RECORDING_DEPLOY } from '../support/cli.ts';
import { fleetConfig, useWorkspaces } from './fleet.ts';
import { expectAllScopesDone } from './harness/expect.ts';
import { runAction } from './harness/runner.ts';
import { firstRollout } from './harness/scenario.ts';

const workspace = useWorkspaces();

describe('the bundled Action finding its configuration', () => {
  it('reads .github/tranche.yml before tranche.yml, and runs the commands in the repository root', async () => {
    const f = workspace({
      '.github/tranche.yml': fleetConfig(),
      'tranche.yml': 'service: [not, this, one\n',
    });
    const run = await runAction({ workspace: f.dir, interactions: firstRollout() });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('config .github/tranche.yml');
    expect(run.stdout).toContain(
      '::warning::tranche.yml is not read: .github/tranche.yml comes first, for the bot and the CLI too; remove one of them',
    );
    expect(['t-1', 't-2', 't-3'].map(f.versionOf)).toEqual(['1.3', '1.3', '1.3']);
    expectAllScopesDone(run);
  });

  it('finds the repository’s config in a checkout the config input names', async () => {
    const f = workspace({
      '.tranche-config/.git/HEAD': 'ref: refs/heads/main\n',
      '.tranche-config/.github/tranche.yml': fleetConfig(),
      '.tranche-config/deploy.sh': RECORDING_DEPLOY,
      '.tranche-config/check.sh': RECORDING_CHECK,
      'tranche.yml': 'service: [not, this, one\n',
    });
    const run = await runAction({
      workspace: f.dir,
      inputs: { config: '.tranche-config' },
      interactions: firstRollout(),
    });
    expect(run.code, run.stdout).toBe(0);
    expect(f.read('.tranche-config/state/t-3').trim()).toBe('1.3');
    expectAllScopesDone(run);
  });

  it('fails the step naming the input when a yes-or-no input is neither', async () => {
    const f = workspace();
    const run = await runAction({
      workspace: f.dir,
      inputs: { 'production-environment': 'maybe' },
      interactions: [],
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '::error::input production-environment must be true or false, or left empty',
    );
    expectAllScopesDone(run);
  });

  it('fails the step, naming both places, when the workspace holds neither', async () => {
    const f = workspace();
    rmSync(f.path('tranche.yml'));
    const run = await runAction({ workspace: f.dir, interactions: [] });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '::error::no Tranche configuration in the workspace: no .github/tranche.yml or tranche.yml; check the repository out first (actions/checkout), or name the file in the config input',
    );
    expectAllScopesDone(run);
  });
});
