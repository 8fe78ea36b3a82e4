/**
 * Who started a run: `tranche deploy` and `rollback` record `--actor`, else the acting person
 * (release/actor.ts: TRANCHE_ACTOR, GITHUB_ACTOR, USER, LOGNAME, the machine's user name), and
 * `status` and `history` show it.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { project, RECORDING_DEPLOY, runCli } from '../support/cli.ts';
import { disposedAfterEach } from '../support/dispose.ts';
import { withLedgerAt } from '../support/ledgers.ts';
import { timeoutFor } from '../support/measured-work.ts';

const CONFIG = `service: shop
version: "3.{n}"
environments:
  staging:
    components:
      - name: app
        targets: [s-1]
        deploy: ./deploy.sh
`;

const disposeAfter = disposedAfterEach();

function fixture() {
  const p = project({ 'tranche.yml': CONFIG, 'deploy.sh': RECORDING_DEPLOY });
  disposeAfter(p.dispose);
  // Names nobody unless a test does: this process's own variables are not inherited.
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { cwd: p.dir, env: { TRANCHE_ACTOR: '', GITHUB_ACTOR: '', USER: '', LOGNAME: '', ...env } });
  const actors = () =>
    withLedgerAt(p.path('.tranche/ledger.db'), async (l) => (await l.runs({})).map((r) => r.actor));
  return { ...p, cli, actors };
}

describe('the actor of a CLI run', { timeout: timeoutFor({ nodes: 8, shells: 8 }) }, () => {
  it('is --actor, shown by status (text and --json) and history', async () => {
    const f = fixture();
    expect((await f.cli(['deploy', '--actor', 'Rita Q.'])).code).toBe(0);
    expect(await f.actors()).toEqual(['Rita Q.']);
    const text = await f.cli(['status']);
    expect(text.stdout).toMatch(/^shop in staging: live 3\.1; last run: 3\.1 succeeded at \S+ by Rita Q\.$/m);
    const json = JSON.parse((await f.cli(['status', '--json'])).stdout);
    expect(json.environments[0].lastRun).toMatchObject({ version: '3.1', actor: 'Rita Q.' });
    const history = await f.cli(['history']);
    expect(history.stdout.split('\n')[0]).toMatch(/\bcommit\s+by$/);
    expect(history.stdout.split('\n')[1]).toMatch(/\bRita Q\.$/);
    expect(JSON.parse((await f.cli(['history', '--json'])).stdout)[0].actor).toBe('Rita Q.');
  });

  it('is the workflow’s actor (GITHUB_ACTOR) without --actor, else this machine’s user, for deploys and rollbacks', async () => {
    const f = fixture();
    expect((await f.cli(['deploy'], { GITHUB_ACTOR: 'octocat' })).code).toBe(0);
    expect((await f.cli(['deploy'])).code).toBe(0);
    expect((await f.cli(['rollback', '--actor', 'oncall'])).code).toBe(0);
    expect(await f.actors()).toEqual(['oncall', userInfo().username, 'octocat']);
  });

  it('is TRANCHE_ACTOR before GITHUB_ACTOR, and USER (else LOGNAME) before this machine’s user; --actor before all', async () => {
    const f = fixture();
    const everyone = { TRANCHE_ACTOR: 'tina', GITHUB_ACTOR: 'octocat', USER: 'ursula', LOGNAME: 'logan' };
    expect((await f.cli(['deploy'], everyone)).code).toBe(0);
    expect((await f.cli(['deploy'], { ...everyone, TRANCHE_ACTOR: '' })).code).toBe(0);
    expect((await f.cli(['deploy'], { USER: 'ursula', LOGNAME: 'logan' })).code).toBe(0);
    expect((await f.cli(['deploy'], { LOGNAME: 'logan' })).code).toBe(0);
    expect((await f.cli(['rollback', '--actor', 'oncall'], everyone)).code).toBe(0);
    expect(await f.actors()).toEqual(['oncall', 'logan', 'ursula', 'octocat', 'tina']);
  });

  it('is kept as it was given, never run: shell syntax in it runs nothing', async () => {
    const f = fixture();
    const actor = '$(touch pwned) `touch pwned2`; touch pwned3';
    expect((await f.cli(['deploy', '--actor', actor])).code).toBe(0);
    expect(await f.actors()).toEqual([actor]);
    for (const file of ['pwned', 'pwned2', 'pwned3']) expect(existsSync(f.path(file))).toBe(false);
  });

  it('refuses an --actor too long, empty or with control characters, naming the option, and runs nothing (exit 2)', async () => {
    const f = fixture();
    for (const actor of ['x'.repeat(101), '', 'eve\u001b[2J']) {
      const { code, stderr } = await f.cli(['deploy', '--actor', actor]);
      expect(code).toBe(2);
      expect(stderr).toContain('tranche: --actor: a name of 1 to 100 characters');
    }
    expect(existsSync(f.path('state/log'))).toBe(false);
    expect((await f.cli(['deploy', '--actor', 'x'.repeat(100)])).code).toBe(0);
  });
});
