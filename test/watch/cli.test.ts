/**
 * `tranche watch` as its own process beside a real `tranche deploy`: the matrix starts red and
 * the targets' cells turn green one by one as the deploy reaches them, in the log, in --json
 * lines and in the ledger.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collect, runCli, startCli } from '../support/cli.ts';
import { disposedAfterEach } from '../support/dispose.ts';
import { eventually } from '../support/eventually.ts';
import { LEDGER_BACKENDS, withLedgerAt } from '../support/ledgers.ts';
import { timeoutFor } from '../support/measured-work.ts';
import { GATED_DEPLOY, watchedProject } from './watched-project.ts';

/** A watch, a deploy and the CLI processes reading the ledger meanwhile. */
const TIMEOUT = timeoutFor({ nodes: 8 });

const disposeAfter = disposedAfterEach();

interface Line {
  type: string;
  [key: string]: unknown;
}

for (const backend of LEDGER_BACKENDS) {
  describe.skipIf(backend.skip)(`tranche watch on ${backend.name}`, () => {
    async function fixture() {
      const p = watchedProject(['a-1', 'a-2', 'a-3'], GATED_DEPLOY);
      disposeAfter(p.dispose);
      const ledger = await backend.location(p.dir);
      const cli = (...args: string[]) => runCli([...args, '--ledger', ledger], { cwd: p.dir });
      const start = (...args: string[]) => startCli([...args, '--ledger', ledger], { cwd: p.dir });
      return { ...p, ledger, cli, start };
    }

    it(
      'says a new environment starts red, and --once exits 1 while any cell is red, 0 once all are green',
      async () => {
        const f = await fixture();
        const before = await f.cli('watch', '--once');
        expect(before.code).toBe(1);
        expect(before.stdout).toContain('no deploy has reached prod yet: red is the expected start');
        expect(before.stdout).toContain('✗ a-2 up: command exited with code 1: a-2 has no state file');
        expect(before.stdout).toContain('3/6 green');

        for (const target of ['a-1', 'a-2', 'a-3']) writeFileSync(f.path(`go-${target}`), '');
        expect((await f.cli('deploy', '--allow-dirty')).code).toBe(0);
        const after = await f.cli('watch', '--once', '--json');
        expect(after.code).toBe(0);
        const lines = after.stdout.trim().split('\n');
        expect(lines).toHaveLength(1);
        const snapshot = JSON.parse(lines[0] as string) as Line;
        expect(snapshot).toMatchObject({
          type: 'snapshot',
          service: 'shop',
          environment: 'prod',
          checks: ['up', 'fast'],
          unwatched: [],
          targets: [
            { component: 'app', target: 'a-1', version: '1' },
            { component: 'app', target: 'a-2', version: '1' },
            { component: 'app', target: 'a-3', version: '1' },
          ],
          green: 6,
          red: 0,
        });
        expect(snapshot.cells).toContainEqual({
          component: 'app',
          target: 'a-1',
          check: 'fast',
          state: 'green',
          status: 'pass',
          since: expect.any(Number),
          reason: 'value 3 is within limits (max 10)',
          value: 3,
        });
      },
      TIMEOUT,
    );

    it(
      'turns each target green as the deploy lands on it, in --json lines and in the ledger, and stops on SIGTERM',
      async () => {
        const f = await fixture();
        const watcher = f.start('watch', '--json', '--interval', '50ms');
        let out = '';
        watcher.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
        });
        const watched = collect(watcher);
        const lines = () =>
          out
            .split('\n')
            .filter((l) => l.endsWith('}'))
            .map((l) => JSON.parse(l) as Line);
        const greenUps = () =>
          lines()
            .filter((l) => l.type === 'transition' && l.check === 'up' && l.state === 'green')
            .map((l) => l.target);
        const snapshot = await eventually(async () => lines()[0], 'the first snapshot');
        expect(snapshot.type).toBe('snapshot');
        expect(snapshot.red).toBe(3);

        const deploy = collect(f.start('deploy', '--allow-dirty'));
        for (const [i, target] of ['a-1', 'a-2', 'a-3'].entries()) {
          writeFileSync(f.path(`go-${target}`), '');
          await eventually(
            async () => (greenUps().includes(target) ? true : undefined),
            `${target} to turn green`,
          );
          // Only the targets the deploy has reached are green.
          expect(greenUps()).toEqual(['a-1', 'a-2', 'a-3'].slice(0, i + 1));
        }
        expect((await deploy).code).toBe(0);

        watcher.kill('SIGTERM');
        const result = await watched;
        expect(result.code).toBe(0);
        const transition = lines().find((l) => l.type === 'transition' && l.target === 'a-2');
        expect(transition).toEqual({
          type: 'transition',
          service: 'shop',
          environment: 'prod',
          component: 'app',
          target: 'a-2',
          check: 'up',
          at: expect.any(Number),
          state: 'green',
          status: 'pass',
          reason: 'exited 0',
          value: null,
          from: 'red',
        });

        const recorded = await withLedgerAt(f.ledger, (l) =>
          l.watchTransitions({ service: 'shop', environment: 'prod' }),
        );
        const ups = recorded.filter((t) => t.check === 'up').map((t) => `${t.target} ${t.state}`);
        // First seen red (in any order: one round checks them at once), then green in deploy order.
        expect(ups.slice(0, 3).sort()).toEqual(['a-1 red', 'a-2 red', 'a-3 red']);
        expect(ups.slice(3)).toEqual(['a-1 green', 'a-2 green', 'a-3 green']);
      },
      TIMEOUT,
    );
  });
}
