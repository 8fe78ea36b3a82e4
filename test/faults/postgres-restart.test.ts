/**
 * The PostgreSQL ledger restarted under a running `tranche deploy`: the server is shut down (its
 * connections cut) while a deploy command runs, and brought back either at once or only after the
 * command has finished and the run has had to record without it. The deploy must end as it would
 * have, with every run terminal and every target where the ledger says.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, project, runCli, startCli } from '../support/cli.ts';
import { withLedgerAt } from '../support/ledgers.ts';
import { postgresAvailable } from '../support/postgres.ts';
import { type LocalCluster, startCluster } from '../support/postgres-cluster.ts';
import { fileWritten } from '../support/processes.ts';
import { ledgerViolations } from './support/invariants.ts';
import { tally } from './support/tier.ts';

const TARGETS = ['a', 'b', 'c'];

const CONFIG = `service: shop
environments:
  prod:
    components:
      - name: app
        targets: [${TARGETS.join(', ')}]
        deploy: ./deploy.sh
        timeout: 5m
        rollout: { first: 1, growth: 2, bake: 0s }
        checks: [probe]
checks:
  probe:
    command: ./check.sh
`;

/** On the target named in hold-at: says so in reached, then waits for the file go. */
const DEPLOY = `#!/bin/sh
set -eu
mkdir -p state
if [ "$(cat hold-at 2>/dev/null || true)" = "$TRANCHE_TARGET" ]; then
  echo held > reached
  while [ ! -e go ]; do sleep 0.1; done
fi
printf '%s\\n' "$TRANCHE_VERSION" > "state/$TRANCHE_TARGET"
`;

const CHECK = `#!/bin/sh
[ "$(cat "state/$TRANCHE_TARGET")" = "$TRANCHE_VERSION" ]
`;

const OUTAGES = [
  { outage: 'restarted while a deploy command runs', backBeforeCommandEnds: true },
  { outage: 'down until the command has ended and the run has gone on', backBeforeCommandEnds: false },
] as const;

const counted = tally('PostgreSQL restart');
afterAll(() => counted.report());

describe.skipIf(!postgresAvailable).each(OUTAGES)('the ledger $outage', ({ backBeforeCommandEnds }) => {
  let cluster: LocalCluster;
  beforeAll(async () => {
    cluster = await startCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('ends the deploy as it would have: recorded, terminal, every target on the new version', async () => {
    const ledger = `${cluster.url}?schema=shop`;
    const p = project({ 'tranche.yml': CONFIG, 'deploy.sh': DEPLOY, 'check.sh': CHECK });
    try {
      const first = await runCli(['deploy', '-e', 'prod', '--ledger', ledger], { cwd: p.dir });
      expect(first.code, first.stderr).toBe(0);

      writeFileSync(p.path('hold-at'), 'b');
      const running = collect(startCli(['deploy', '-e', 'prod', '--ledger', ledger], { cwd: p.dir }));
      expect(await fileWritten(p.path('reached'))).toBe('held');
      await cluster.down();
      if (backBeforeCommandEnds) {
        await cluster.up();
        writeFileSync(p.path('go'), '');
      } else {
        // The command has ended: the run goes on to record it with no server to take it.
        rmSync(p.path('state/b'));
        writeFileSync(p.path('go'), '');
        expect(await fileWritten(p.path('state/b'))).toBe('2');
        // The run goes on meanwhile: it records the command's end, or waits to.
        await sleep(1000);
        await cluster.up();
      }
      const second = await running;
      expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(0);

      const found = await withLedgerAt(ledger, async (l) =>
        ledgerViolations(
          {
            actual: Object.fromEntries(
              TARGETS.map((t) => [t, readFileSync(p.path(`state/${t}`), 'utf8').trim()]),
            ),
            allowed: ['2'],
          },
          { runs: await l.runs({}), targets: await l.targetStates('shop', 'prod'), orphansAlive: 0 },
        ),
      );
      counted.add(found);
      expect(found).toEqual([]);
    } finally {
      p.dispose();
    }
  }, 600_000);
});
