import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runRecordExists } from '../../src/exec/run-processes.ts';
import { PlainReporter } from '../../src/render/progress.ts';
import { collect, project, runCli, startCli } from '../support/cli.ts';
import { disposedAfterEach } from '../support/dispose.ts';
import { eventually } from '../support/eventually.ts';
import { LEDGER_BACKENDS, withLedgerAt } from '../support/ledgers.ts';
import { timeoutFor } from '../support/measured-work.ts';

const CONFIG = `service: shop
version: "3.{n}"
environments:
  staging:
    components:
      - name: app
        targets: [s-1, s-2, s-3]
        deploy: ./deploy.sh
        rollout: { first: 1, growth: 2 }
`;

/**
 * A test here waits for a deploy and a tail, two CLI processes that each load about twice what a
 * ledger worker does, and for a few more reading the ledger.
 */
const TAIL_TIMEOUT = timeoutFor({ nodes: 8 });

/** Deploys only once the file `go` exists, so the run is still going while tail starts. */
const GATED_DEPLOY = `#!/bin/sh
set -eu
while [ ! -f go ]; do sleep 0.05; done
if [ -f "fail-on-$TRANCHE_TARGET" ] && [ "$TRANCHE_ACTION" = deploy ]; then exit 4; fi
echo "$TRANCHE_ACTION $TRANCHE_TARGET $TRANCHE_VERSION"
`;

const disposeAfter = disposedAfterEach();

/** The lines the CI reporter prints for a run's events, as the deploy itself would. */
function plainLines(events: Parameters<PlainReporter['event']>[0][]): string[] {
  let text = '';
  const reporter = new PlainReporter({ write: (s: string) => (text += s) });
  for (const event of events) reporter.event(event);
  return text.trimEnd().split('\n');
}

