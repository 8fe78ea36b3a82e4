import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findConfig } from '../../src/cli/find-config.ts';
import { hiddenBy } from '../../src/config/location.ts';
import { project, runCli } from '../support/cli.ts';

const CONFIG = `service: shop
environments:
  prod:
    components:
      - name: app
        targets: [a, b]
        deploy: "true"
`;

let dispose: () => void = () => undefined;
afterEach(() => dispose());

function tree(files: Record<string, string>) {
  const p = project(files);
  dispose = p.dispose;
  return p;
}

const gitInit = (dir: string) => execFileSync('git', ['init', '-q'], { cwd: dir });

describe('finding tranche.yml without --config', () => {
  describe('in a git repository', () => {
    it('takes the nearest one from the working directory up', () => {
      const p = tree({ 'tranche.yml': CONFIG, 'services/api/tranche.yml': CONFIG, 'services/api/src/x': '' });
      gitInit(p.dir);
      expect(findConfig(p.path('services/api/src'))).toBe(p.path('services/api/tranche.yml'));
      expect(findConfig(p.path('services'))).toBe(p.path('tranche.yml'));
    });

    it('looks no further up than the repository root', () => {
      const p = tree({ 'tranche.yml': CONFIG, 'repo/src/x': '' });
      gitInit(p.path('repo'));
      expect(findConfig(p.path('repo/src'))).toBeUndefined();
    });

    it('takes the repository’s .github/tranche.yml at the root before its tranche.yml, as the bot does', () => {
      const p = tree({ '.github/tranche.yml': CONFIG, 'tranche.yml': CONFIG, 'src/x': '' });
      gitInit(p.dir);
      expect(findConfig(p.path('src'))).toBe(p.path('.github/tranche.yml'));
      expect(findConfig(p.dir)).toBe(p.path('.github/tranche.yml'));
      expect(findConfig(p.path('.github'))).toBe(p.path('.github/tranche.yml'));
    });

    it('says which of the two at the root is not read, on every command that reads one', async () => {
      const p = tree({ '.github/tranche.yml': CONFIG, 'tranche.yml': CONFIG, 'src/x': '' });
      gitInit(p.dir);
      const { code, stderr } = await runCli(['plan'], { cwd: p.dir });
      expect(code, stderr).toBe(0);
      expect(stderr).toContain(
        'tranche: tranche.yml is not read: .github/tranche.yml comes first, for the bot and the Action too; remove one of them',
      );
      expect(hiddenBy(p.path('.github/tranche.yml'))).toEqual([p.path('tranche.yml')]);
      expect(hiddenBy(p.path('tranche.yml'))).toEqual([]);
    });

    it('still takes a nearer tranche.yml below the root', () => {
      const p = tree({
        '.github/tranche.yml': CONFIG,
        'services/api/tranche.yml': CONFIG,
        'services/api/src/x': '',
      });
      gitInit(p.dir);
      expect(findConfig(p.path('services/api/src'))).toBe(p.path('services/api/tranche.yml'));
      expect(findConfig(p.path('services'))).toBe(p.path('.github/tranche.yml'));
    });

    it('knows a linked worktree’s root by its .git file', () => {
      const p = tree({ 'tranche.yml': CONFIG, 'worktree/.git': 'gitdir: elsewhere\n', 'worktree/src/x': '' });
      expect(findConfig(p.path('worktree/src'))).toBeUndefined();
    });
  });

  it('looks only in the working directory outside a repository', () => {
    const p = tree({ 'tranche.yml': CONFIG, 'sub/x': '', 'other/.github/tranche.yml': CONFIG });
    expect(findConfig(p.dir)).toBe(p.path('tranche.yml'));
    expect(findConfig(p.path('sub'))).toBeUndefined();
    expect(findConfig(p.path('other'))).toBe(p.path('other/.github/tranche.yml'));
  });

  it('runs the commands of .github/tranche.yml at the repository root, and keeps the ledger there', async () => {
    const config = `service: shop
environments:
  prod:
    components:
      - name: app
        targets: [a]
        deploy: 'pwd > "where-$TRANCHE_TARGET"'
`;
    const p = tree({ '.github/tranche.yml': config, 'src/x': '' });
    gitInit(p.dir);
    const { code, stderr } = await runCli(['deploy'], { cwd: p.path('src') });
    expect(code, stderr).toBe(0);
    expect(realpathSync(readFileSync(p.path('where-a'), 'utf8').trim())).toBe(realpathSync(p.dir));
    expect(existsSync(p.path('.tranche/ledger.db'))).toBe(true);
    expect(existsSync(p.path('.github/.tranche'))).toBe(false);
  });

  it('will not start a new default ledger beside the one an earlier Tranche kept in .github', async () => {
    const p = tree({ '.github/tranche.yml': CONFIG, 'src/x': '' });
    gitInit(p.dir);
    const earlier = await runCli(['deploy', '--ledger', '.github/.tranche/ledger.db'], { cwd: p.dir });
    expect(earlier.code, earlier.stderr).toBe(0);
    const refused = await runCli(['deploy'], { cwd: p.path('src') });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `the ledger an earlier Tranche kept for .github/tranche.yml is ${p.path('.github/.tranche/ledger.db')}`,
    );
    expect(refused.stderr).toContain('mv .github/.tranche .tranche');
    expect(existsSync(p.path('.tranche'))).toBe(false);
    renameSync(p.path('.github/.tranche'), p.path('.tranche'));
    const moved = await runCli(['deploy'], { cwd: p.path('src') });
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain('SUCCEEDED: 2 is live on every target');
  });

  describe('from a subdirectory, as a command', () => {
    it('plans with the repository’s config', async () => {
      const p = tree({ 'tranche.yml': CONFIG, 'docs/readme.md': '' });
      gitInit(p.dir);
      const { code, stdout, stderr } = await runCli(['plan'], { cwd: p.path('docs') });
      expect(code, stderr).toBe(0);
      expect(stdout).toContain('batch 2: 1 target(s): b');
    });

    it('names the file from the working directory in a config error', async () => {
      const p = tree({ 'tranche.yml': `${CONFIG}colour: blue\n`, 'docs/readme.md': '' });
      gitInit(p.dir);
      const { code, stderr } = await runCli(['plan'], { cwd: p.path('docs') });
      expect(code).toBe(2);
      expect(stderr).toContain(`${join(p.dir, 'tranche.yml')}:8:1 colour: unknown key 'colour'`);
    });

    it('reads the repository’s config in a directory --config names, and says when there is none', async () => {
      const p = tree({ '.github/tranche.yml': CONFIG, 'docs/readme.md': '' });
      gitInit(p.dir);
      const planned = await runCli(['plan', '--config', '..'], { cwd: p.path('docs') });
      expect(planned.code, planned.stderr).toBe(0);
      expect(planned.stdout).toContain('batch 2: 1 target(s): b');
      const none = await runCli(['plan', '--config', '.'], { cwd: p.path('docs') });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('--config: . is a directory with no .github/tranche.yml or tranche.yml');
    });

    it('still reads the file --config names, from the working directory', async () => {
      const p = tree({ 'tranche.yml': CONFIG, 'docs/readme.md': '' });
      gitInit(p.dir);
      const { code, stderr } = await runCli(['plan', '--config', 'tranche.yml'], { cwd: p.path('docs') });
      expect(code).toBe(2);
      expect(stderr).toContain('tranche.yml: file not found');
    });
  });
});
