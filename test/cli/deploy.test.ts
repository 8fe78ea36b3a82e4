import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DeployEvent } from '../../src/engine/ports.ts';
import type { DeployResult } from '../../src/engine/result.ts';
import { runRecordExists } from '../../src/exec/run-processes.ts';
import { openLedger } from '../../src/ledger/open.ts';
import { DEPLOY_LEASE_MS } from '../../src/release/deploy-lock.ts';
import { collect, project, RECORDING_CHECK, RECORDING_DEPLOY, runCli, startCli } from '../support/cli.ts';
import { disposedAfterEach } from '../support/dispose.ts';
import { eventually } from '../support/eventually.ts';
import { LEDGER_BACKENDS, withLedgerAt } from '../support/ledgers.ts';
import { allowFor, timeoutFor } from '../support/measured-work.ts';

function config(
  options: { targets?: number; bake?: string; timeout?: string; components?: string } = {},
): string {
  const targets = Array.from({ length: options.targets ?? 6 }, (_, i) => `t-${i + 1}`).join(', ');
  return `service: shop
version: "1.{n}"
environments:
  prod:
    components:
      - name: app
        targets: [${targets}]
        deploy: ./deploy.sh
        timeout: ${options.timeout ?? '20s'}
        rollout: { first: 1, growth: 2, bake: ${options.bake ?? '0s'}, checkEvery: 1s }
        checks: [latency]
${options.components ?? ''}checks:
  latency:
    command: ./check.sh
    max: 300
`;
}

/** A test here runs the CLI up to four times, each loading about twice what a ledger worker does. */
const CLI_TESTS = { timeout: timeoutFor({ nodes: 8 }) };

const disposeAfter = disposedAfterEach();

/** The run_started events of the project's default ledger. */
async function runStartedEvents(dir: string): Promise<DeployEvent[]> {
  const ledger = await openLedger(undefined, dir);
  try {
    return (await ledger.events({})).filter((event) => event.kind === 'run_started');
  } finally {
    await ledger.close();
  }
}

function fleet(files: Record<string, string> = {}) {
  const p = project({
    'tranche.yml': config(),
    'deploy.sh': RECORDING_DEPLOY,
    'check.sh': RECORDING_CHECK,
    ...files,
  });
  disposeAfter(p.dispose);
  const versionOf = (target: string) => readFileSync(p.path(`state/${target}`), 'utf8').trim();
  const deploy = async (...args: string[]) => {
    const run = await runCli(['deploy', '--json', ...args], { cwd: p.dir });
    return { ...run, result: (run.stdout ? JSON.parse(run.stdout) : undefined) as DeployResult };
  };
  return { ...p, versionOf, deploy };
}