for (const backend of LEDGER_BACKENDS) {
  describe.skipIf(backend.skip)(`tranche tail on ${backend.name}`, () => {
    async function fixture(files: Record<string, string> = {}) {
      const p = project({ 'tranche.yml': CONFIG, 'deploy.sh': GATED_DEPLOY, ...files });
      disposeAfter(p.dispose);
      const ledger = await backend.location(p.dir);
      // A ledger that is there, as a deploy leaves it: tail only reads one.
      await withLedgerAt(ledger, async () => undefined);
      const cli = (...args: string[]) => runCli([...args, '--ledger', ledger], { cwd: p.dir });
      const start = (...args: string[]) => startCli([...args, '--ledger', ledger], { cwd: p.dir });
      return { ...p, ledger, cli, start };
    }

    /** Starts tail once a run is in the ledger, and waits until it has shown the run's start. */
    async function tailStarted(f: Awaited<ReturnType<typeof fixture>>) {
      const runId = await eventually(
        () => withLedgerAt(f.ledger, async (l) => (await l.runs({ finished: false }))[0]?.runId),
        'the deploy to start its run',
      );
      const tailProcess = f.start('tail', '--poll', '50ms');
      let seen = '';
      tailProcess.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
      });
      const tail = collect(tailProcess);
      await eventually(
        async () => (/: started \(/.test(seen) ? true : undefined),
        'tail to show run_started',
      );
      return { runId, tail, seen: () => seen };
    }

    /** Starts a deploy held at its first target, and tail once the run is in the ledger. */
    async function deployAndTail(f: Awaited<ReturnType<typeof fixture>>) {
      const deploy = collect(f.start('deploy'));
      const { runId, tail, seen } = await tailStarted(f);
      // Only now does the deploy get past its first target: what follows, tail sees as it is written.
      const seenBeforeGo = seen();
      writeFileSync(f.path('go'), '');
      return { runId, deploy: await deploy, tail: await tail, seenBeforeGo };
    }

    it("shows a deploy's events as another process writes them, and exits 0 when it succeeds", {
      timeout: TAIL_TIMEOUT,
    }, async () => {
      const f = await fixture();
      const { runId, deploy, tail, seenBeforeGo } = await deployAndTail(f);
      expect(deploy, deploy.stderr).toMatchObject({ code: 0 });
      expect(tail, tail.stderr).toMatchObject({ code: 0 });
      expect(seenBeforeGo).not.toContain('deployed 3.1');
      const [header, ...lines] = tail.stdout.trimEnd().split('\n');
      expect(header).toMatch(new RegExp(`^following run ${runId}: shop 3\\.1 → staging, started `));
      const events = await withLedgerAt(f.ledger, (l) => l.events({ runId }));
      expect(lines).toEqual(plainLines(events));
      expect(lines.at(-1)).toMatch(/shop 3\.1 → staging: succeeded \(all_batches_healthy\)/);
    });

    it('stops following, exit 1, when the run it follows dies without finishing (SIGKILL)', {
      timeout: TAIL_TIMEOUT,
    }, async () => {
      const f = await fixture();
      const deployProcess = f.start('deploy');
      const deploy = collect(deployProcess);
      const { runId, tail } = await tailStarted(f);
      await eventually(
        async () => (runRecordExists(runId) ? true : undefined),
        'its deploy command to start',
      );
      deployProcess.kill('SIGKILL');
      await deploy;
      const { code, stdout } = await tail;
      writeFileSync(f.path('go'), ''); // lets the orphaned deploy command end
      expect(code).toBe(1);
      expect(stdout.trimEnd().split('\n').at(-1)).toMatch(
        new RegExp(
          `^run ${runId} died without finishing \\(its process \\(pid \\d+\\) on this host is gone\\); the next deploy or rollback of staging on this host records its end and takes over its targets$`,
        ),
      );
    });

    it('exits 1 when the run it follows is rolled back', { timeout: TAIL_TIMEOUT }, async () => {
      const f = await fixture({ 'fail-on-s-1': '' });
      const { deploy, tail } = await deployAndTail(f);
      expect(deploy, deploy.stderr).toMatchObject({ code: 1 });
      expect(tail.code).toBe(1);
      expect(tail.stdout).toMatch(/s-1 FAILED to deploy 3\.1/);
      expect(tail.stdout).toMatch(/ROLLBACK s-1 skipped/);
      expect(tail.stdout.trimEnd().split('\n').at(-1)).toMatch(/rolled back \(deploy_command_failed\)/);
    });

    it('replays a finished run given by --run, as JSON lines, without a config', {
      timeout: TAIL_TIMEOUT,
    }, async () => {
      const f = await fixture();
      writeFileSync(f.path('go'), '');
      expect((await f.cli('deploy')).code).toBe(0);
      const runId = await withLedgerAt(f.ledger, async (l) => (await l.runs({}))[0]?.runId ?? '');
      const { code, stdout, stderr } = await f.cli(
        'tail',
        '--run',
        runId,
        '--json',
        '-c',
        'elsewhere/none.yml',
      );
      expect(code).toBe(0);
      expect(stderr).toContain(`following run ${runId}`);
      const kinds = stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).kind);
      expect(kinds[0]).toBe('run_started');
      expect(kinds.at(-1)).toBe('run_finished');
    });

    it('says there is nothing to follow when the environment has no run in progress (exit 2)', async () => {
      const { code, stderr } = await (await fixture()).cli('tail');
      expect(code).toBe(2);
      expect(stderr).toContain('no run of shop in staging in progress to follow; give --run ID');
    });

    it('does not follow a run whose process died once a later run has finished (exit 2)', {
      timeout: TAIL_TIMEOUT,
    }, async () => {
      const f = await fixture();
      const started = Date.now() - 60_000;
      await withLedgerAt(f.ledger, (l) =>
        l.record({
          runId: 'dead-run',
          service: 'shop',
          environment: 'staging',
          version: '3.0',
          seq: 1,
          at: started,
          kind: 'run_started',
          status: 'started',
        }),
      );
      writeFileSync(f.path('go'), '');
      expect((await f.cli('deploy')).code).toBe(0);
      const { code, stderr } = await f.cli('tail');
      expect(code).toBe(2);
      expect(stderr).toContain(
        `no run of shop in staging in progress to follow (run dead-run, started ${new Date(started).toISOString().slice(0, 19)}`,
      );
    });

    it('names --run when the ledger has no such run (exit 2)', async () => {
      const { code, stderr } = await (await fixture()).cli('tail', '--run', 'nope');
      expect(code).toBe(2);
      expect(stderr).toContain('--run nope: no such run in the ledger');
    });
  });
}
