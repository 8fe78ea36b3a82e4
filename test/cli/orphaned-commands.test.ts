/**
 * A `tranche deploy` killed (SIGKILL) mid-command leaves its command running, orphaned: the next
 * run on the host must not deploy beside it, and must not leave the dead run unrecorded.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEPLOY_LEASE_MS, leaseCovering } from '../../src/release/deploy-lock.ts';
import { collect, project, runCli, startCli } from '../support/cli.ts';
import { disposedAfterEach } from '../support/dispose.ts';
import { component } from '../support/fakes.ts';
import { withLedgerAt } from '../support/ledgers.ts';
import { alive, fileWritten, killGroupOf } from '../support/processes.ts';

const CONFIG = `service: shop
environments:
  prod:
    components:
      - name: app
        targets: [a, b]
        deploy: ./deploy.sh
        timeout: 2m
`;

/** Version 2 hangs on target a (writing its pid first), and would then write 2 on a. */
const DEPLOY = `#!/bin/sh
set -eu
mkdir -p state
if [ "$TRANCHE_VERSION" = 2 ] && [ "$TRANCHE_TARGET" = a ]; then
  echo $$ > orphan.pid
  sleep 600
  echo 2 > state/a
  echo "orphan wrote 2 on a" >> state/log
  exit 0
fi
printf '%s\\n' "$TRANCHE_VERSION" > "state/$TRANCHE_TARGET"
echo "$TRANCHE_ACTION $TRANCHE_TARGET $TRANCHE_VERSION" >> state/log
`;

const disposeAfter = disposedAfterEach();

// Telling a dead run's processes from a recycled pgid needs /proc; elsewhere the next run waits for the lease.
describe.skipIf(!existsSync('/proc'))('a deploy killed while its command runs', () => {
  it('is taken over by the next deploy on the host: the orphan killed, the dead run recorded, every target on the new version', async () => {
    const p = project({ 'tranche.yml': CONFIG, 'deploy.sh': DEPLOY });
    disposeAfter(p.dispose);
    expect((await runCli(['deploy', '-e', 'prod'], { cwd: p.dir })).code).toBe(0);

    const dying = startCli(['deploy', '-e', 'prod'], { cwd: p.dir });
    const died = collect(dying);
    const orphan = Number(await fileWritten(p.path('orphan.pid')));
    disposeAfter(() => killGroupOf(orphan));
    dying.kill('SIGKILL');
    await died;
    expect(alive(orphan)).toBe(true);

    const next = await runCli(['deploy', '-e', 'prod'], { cwd: p.dir });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(
      /run \S+ \(pid \d+\) died without finishing: 1 command group\(s\) it left running killed/,
    );
    expect(alive(orphan)).toBe(false);
    expect(readFileSync(p.path('state/a'), 'utf8').trim()).toBe('3');
    expect(readFileSync(p.path('state/b'), 'utf8').trim()).toBe('3');
    expect(readFileSync(p.path('state/log'), 'utf8')).not.toContain('orphan');

    await withLedgerAt(p.path('.tranche/ledger.db'), async (ledger) => {
      const runs = await ledger.runs({});
      expect(runs.map((r) => [r.version, r.decision, r.reasonCode])).toEqual(
        expect.arrayContaining([
          ['2', 'halted', 'run_died'],
          ['3', 'succeeded', 'all_batches_healthy'],
        ]),
      );
      const targets = await ledger.targetStates('shop', 'prod');
      expect(targets.map((t) => [t.target, t.version, t.goodVersion])).toEqual([
        ['a', '3', '3'],
        ['b', '3', '3'],
      ]);
    });
  }, 600_000);
});

describe('leaseCovering', () => {
  it('outlasts the longest deploy or command check timeout, which an orphan may run for', () => {
    const slow = { ...component({ name: 'db', targets: 1 }), timeoutMs: 300_000 };
    const checked = {
      ...component({ name: 'app', targets: 1 }),
      timeoutMs: 1_000,
      checks: [{ kind: 'command' as const, name: 'smoke', command: './smoke', timeoutMs: 900_000 }],
    };
    expect(leaseCovering([slow])).toBe(DEPLOY_LEASE_MS + 300_000);
    expect(leaseCovering([slow, checked])).toBe(DEPLOY_LEASE_MS + 900_000);
  });
});