describe('tranche deploy', CLI_TESTS, () => {
  describe('when every batch is healthy', () => {
    it('exits 0 with a succeeded result and the version on every target', async () => {
      const f = fleet();
      const { code, result } = await f.deploy();
      expect(code).toBe(0);
      expect(result).toMatchObject({
        schemaVersion: 1,
        service: 'shop',
        environment: 'prod',
        version: '1.1',
      });
      expect(result.decision).toBe('succeeded');
      expect(result.previousVersion).toBeNull();
      expect(result.components[0]?.batches.map((b) => b.targets)).toEqual([
        ['t-1'],
        ['t-2', 't-3'],
        ['t-4', 't-5', 't-6'],
      ]);
      for (let i = 1; i <= 6; i++) expect(f.versionOf(`t-${i}`)).toBe('1.1');
    });

    it('allocates the next version on each deploy and reports the one it replaced', async () => {
      const f = fleet();
      await f.deploy();
      const { result } = await f.deploy();
      expect([result.version, result.previousVersion]).toEqual(['1.2', '1.1']);
    });
  });

  describe('when batch 2 fails its checks', () => {
    it('exits 1 and puts every touched target back on its last good version', async () => {
      const f = fleet();
      await f.deploy();
      writeFileSync(f.path('bad-targets'), 't-3\n');
      const { code, result, stderr } = await f.deploy();
      expect(code).toBe(1);
      expect(result.decision).toBe('rolled_back');
      expect(result.reasonCode).toBe('check_failed');
      expect(result.rolledBack.map((r) => [r.target, r.from, r.to, r.status]).sort()).toEqual([
        ['t-1', '1.2', '1.1', 'rolled_back'],
        ['t-2', '1.2', '1.1', 'rolled_back'],
        ['t-3', '1.2', '1.1', 'rolled_back'],
      ]);
      expect(['t-1', 't-2', 't-3', 't-4', 't-5', 't-6'].map(f.versionOf)).toEqual(Array(6).fill('1.1'));
      // t-4..t-6 were never touched: the log shows no deploy of 1.2 to them.
      expect(readFileSync(f.path('state/log'), 'utf8')).not.toMatch(/deploy t-[456] 1\.2/);
      expect(stderr).toContain('latency');
    });
  });

  describe('when the rollback of a target fails', () => {
    it('says why, names the target left off its good version, and a rollback puts it back', async () => {
      const f = fleet({
        'deploy.sh': `#!/bin/sh
set -eu
mkdir -p state
if [ -f "no-rollback-$TRANCHE_TARGET" ] && [ "$TRANCHE_ACTION" = rollback ]; then echo "cannot roll back $TRANCHE_TARGET" >&2; exit 4; fi
printf '%s\\n' "$TRANCHE_VERSION" > "state/$TRANCHE_TARGET"
`,
      });
      await f.deploy();
      writeFileSync(f.path('bad-targets'), 't-3\n');
      writeFileSync(f.path('no-rollback-t-2'), '');
      const { code, result, stderr } = await f.deploy();
      expect(code).toBe(1);
      expect(result.rolledBack.map((r) => [r.target, r.status]).sort()).toEqual([
        ['t-1', 'rolled_back'],
        ['t-2', 'failed'],
        ['t-3', 'rolled_back'],
      ]);
      expect(result.message).toContain('1 target(s) could not be rolled back');
      expect(stderr).toContain('rollback of t-2 to 1.1 failed (exit 4: cannot roll back t-2)');
      expect(stderr).toContain(
        'tranche: not back on their good version: app/t-2 (on 1.2, good 1.1); mend what failed, then `tranche rollback -e prod` puts the environment back on its live version',
      );
      expect(f.versionOf('t-2')).toBe('1.2');
      rmSync(f.path('bad-targets'));
      // Still failing there: the rollback stops at t-2, and says how to finish it.
      const stopped = await runCli(['rollback'], { cwd: f.dir });
      expect(stopped.code).toBe(1);
      expect(stopped.stdout).toContain(
        'nothing: the run halted, and the targets it deployed stay where they are',
      );
      expect(stopped.stderr).toContain(
        'tranche: the rollback to 1.1 stopped part way (halted): targets it did not reach stay where they were; `tranche rollback -e prod --to 1.1` finishes it',
      );
      rmSync(f.path('no-rollback-t-2'));
      const rollback = await runCli(['rollback', '--to', '1.1', '--json'], { cwd: f.dir });
      expect(rollback.code, rollback.stderr).toBe(0);
      expect(JSON.parse(rollback.stdout)).toMatchObject({ version: '1.1', decision: 'succeeded' });
      expect(['t-1', 't-2', 't-3', 't-4', 't-5', 't-6'].map(f.versionOf)).toEqual(Array(6).fill('1.1'));
    });
  });

  describe('when a deploy command hangs', () => {
    it('kills it and its children at the timeout and rolls back', async () => {
      const hang = `#!/bin/sh
if [ "$TRANCHE_ACTION" = deploy ] && [ "$TRANCHE_TARGET" = t-2 ]; then
  sleep 300 & echo $! > grandchild.pid
  wait
fi
exec ./record.sh`;
      const f = fleet({
        'deploy.sh': hang,
        'record.sh': RECORDING_DEPLOY,
        // Long enough for the healthy targets' deploy scripts on this machine now, and no longer.
        'tranche.yml': config({ timeout: `${Math.max(1_000, allowFor({ shells: 4 }))}ms` }),
      });
      const { code, result } = await f.deploy();
      expect(code).toBe(1);
      expect(result.reasonCode).toBe('deploy_timed_out');
      const pid = Number(readFileSync(f.path('grandchild.pid'), 'utf8'));
      expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
      // t-3 shares batch 2 with t-2 and deployed beside it: touched, so rolled back too.
      expect(result.rolledBack.map((r) => r.target).sort()).toEqual(['t-1', 't-2', 't-3']);
    });
  });

  // SIGHUP: the terminal closed, or the SSH session under it dropped.
  describe.each(['SIGTERM', 'SIGHUP'] as const)('on %s mid-bake', (signal) => {
    it('stops, rolls back the touched targets and leaves a terminal record', async () => {
      const f = fleet();
      await f.deploy();
      writeFileSync(f.path('tranche.yml'), config({ bake: '60s' }));
      const child = startCli(['deploy', '--json'], { cwd: f.dir });
      const done = collect(child);
      let stderr = '';
      const baking = await new Promise<boolean>((resolve) => {
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (/bake/i.test(stderr)) resolve(true);
        });
        child.once('exit', () => resolve(false));
      });
      expect(baking, `the deploy ended before its bake:\n${stderr}`).toBe(true);
      child.kill(signal);
      const { code, stdout, stderr: said } = await done;
      expect(said).toContain(`received ${signal}: stopping, then rolling back touched targets per onFailure`);
      const result = JSON.parse(stdout) as DeployResult;
      expect(code).toBe(1);
      expect(result.decision).toBe('cancelled');
      expect(result.rolledBack).toEqual([
        { component: 'app', target: 't-1', from: '1.2', to: '1.1', status: 'rolled_back' },
      ]);
      expect(f.versionOf('t-1')).toBe('1.1');
      const history = await runCli(['history', '--json'], { cwd: f.dir });
      expect(JSON.parse(history.stdout)[0]).toMatchObject({ decision: 'cancelled', reasonCode: 'cancelled' });
      const locks = await withLedgerAt(f.path('.tranche/ledger.db'), (l) => l.locks(Date.now()));
      expect(locks, 'the cancelled deploy released its lease').toEqual([]);
    });
  });

  describe('in a git work tree', () => {
    const git = (dir: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir });
    /** A fleet whose files are all committed in a new repository. */
    const committedFleet = (files: Record<string, string>) => {
      const f = fleet(files);
      git(f.dir, 'init', '-q');
      git(f.dir, 'add', '-A');
      git(f.dir, 'commit', '-qm', 'init');
      return f;
    };

    it('refuses uncommitted changes with exit 2, and records the commit once they are committed', async () => {
      const f = committedFleet({ '.gitignore': '.tranche/\nstate/\n' });
      writeFileSync(f.path('deploy.sh'), `${RECORDING_DEPLOY}\n# edited\n`);
      const refused = await f.deploy();
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/uncommitted changes.*--allow-dirty/);
      git(f.dir, 'commit', '-qam', 'edit');
      const head = git(f.dir, 'rev-parse', 'HEAD').toString().trim();
      const { code, result } = await f.deploy();
      expect(code).toBe(0);
      expect(result.commit).toBe(head);
    });

    it('records the full SHA of the commit --commit names, and refuses a name that is no commit', async () => {
      const f = committedFleet({ '.gitignore': '.tranche/\nstate/\n' });
      const head = git(f.dir, 'rev-parse', 'HEAD').toString().trim();
      const refused = await f.deploy('--commit', 'zzz');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`--commit zzz: no such commit in the git repository at ${f.dir}`);
      const short = await f.deploy('--commit', head.slice(0, 7));
      expect(short.code, short.stderr).toBe(0);
      expect(short.result.commit).toBe(head);
      const option = await f.deploy('--commit', '--help');
      expect(option.code).toBe(2);
      expect(option.stderr).toContain('--commit --help: no such commit');
    });

    it('numbers a version for the commit --commit names and deploys it by the same name', async () => {
      const f = committedFleet({ '.gitignore': '.tranche/\nstate/\n' });
      const head = git(f.dir, 'rev-parse', 'HEAD').toString().trim();
      const cli = (...args: string[]) => runCli(args, { cwd: f.dir });
      expect((await cli('version', 'next', '--commit', 'nope')).stderr).toContain(
        '--commit nope: no such commit',
      );
      const numbered = await cli('version', 'next', '--commit', head.slice(0, 8), '--json');
      const { version, commit } = JSON.parse(numbered.stdout) as { version: string; commit: string };
      expect(commit).toBe(head);
      const deployed = await f.deploy('--version', version, '--commit', head.slice(0, 8));
      expect(deployed.code, deployed.stderr).toBe(0);
      expect(deployed.result).toMatchObject({ version, commit: head });
    });

    it('never counts the default ledger as a change, and says once how to ignore it', async () => {
      const f = committedFleet({ '.gitignore': 'state/\n' });
      const first = await f.deploy();
      const second = await f.deploy();
      expect([first.code, second.code], second.stderr).toEqual([0, 0]);
      expect(second.result.version).toBe('1.2');
      expect(git(f.dir, 'status', '--porcelain').toString()).toBe('?? .tranche/\n');
      expect(first.stderr).toContain(`a line \`.tranche/\` in ${f.path('.gitignore')}`);
      expect(second.stderr).not.toContain('.gitignore');
    });

    it('does not offer the .gitignore line when .gitignore already hides the ledger', async () => {
      const f = committedFleet({ '.gitignore': '.tranche/\nstate/\n' });
      const { code, stderr } = await f.deploy();
      expect(code).toBe(0);
      expect(stderr).not.toContain('.gitignore');
    });

    it('counts a new, never committed file as an uncommitted change, but not one .gitignore hides', async () => {
      const f = committedFleet({ '.gitignore': '.tranche/\nstate/\n*.log\n' });
      writeFileSync(f.path('debug.log'), 'ignored\n');
      writeFileSync(f.path('migrate.sh'), '#!/bin/sh\n');
      const refused = await f.deploy();
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/uncommitted changes in .* \(1 file\(s\), e\.g\. \?\? migrate\.sh\)/);
      expect(existsSync(f.path('state/log'))).toBe(false);
    });

    describe('with --allow-dirty', () => {
      it('records the commit checked out and that the work tree was dirty', async () => {
        const f = committedFleet({ '.gitignore': '.tranche/\nstate/\n' });
        const head = git(f.dir, 'rev-parse', 'HEAD').toString().trim();
        writeFileSync(f.path('migrate.sh'), '#!/bin/sh\n');
        const { code, result } = await f.deploy('--allow-dirty');
        expect(code).toBe(0);
        expect(result.commit).toBe(head);
        const [started] = await runStartedEvents(f.dir);
        expect(started?.data).toMatchObject({ commit: head, dirty: true });
        const history = await runCli(['history'], { cwd: f.dir });
        expect(history.stdout).toContain(`${head.slice(0, 12)} (dirty)`);
      });

      it('does not mark a run from a clean work tree dirty', async () => {
        const f = committedFleet({ '.gitignore': '.tranche/\nstate/\n' });
        const { code } = await f.deploy('--allow-dirty');
        expect(code).toBe(0);
        const [started] = await runStartedEvents(f.dir);
        expect(started?.data).not.toHaveProperty('dirty');
        const history = await runCli(['history'], { cwd: f.dir });
        expect(history.stdout).not.toContain('(dirty)');
      });
    });

    it('deploys --version only from the commit it was built from', async () => {
      const f = committedFleet({ '.gitignore': '.tranche/\nstate/\n' });
      const built = await runCli(['version', 'next'], { cwd: f.dir });
      expect(built.stdout.trim()).toBe('1.1');
      git(f.dir, 'commit', '-q', '--allow-empty', '-m', 'later');
      const refused = await f.deploy('--version', '1.1');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /^tranche: --version 1\.1 was built from commit [0-9a-f]{12}, but this deploy is of [0-9a-f]{12}: /,
      );
      expect(existsSync(f.path('state/log'))).toBe(false);
      git(f.dir, 'checkout', '-q', 'HEAD~1');
      const { code, result } = await f.deploy('--version', '1.1');
      expect(code).toBe(0);
      expect(result.version).toBe('1.1');
    });
  });

  describe('--version', () => {
    it('refuses a version the ledger never allocated (exit 2), running nothing', async () => {
      const f = fleet();
      const { code, stderr } = await f.deploy('--version', '9.9');
      expect(code).toBe(2);
      expect(stderr).toContain('--version 9.9: no such version of shop in the ledger');
      expect(existsSync(f.path('state/log'))).toBe(false);
    });
  });
});

