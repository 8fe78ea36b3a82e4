import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { project, RECORDING_DEPLOY, runCli } from '../support/cli.ts';
import { disposedAfterEach } from '../support/dispose.ts';
import { timeoutFor } from '../support/measured-work.ts';
import { describePostgres, freshLedgerUrl, withClient } from '../support/postgres.ts';

const CONFIG = `service: shop
version: "3.{n}"
environments:
  prod:
    components:
      - name: app
        targets: [a, b, c, d, e]
        deploy: ./deploy.sh
        rollout: { first: 1, growth: 2, bake: 5s }
      - name: db
        targets: [db-1]
        deploy: ./deploy.sh
  staging:
    components:
      - name: app
        targets: [s-1]
        deploy: ./deploy.sh
`;

const disposeAfter = disposedAfterEach();

function fixture(files: Record<string, string> = {}) {
  const p = project({ 'tranche.yml': CONFIG, 'deploy.sh': RECORDING_DEPLOY, ...files });
  disposeAfter(p.dispose);
  const cli = (...args: string[]) => runCli(args, { cwd: p.dir });
  return { ...p, cli };
}

describe('tranche --help', () => {
  it('says what verdict and tracks run without a command, and with which options', async () => {
    for (const command of ['verdict', 'tracks']) {
      const { code, stdout } = await fixture().cli(command, '--help');
      expect(code).toBe(0);
      expect(stdout).toContain(`Without a command it runs show: tranche ${command} `);
    }
    expect((await fixture().cli('verdict', '--help')).stdout).toContain('[--version V] [--json]');
  });
});

describe('tranche plan', () => {
  it('prints the batches as JSON and runs nothing', async () => {
    const f = fixture();
    const { code, stdout } = await f.cli('plan', '-e', 'prod', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      service: 'shop',
      environment: 'prod',
      components: [
        {
          name: 'app',
          batches: [
            { targets: ['a'], bakeSeconds: 5 },
            { targets: ['b', 'c'], bakeSeconds: 5 },
            { targets: ['d', 'e'], bakeSeconds: 5 },
          ],
        },
        { name: 'db', batches: [{ targets: ['db-1'], bakeSeconds: 0 }] },
      ],
    });
    expect(() => readFileSync(f.path('state/log'))).toThrow(/ENOENT/);
  });

  it('asks for --environment when the config defines several (exit 2)', async () => {
    const { code, stderr } = await fixture().cli('plan');
    expect(code).toBe(2);
    expect(stderr).toContain('--environment is required: tranche.yml defines prod, staging');
  });

  it('names the known environments for an unknown one (exit 2)', async () => {
    const { code, stderr } = await fixture().cli('plan', '-e', 'prdo');
    expect(code).toBe(2);
    expect(stderr).toMatch(/prdo.*prod.*staging/s);
  });
});

describe('an environment the config does not define', () => {
  for (const command of ['status', 'stats', 'plan']) {
    it(`${command} names the known environments and exits 2, opening no ledger`, async () => {
      const f = fixture();
      const { code, stdout, stderr } = await f.cli(command, '-e', 'nope');
      expect(code).toBe(2);
      expect(stderr).toContain("environment 'nope' is not defined; known environments: prod, staging");
      expect(stdout).toBe('');
      expect(existsSync(f.path('.tranche'))).toBe(false);
    });
  }
});

