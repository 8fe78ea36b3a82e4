/**
 * `tranche deploy` SIGKILLed at each phase of a run, then the next deploy or rollback on the host:
 * the deploy and check commands stop at the phase the test names (they write `reached`, their pid
 * in `orphan.pid`, and sleep), the test kills the real CLI process, and after the next run the
 * shared invariants are checked on the ledger, the targets and the orphaned command.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, project, runCli, startCli } from '../support/cli.ts';
import { withLedgerAt } from '../support/ledgers.ts';
import { alive, fileWritten, killGroupOf } from '../support/processes.ts';
import { ledgerViolations } from './support/invariants.ts';
import { FULL_TIER, tally } from './support/tier.ts';

const TARGETS = ['a', 'b', 'c'];

function config(bake: string): string {
  return `service: shop
environments:
  prod:
    components:
      - name: app
        targets: [${TARGETS.join(', ')}]
        deploy: ./deploy.sh
        timeout: 2m
        rollout: { first: 1, growth: 2, bake: ${bake}, checkEvery: 1s }
        checks: [probe]
checks:
  probe:
    command: ./check.sh
    timeout: 2m
`;
}

/** Stops (writes reached and its pid, then sleeps) where the file stop-at says. */
const STOP = `stop() { echo $$ > orphan.pid; echo "$1" > reached; sleep 600; exit 0; }
at=$(cat stop-at 2>/dev/null || true)
`;

const DEPLOY = `#!/bin/sh
set -eu
mkdir -p state
${STOP}
if [ "$TRANCHE_ACTION" = deploy ] && [ "$at" = allocated ] && [ "$TRANCHE_TARGET" = a ]; then stop allocated; fi
if [ "$TRANCHE_ACTION" = deploy ] && [ "$at" = deploying ] && [ "$TRANCHE_TARGET" = b ]; then stop deploying; fi
if [ "$TRANCHE_ACTION" = rollback ] && [ "$at" = rolling-back ]; then stop rolling-back; fi
printf '%s\\n' "$TRANCHE_VERSION" > "state/$TRANCHE_TARGET"
`;

/** Fails on b when rolling back is the phase to reach, so that the run rolls back. */
const CHECK = `#!/bin/sh
set -eu
${STOP}
[ -n "$at" ] && echo "$TRANCHE_TARGET" >> checked
if [ "$at" = checking ] && [ "$TRANCHE_TARGET" = b ]; then stop checking; fi
if [ "$at" = baking ] && [ "$(grep -c . checked)" -ge 2 ]; then echo baking > reached; fi
if [ "$at" = rolling-back ] && [ "$TRANCHE_TARGET" = b ]; then exit 1; fi
exit 0
`;

const PHASES = [
  { phase: 'allocated', bake: '0s' },
  { phase: 'deploying', bake: '0s' },
  { phase: 'checking', bake: '0s' },
  { phase: 'baking', bake: '10m' },
  { phase: 'rolling-back', bake: '0s' },
] as const;
const NEXT = ['deploy', 'rollback'] as const;

/** Every phase followed by each next run; the quick tier alternates the next run between phases. */
const CASES = PHASES.flatMap(({ phase, bake }, i) =>
  NEXT.filter((_, j) => FULL_TIER || j === i % NEXT.length).map((next) => ({ phase, bake, next })),
);

const counted = tally('CLI × SIGKILL');
afterAll(() => counted.report());

// The next run recognises the dead run's processes through /proc (see orphaned-commands.test.ts).
describe.skipIf(!existsSync('/proc')).concurrent.each(CASES)(
  'a deploy SIGKILLed while $phase, then the next $next',
  ({ phase, bake, next }) => {
    it('leaves every run recorded, every target where the ledger says, and no command running', async () => {
      const p = project({ 'tranche.yml': config('0s'), 'deploy.sh': DEPLOY, 'check.sh': CHECK });
      let orphan = 0;
      try {
        expect((await runCli(['deploy', '-e', 'prod'], { cwd: p.dir })).code).toBe(0);
        writeFileSync(p.path('stop-at'), phase);
        writeFileSync(p.path('tranche.yml'), config(bake));
        const dying = startCli(['deploy', '-e', 'prod'], { cwd: p.dir });
        const died = collect(dying);
        expect(await fileWritten(p.path('reached'))).toBe(phase);
        orphan = Number(existsSync(p.path('orphan.pid')) ? readFileSync(p.path('orphan.pid'), 'utf8') : 0);
        dying.kill('SIGKILL');
        await died;
        rmSync(p.path('stop-at'));
        writeFileSync(p.path('tranche.yml'), config('0s'));

        const after = await runCli([next, '-e', 'prod'], { cwd: p.dir });
        expect(after.code, after.stderr).toBe(0);
        const found = await withLedgerAt(p.path('.tranche/ledger.db'), async (ledger) => {
          const runs = await ledger.runs({});
          const newest = runs.find((r) => r.startedAt === Math.max(...runs.map((x) => x.startedAt)));
          return ledgerViolations(
            {
              actual: Object.fromEntries(
                TARGETS.map((t) => [t, readFileSync(p.path(`state/${t}`), 'utf8').trim()]),
              ),
              allowed: next === 'deploy' ? [newest?.version ?? null, '1'] : ['1'],
            },
            {
              runs,
              targets: await ledger.targetStates('shop', 'prod'),
              orphansAlive: orphan > 0 && alive(orphan) ? 1 : 0,
            },
          );
        });
        counted.add(found);
        expect(found).toEqual([]);
      } finally {
        if (orphan > 0) killGroupOf(orphan);
        p.dispose();
      }
    }, 600_000);
  },
);