/** Deploys only once the file `go` exists, so a run holds its environment while the test looks. */
const GATED_DEPLOY = `#!/bin/sh
set -eu
while [ ! -f go ]; do sleep 0.05; done
${RECORDING_DEPLOY.split('\n').slice(2).join('\n')}`;

const LIMITS = { concurrentReleases: 1, leaseMs: 600_000 };

for (const backend of LEDGER_BACKENDS) {
  describe.skipIf(backend.skip)(`the environment's lock, on ${backend.name}`, CLI_TESTS, () => {
    async function locked() {
      const p = project({ 'tranche.yml': config(), 'deploy.sh': GATED_DEPLOY, 'check.sh': RECORDING_CHECK });
      disposeAfter(p.dispose);
      const ledger = await backend.location(p.dir);
      // Runs outside a GitHub Actions job unless a test says which repository's job it is.
      const cli = (args: string[], env: Record<string, string> = {}) =>
        runCli([...args, '--ledger', ledger], { cwd: p.dir, env: { GITHUB_REPOSITORY: '', ...env } });
      const start = () =>
        startCli(['deploy', '--json', '--actor', 'Rita Q.', '--ledger', ledger], { cwd: p.dir });
      const heldLock = () =>
        eventually(
          () =>
            withLedgerAt(ledger, async (l) =>
              (await l.locks(Date.now())).find((lock) => lock.name === 'deploy:shop:prod'),
            ),
          'the first deploy to take the lock',
        );
      const versions = () =>
        withLedgerAt(ledger, async (l) => (await l.versions('shop')).map((v) => v.version));
      /** Starts a deploy that holds the lock until the file `go` exists. */
      const first = async () => {
        const child = start();
        const done = collect(child);
        return { child, done, lock: await heldLock() };
      };
      return { ...p, ledger, cli, first, versions };
    }

    describe('while another deploy runs', () => {
      it('refuses a second deploy (exit 2) naming the holder, allocating and running nothing; the next goes ahead once it ends', async () => {
        const f = await locked();
        const { done, lock } = await f.first();
        expect(lock).toMatchObject({
          holder: expect.stringMatching(/^cli:/),
          reason: expect.stringMatching(/^deploy by Rita Q\. on /),
          data: expect.objectContaining({ actor: 'Rita Q.' }),
        });
        const second = await f.cli(['deploy']);
        expect(second.code).toBe(2);
        expect(second.stderr).toContain(
          `tranche: shop in prod is being deployed by ${lock.holder} (${lock.reason}), since `,
        );
        expect(await f.versions()).toEqual(['1.1']);
        writeFileSync(f.path('go'), '');
        expect((await done).code).toBe(0);
        expect(readFileSync(f.path('state/log'), 'utf8')).not.toContain('1.2');
        const third = await f.cli(['deploy']);
        expect(third.code).toBe(0);
      });

      it('refuses a rollback too', async () => {
        const f = await locked();
        writeFileSync(f.path('go'), '');
        expect((await f.cli(['deploy'])).code).toBe(0);
        rmSync(f.path('go'));
        const { done } = await f.first();
        const rollback = await f.cli(['rollback', '--to', '1.1']);
        expect(rollback.code).toBe(2);
        expect(rollback.stderr).toContain('tranche: shop in prod is being deployed by cli:');
        writeFileSync(f.path('go'), '');
        expect((await done).code).toBe(0);
      });
    });

    describe('held by a deploy that was killed (SIGKILL)', () => {
      it('is a lease that outlasts its longest command timeout, which the next deploy on the host takes over at once, recording the dead run', async () => {
        const f = await locked();
        const { child, done, lock } = await f.first();
        await eventually(
          () => withLedgerAt(f.ledger, async (l) => (await l.runs({}))[0]),
          'the first deploy to record its start',
        );
        const runId = lock.holder.slice('cli:'.length);
        await eventually(
          async () => (runRecordExists(runId) ? true : undefined),
          'its deploy command to start',
        );
        child.kill('SIGKILL');
        await done;
        const status = await f.cli(['status']);
        expect(status.stdout).toMatch(
          /last run: 1\.1 died without finishing \(its process \(pid \d+\) on this host is gone; the next deploy or rollback here takes over\)/,
        );
        writeFileSync(f.path('go'), ''); // lets the orphaned deploy command end, if it is not killed first
        const stale = await withLedgerAt(f.ledger, async (l) =>
          (await l.locks(Date.now())).find((held) => held.name === 'deploy:shop:prod'),
        );
        // The component's timeout (20s): an orphan may run that long after its run died.
        expect(stale?.expiresAt).toBe((stale?.renewedAt ?? 0) + DEPLOY_LEASE_MS + 20_000);
        const next = await f.cli(['deploy']);
        expect(next.code, next.stderr).toBe(0);
        expect(next.stderr).toContain(`run ${lock.holder.slice('cli:'.length)} (pid `);
        expect(next.stderr).toContain('died without finishing');
        const runs = await withLedgerAt(f.ledger, (l) => l.runs({}));
        expect(runs.map((r) => [r.version, r.decision, r.reasonCode])).toEqual(
          expect.arrayContaining([
            ['1.1', 'halted', 'run_died'],
            ['1.2', 'succeeded', 'all_batches_healthy'],
          ]),
        );
      });
    });

    describe("locked with the bot's /lock", () => {
      /**
       * What the bot writes: the service bound to the repository that declared it, a deployment
       * of the service it saw there, and a person's lock. `seenIn` is where the deployment was
       * seen: a ledger from before services were bound may hold one of another repository.
       */
      async function botLock(location: string, name: string, seenIn = 'acme/shop') {
        await withLedgerAt(location, async (l) => {
          const delivery = (id: string) => ({
            id,
            repo: 'acme/shop',
            event: 'issue_comment',
            at: Date.now(),
          });
          await l.bindService('shop', ['acme/shop'], Date.now());
          await l.recordDeploymentStatus(
            {
              delivery: delivery('d-1'),
              repo: seenIn,
              installationId: 1,
              environment: 'prod',
              deploymentId: 1,
              state: 'success',
              service: 'shop',
              version: null,
              commit: 'abc',
              kind: 'deploy',
              requestedBy: 'alice',
              description: null,
              logUrl: null,
              checkRunUrl: null,
            },
            LIMITS,
            Date.now(),
          );
          await l.lockEnvironment(delivery('d-2'), name, 'alice', { reason: 'db migration' }, Date.now());
        });
      }

      it('refuses a deploy to the locked environment (exit 2), naming who locked it, why and since when', async () => {
        const f = await locked();
        await botLock(f.ledger, 'acme/shop:env:prod');
        writeFileSync(f.path('go'), '');
        const { code, stderr } = await f.cli(['deploy']);
        expect(code).toBe(2);
        expect(stderr).toMatch(
          /^tranche: prod is locked by alice with the bot's \/lock \(db migration\), since \d{4}-\d\d-\d\dT[\d:.]+Z/m,
        );
        expect(await f.versions()).toEqual([]);
        expect(existsSync(f.path('state/log'))).toBe(false);
      });

      it("finds the lock through the service's owner, not through the repository of its newest release", async () => {
        const f = await locked();
        await botLock(f.ledger, 'acme/shop:env:prod', 'mallory/shop');
        writeFileSync(f.path('go'), '');
        const { code, stderr } = await f.cli(['deploy']);
        expect(code).toBe(2);
        expect(stderr).toContain("tranche: prod is locked by alice with the bot's /lock (db migration)");
        expect(await f.versions()).toEqual([]);
      });

      it("refuses a run in another repository's job (exit 2), with the reason, taking no lease", async () => {
        const f = await locked();
        await botLock(f.ledger, 'acme/shop:env:staging');
        writeFileSync(f.path('go'), '');
        const { code, stderr } = await f.cli(['deploy'], { GITHUB_REPOSITORY: 'mallory/shop' });
        expect(code).toBe(2);
        expect(stderr).toContain('tranche: shop belongs to acme/shop, not to mallory/shop:');
        expect(await f.versions()).toEqual([]);
        const locks = await withLedgerAt(f.ledger, (l) => l.locks(Date.now()));
        expect(locks.map((held) => held.name)).toEqual(['acme/shop:env:staging']);
      });

      it('refuses a rollback while every environment is locked, finding the repository from GITHUB_REPOSITORY', async () => {
        const f = await locked();
        writeFileSync(f.path('go'), '');
        await f.cli(['deploy']);
        await f.cli(['deploy']);
        await withLedgerAt(f.ledger, (l) =>
          l.acquireLock('acme/web:global', 'bob', { reason: 'freeze' }, Date.now()),
        );
        const { code, stderr } = await f.cli(['rollback'], { GITHUB_REPOSITORY: 'acme/web' });
        expect(code).toBe(2);
        expect(stderr).toContain(
          "tranche: every environment is locked by bob with the bot's /lock --global (freeze)",
        );
      });
    });
  });
}