describe('a bad ledger location', () => {
  it('refuses `--ledger github` outside deploy --github (exit 2), creating no file', async () => {
    const f = fixture();
    const { code, stderr } = await f.cli('status', '--ledger', 'github');
    expect(code).toBe(2);
    expect(stderr).toContain('tranche: --ledger: `github` (versions as tags in the repository)');
    expect(existsSync(f.path('github'))).toBe(false);
  });

  it('refuses a URL of another scheme from TRANCHE_LEDGER (exit 2), naming it without the password', async () => {
    const f = fixture();
    const { code, stderr } = await runCli(['status'], {
      cwd: f.dir,
      env: { TRANCHE_LEDGER: 'mysql://app:s3cret@db/app' },
    });
    expect(code).toBe(2);
    expect(stderr).toContain('tranche: TRANCHE_LEDGER: a mysql:// URL is not a ledger Tranche can open');
    expect(stderr).not.toContain('s3cret');
    expect(existsSync(f.path('mysql:'))).toBe(false);
  });

  it('refuses an empty ledger file (exit 2), naming it, and deploys nothing', async () => {
    const f = fixture({ 'ledger.db': '' });
    const { code, stderr } = await f.cli('deploy', '-e', 'staging', '--ledger', 'ledger.db');
    expect(code).toBe(2);
    expect(stderr).toContain(
      `tranche: --ledger: could not open the ledger ${f.path('ledger.db')}: the file is empty (0 bytes)`,
    );
    expect(existsSync(f.path('state'))).toBe(false);
    expect(readFileSync(f.path('ledger.db'), 'utf8')).toBe('');
  });

  it('names --ledger and the file when the file cannot be created (exit 2)', async () => {
    const f = fixture({ 'plain-file': '' });
    const { code, stderr } = await f.cli('deploy', '-e', 'staging', '--ledger', 'plain-file/ledger.db');
    expect(code).toBe(2);
    expect(stderr).toContain(
      `tranche: --ledger: could not open the ledger ${f.path('plain-file/ledger.db')}: `,
    );
    expect(existsSync(f.path('state'))).toBe(false);
  });

  it('makes no ledger for a command that only reads: a named one not there is refused (exit 2)', async () => {
    const f = fixture();
    for (const command of [['status'], ['history'], ['verdict'], ['stats'], ['rollback', '-e', 'staging']]) {
      const { code, stderr } = await f.cli(...command, '--ledger', 'typo.db');
      expect([command, code]).toEqual([command, 2]);
      expect(stderr).toContain(`tranche: --ledger: there is no ledger at ${f.path('typo.db')}`);
    }
    expect(existsSync(f.path('typo.db'))).toBe(false);
  });

  describePostgres('on PostgreSQL', () => {
    it('makes no ledger for a command that only reads: a schema that holds none is refused (exit 2), one a deploy made is read', async () => {
      const f = fixture();
      const url = await freshLedgerUrl();
      const schema = new URL(url).searchParams.get('schema');
      for (const command of [['status'], ['history'], ['verdict']]) {
        const { code, stderr } = await f.cli(...command, '--ledger', url);
        expect([command, code]).toEqual([command, 2]);
        expect(stderr).toContain(`schema ${schema} holds no ledger (nothing has been recorded there)`);
      }
      const schemas = await withClient(url, (client) =>
        client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]),
      );
      expect(schemas.rowCount).toBe(0);
      expect((await f.cli('deploy', '-e', 'staging', '--ledger', url)).code).toBe(0);
      const status = await f.cli('status', '-e', 'staging', '--ledger', url);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toContain('shop in staging: live 3.1');
    });
  });

  it('reads the config’s default ledger not made yet as nothing recorded, and makes none', async () => {
    const f = fixture();
    const { code, stdout, stderr } = await f.cli('status');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('live nothing yet');
    expect(stderr).toContain(`no ledger yet at ${f.path('.tranche/ledger.db')}: nothing is recorded`);
    expect(existsSync(f.path('.tranche'))).toBe(false);
  });

  it('refuses a PostgreSQL URL it cannot parse (exit 2), without the password', async () => {
    const { code, stderr } = await fixture().cli('status', '--ledger', 'postgres://u:s3cret@[bad/db');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^tranche: --ledger: .*is not a valid URL/m);
    expect(stderr).not.toContain('s3cret');
  });
});

describe('bad config', () => {
  it('exits 2 and names file, line and column of the offending value', async () => {
    const f = fixture({ 'tranche.yml': CONFIG.replace('growth: 2', 'growth: 0') });
    const { code, stderr } = await f.cli('deploy', '-e', 'prod');
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^tranche: tranche\.yml:9:38 environments\.prod\.components\[0\]\.rollout\.growth: /,
    );
    expect(() => readFileSync(f.path('state/log'))).toThrow(/ENOENT/);
  });

  it('exits 2 for a config file that does not exist', async () => {
    const { code, stderr } = await fixture().cli('plan', '-c', 'nope.yml');
    expect(code).toBe(2);
    expect(stderr).toContain('nope.yml');
  });

  it('exits 2 and names the option for an unknown option', async () => {
    const { code, stderr } = await fixture().cli('deploy', '--bogus');
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--bogus'");
  });
});

