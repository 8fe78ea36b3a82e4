/** What deploy and check commands inherit from the CLI: never a credential Tranche used itself. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { project, runCli } from '../support/cli.ts';
import { disposedAfterEach } from '../support/dispose.ts';
import { describePostgres, freshLedgerUrl } from '../support/postgres.ts';

/** Deploy and check scripts that write what they saw of DATABASE_URL to seen-deploy and seen-check. */
const SCRIPTS = {
  'deploy.sh': `#!/bin/sh\nprintf '%s\\n' "\${DATABASE_URL-withheld}" > seen-deploy\n`,
  'check.sh': `#!/bin/sh\nprintf '%s\\n' "\${DATABASE_URL-withheld}" > seen-check\n`,
};

function config(extra = ''): string {
  return `service: shop
${extra}environments:
  prod:
    components:
      - name: app
        targets: [a]
        deploy: ./deploy.sh
        checks: [probe]
checks:
  probe:
    command: ./check.sh
`;
}

const disposeAfter = disposedAfterEach();

async function deployWith(env: Record<string, string>, extra = '') {
  const p = project({ 'tranche.yml': config(extra), ...SCRIPTS });
  disposeAfter(p.dispose);
  const run = await runCli(['deploy', '-e', 'prod'], { cwd: p.dir, env });
  expect(run.code, run.stderr).toBe(0);
  const seen = (name: string) => readFileSync(p.path(`seen-${name}`), 'utf8').trim();
  return { deploy: seen('deploy'), check: seen('check') };
}

describe('the environment of deploy and check commands', () => {
  it('keeps a DATABASE_URL that is not the ledger, for the app to use', async () => {
    const url = 'mysql://app:app-password@db/app';
    expect(await deployWith({ DATABASE_URL: url })).toEqual({ deploy: url, check: url });
  });

  describePostgres('with a postgres:// DATABASE_URL that is the ledger', () => {
    it('withholds it from deploy and check commands', async () => {
      expect(await deployWith({ DATABASE_URL: await freshLedgerUrl() })).toEqual({
        deploy: 'withheld',
        check: 'withheld',
      });
    });

    it('withholds it whichever variable holds it, when --ledger names the same URL', async () => {
      const url = await freshLedgerUrl();
      const p = project({ 'tranche.yml': config(), ...SCRIPTS });
      disposeAfter(p.dispose);
      const run = await runCli(['deploy', '-e', 'prod', '--ledger', url], {
        cwd: p.dir,
        env: { DATABASE_URL: url },
      });
      expect(run.code, run.stderr).toBe(0);
      expect(readFileSync(p.path('seen-deploy'), 'utf8').trim()).toBe('withheld');
    });

    it('passes it on when the config names it in passEnv', async () => {
      const url = await freshLedgerUrl();
      expect(await deployWith({ DATABASE_URL: url }, 'passEnv: [DATABASE_URL]\n')).toEqual({
        deploy: url,
        check: url,
      });
    });
  });
});
