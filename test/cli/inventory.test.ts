/**
 * Dynamic inventory through the real CLI: targets printed by a command when a deploy is planned,
 * recorded with the run; an inventory that fails or prints something else stops the deploy before
 * anything runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DeployResult } from '../../src/engine/result.ts';
import { openLedger } from '../../src/ledger/open.ts';
import { project, RECORDING_DEPLOY, runCli } from '../support/cli.ts';
import { disposedAfterEach } from '../support/dispose.ts';
import { timeoutFor } from '../support/measured-work.ts';

const CONFIG = `service: shop
version: "1.{n}"
environments:
  prod:
    components:
      - name: app
        targets: { command: ./hosts.sh }
        deploy: ./deploy.sh
        rollout: { first: 1, growth: 2 }
`;

/** Prints three hosts as NDJSON, or what INVENTORY says instead; exits with INVENTORY_EXIT. */
const HOSTS = `#!/bin/sh
echo "$TRANCHE_SERVICE $TRANCHE_ENVIRONMENT $TRANCHE_COMPONENT" > inventory-called
if [ -n "\${INVENTORY:-}" ]; then printf '%b' "$INVENTORY"; exit "\${INVENTORY_EXIT:-0}"; fi
echo '{"name": "h1", "labels": {"zone": "a"}}'
echo '{"name": "h2", "labels": {"zone": "b"}}'
echo '"h3"'
exit "\${INVENTORY_EXIT:-0}"
`;

const CLI_TESTS = { timeout: timeoutFor({ nodes: 6 }) };

const disposeAfter = disposedAfterEach();

function fleet() {
  const p = project({ 'tranche.yml': CONFIG, 'hosts.sh': HOSTS, 'deploy.sh': RECORDING_DEPLOY });
  disposeAfter(p.dispose);
  const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: p.dir, env });
  return { ...p, run };
}

async function events(dir: string) {
  const ledger = await openLedger(undefined, dir);
  try {
    return await ledger.events({});
  } finally {
    await ledger.close();
  }
}

describe('inventory', CLI_TESTS, () => {
  it('deploys the targets a command printed and records them with the run', async () => {
    const f = fleet();
    const { code, stdout, stderr } = await f.run(['deploy', '--json']);
    expect(stderr).toContain('inventory: app: 3 target(s) from command ./hosts.sh: h1, h2, h3');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as DeployResult;
    expect(result.components[0]?.batches.map((b) => b.targets)).toEqual([['h1'], ['h2', 'h3']]);
    expect(readFileSync(f.path('inventory-called'), 'utf8')).toBe('shop prod app\n');
    const recorded = (await events(f.dir)).find((e) => e.kind === 'inventory');
    expect(recorded?.runId).toBe(result.runId);
    expect(recorded?.data).toEqual({
      components: [
        {
          component: 'app',
          source: 'command ./hosts.sh',
          targets: [
            { name: 'h1', labels: { zone: 'a' } },
            { name: 'h2', labels: { zone: 'b' } },
            { name: 'h3', labels: {} },
          ],
        },
      ],
    });
    const history = await f.run(['history']);
    expect(history.stdout).toContain(`${result.runId}: inventory app: 3 target(s) from command ./hosts.sh`);
    const [run] = JSON.parse((await f.run(['history', '--json'])).stdout);
    expect(run.inventory).toEqual(recorded?.data?.components);
  });

  it('plans over the inventory without running anything else', async () => {
    const f = fleet();
    const { code, stdout } = await f.run(['plan']);
    expect(code).toBe(0);
    expect(stdout).toContain('batch 1: 1 target(s): h1');
    expect(stdout).toContain('batch 2: 2 target(s): h2, h3');
    expect(existsSync(f.path('state'))).toBe(false);
  });

  it('stops before anything runs when the inventory command fails', async () => {
    const f = fleet();
    const { code, stderr } = await f.run(['deploy'], { INVENTORY: 'oops\\n', INVENTORY_EXIT: '3' });
    expect(code).toBe(2);
    expect(stderr).toContain(
      'tranche.yml:7:29 environments.prod.components[0].targets: inventory command ./hosts.sh failed with exit code 3: oops',
    );
    expect(existsSync(f.path('state'))).toBe(false);
    expect(await events(f.dir)).toEqual([]);
  });

  it('stops before anything runs when the inventory prints a malformed line, naming it', async () => {
    const f = fleet();
    const { code, stderr } = await f.run(['deploy'], {
      INVENTORY: '"h1"\\n{"name": "h2"}\\n{"name": h3}\\n',
    });
    expect(code).toBe(2);
    expect(stderr).toContain(
      'tranche.yml:7:29 environments.prod.components[0].targets: the output of inventory command ./hosts.sh, line 3: invalid JSON',
    );
    expect(existsSync(f.path('state'))).toBe(false);
    expect(await events(f.dir)).toEqual([]);
  });
});