describe('tranche version next', () => {
  // Fifty CLI processes, each loading about twice what a ledger worker does.
  it('gives 50 concurrent processes 50 distinct, consecutive versions', {
    timeout: timeoutFor({ nodes: 100 }),
  }, async () => {
    const f = fixture();
    const runs = await Promise.all(
      Array.from({ length: 50 }, (_, i) => f.cli('version', 'next', '--commit', `sha-${i}`, '--json')),
    );
    expect(runs.map((r) => r.code)).toEqual(Array(50).fill(0));
    const records = runs.map((r) => JSON.parse(r.stdout) as { n: number; version: string; commit: string });
    expect(records.map((r) => r.n).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(new Set(records.map((r) => r.version)).size).toBe(50);
    for (const r of records) expect(r.version).toBe(`3.${r.n}`);
    expect(new Set(records.map((r) => r.commit)).size).toBe(50);
  });
});

// A test here runs the CLI up to six times, each deploy or rollback a shell command per target.
describe('after deploys', { timeout: timeoutFor({ nodes: 6, shells: 6 * 4 }) }, () => {
  async function deployedTwice() {
    const f = fixture();
    for (let i = 0; i < 2; i++) {
      const run = await f.cli('deploy', '-e', 'staging', '--json');
      expect(run.code).toBe(0);
    }
    return f;
  }

  it('rollback returns every target to the version live before the current one', async () => {
    const f = await deployedTwice();
    const { code, stdout } = await f.cli('rollback', '-e', 'staging', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      version: '3.1',
      previousVersion: '3.2',
      decision: 'succeeded',
    });
    expect(readFileSync(f.path('state/s-1'), 'utf8').trim()).toBe('3.1');
    expect(readFileSync(f.path('state/log'), 'utf8').trim().split('\n').at(-1)).toBe('rollback s-1 3.1');
  });

  it('a second rollback goes further back, not forward to the version the first one removed', async () => {
    const f = await deployedTwice();
    expect((await f.cli('deploy', '-e', 'staging', '--json')).code).toBe(0);
    const first = JSON.parse((await f.cli('rollback', '-e', 'staging', '--json')).stdout);
    expect(first).toMatchObject({ version: '3.2', previousVersion: '3.3' });
    const second = JSON.parse((await f.cli('rollback', '-e', 'staging', '--json')).stdout);
    expect(second).toMatchObject({ version: '3.1', previousVersion: '3.2', decision: 'succeeded' });
    const third = await f.cli('rollback', '-e', 'staging');
    expect(third.code).toBe(2);
    expect(third.stderr).toContain('staging has no good version that succeeded before the live one (3.1)');
  });

  it('rollback passes over a target taken out of the config: it strays from nothing', async () => {
    const f = await deployedTwice();
    // 3.3 goes to s-1 and s-2; then s-2 leaves the config, and 3.4 goes to s-1 alone.
    writeFileSync(f.path('tranche.yml'), CONFIG.replace('targets: [s-1]', 'targets: [s-1, s-2]'));
    expect((await f.cli('deploy', '-e', 'staging')).code).toBe(0);
    writeFileSync(f.path('tranche.yml'), CONFIG);
    expect((await f.cli('deploy', '-e', 'staging')).code).toBe(0);
    const { code, stdout } = await f.cli('rollback', '-e', 'staging', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      version: '3.3',
      previousVersion: '3.4',
      decision: 'succeeded',
    });
    expect(readFileSync(f.path('state/s-1'), 'utf8').trim()).toBe('3.3');
  });

  it('rollback where nothing has succeeded yet says so (exit 2)', async () => {
    const { code, stderr } = await fixture().cli('rollback', '-e', 'staging');
    expect(code).toBe(2);
    expect(stderr).toContain(
      'staging has no good version that succeeded before the live one to roll back to (nothing has succeeded there yet)',
    );
  });

  it('rollback passes over a version whose verdict is bad, for the good one before it', async () => {
    const f = await deployedTwice();
    expect((await f.cli('deploy', '-e', 'staging', '--json')).code).toBe(0);
    expect((await f.cli('verdict', 'mark-bad', '3.2', '--reason', 'corrupts carts')).code).toBe(0);
    const { code, stdout } = await f.cli('rollback', '-e', 'staging', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      version: '3.1',
      previousVersion: '3.3',
      decision: 'succeeded',
    });
    expect(readFileSync(f.path('state/log'), 'utf8')).not.toContain('rollback s-1 3.2');
  });

  it('rollback refuses a version the ledger does not know (exit 2)', async () => {
    const f = await deployedTwice();
    const { code, stderr } = await f.cli('rollback', '-e', 'staging', '--to', '9.9');
    expect(code).toBe(2);
    expect(stderr).toContain('--to 9.9');
  });

  it('status shows the live version and each target', async () => {
    const f = await deployedTwice();
    const { stdout } = await f.cli('status', '-e', 'staging', '--json');
    expect(JSON.parse(stdout).environments[0]).toMatchObject({
      environment: 'staging',
      liveVersion: '3.2',
      targets: [{ component: 'app', target: 's-1', version: '3.2', goodVersion: '3.2', halfDeployed: false }],
    });
  });

  it('history lists runs newest first, filtered by version', async () => {
    const f = await deployedTwice();
    const all = JSON.parse((await f.cli('history', '--json')).stdout);
    expect(all.map((r: { version: string }) => r.version)).toEqual(['3.2', '3.1']);
    const one = JSON.parse((await f.cli('history', '--json', '--version', '3.1')).stdout);
    expect(one).toHaveLength(1);
  });

  it('stats gives count, min, max, median and p95 per stage', async () => {
    const f = await deployedTwice();
    const { stages } = JSON.parse((await f.cli('stats', '--json')).stdout);
    const deploy = stages.find((s: { stage: string }) => s.stage === 'deploy');
    expect(deploy.count).toBe(2);
    expect(deploy.min).toBeLessThanOrEqual(deploy.median);
    expect(deploy.median).toBeLessThanOrEqual(deploy.p95);
    expect(deploy.p95).toBeLessThanOrEqual(deploy.max);
    expect(stages.map((s: { stage: string }) => s.stage)).toEqual(
      expect.arrayContaining(['run', 'batch', 'deploy']),
    );
  });
});
