/**
 * examples/ansible-inventory through the real CLI: the hosts of an Ansible-style inventory,
 * deployed by one stand-in playbook run per batch; an unreachable host rolls back exactly the
 * hosts the deploy touched.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeployResult } from '../../src/engine/result.ts';
import { runCli } from '../support/cli.ts';
import { timeoutFor } from '../support/measured-work.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/ansible-inventory', import.meta.url));
const HOSTS = ['web-a1', 'web-a2', 'web-a3', 'web-b1', 'web-b2', 'web-b3', 'web-b4'];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tranche-ansible-'));
  cpSync(EXAMPLE, dir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function deploy(): Promise<{ code: number; result: DeployResult; stderr: string }> {
  const run = await runCli(['deploy', '--json'], { cwd: dir });
  return { code: run.code, result: JSON.parse(run.stdout) as DeployResult, stderr: run.stderr };
}

const versionOf = (host: string) => readFileSync(join(dir, 'state', host), 'utf8').trim();

describe('examples/ansible-inventory', { timeout: timeoutFor({ nodes: 20 }) }, () => {
  it('deploys every host of the inventory, a playbook run per batch, one host of each group first', async () => {
    const { code, result, stderr } = await deploy();
    expect(code).toBe(0);
    expect(result.components[0]?.batches.map((b) => b.targets)).toEqual([
      ['web-a1', 'web-b1'],
      ['web-a2', 'web-a3', 'web-b2', 'web-b3'],
      ['web-b4'],
    ]);
    expect(HOSTS.map(versionOf)).toEqual(HOSTS.map(() => '1'));
    expect(stderr).toContain('inventory: web: 7 target(s) from command ./inventory.sh');
  });

  it('rolls back exactly the touched hosts when one is unreachable', async () => {
    await deploy();
    writeFileSync(join(dir, 'unreachable'), 'web-a3\n');
    const { code, result } = await deploy();
    expect(code).toBe(1);
    expect(result.message).toContain('deploy of web-a3 failed: UNREACHABLE!');
    expect(result.rolledBack.map((r) => [r.target, r.status]).toSorted()).toEqual(
      ['web-a1', 'web-a2', 'web-a3', 'web-b1', 'web-b2', 'web-b3'].map((h) => [h, 'rolled_back']),
    );
    expect(HOSTS.map(versionOf)).toEqual(HOSTS.map(() => '1'));
  });
});
