/** tranche.yml's batch commands and inventories: validation, resolving, and reading an inventory's text. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../src/config/errors.ts';
import { type InventoryReader, parseInventory, readInventories } from '../../src/config/inventory.ts';
import { parseConfig } from '../../src/config/load.ts';
import { humanMessage } from '../../src/config/messages.ts';
import { resolveEnvironment, resolveTracks, UnreadInventoryError } from '../../src/config/resolve.ts';
import { targetSchema } from '../../src/config/schema.ts';
import { configErrors } from './example.ts';

function config(component: string, extra = ''): string {
  return `service: shop
environments:
  prod:
    components:
      - name: web
${component
  .split('\n')
  .map((line) => `        ${line}`)
  .join('\n')}
${extra}`;
}

/** Reads the inventory as the given text, or fails it with the problem. */
function giving(text: string | { problem: string }): InventoryReader {
  return async () => (typeof text === 'string' ? { ok: true, text } : { ok: false, problem: text.problem });
}

async function readError(text: string, inventory: string | { problem: string }): Promise<string> {
  try {
    await readInventories(parseConfig(text, 'tranche.yml'), 'prod', giving(inventory));
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const FROM_COMMAND = config('targets: { command: ./hosts.sh }\ndeployBatch: ./playbook.sh');

describe('batch commands in tranche.yml', () => {
  it('resolves deployBatch, rollbackBatch and checkBatch into one command per batch', () => {
    const loaded = parseConfig(
      config('targets: [a, b]\ndeployBatch: ./up.sh\nrollbackBatch: ./down.sh\ncheckBatch: ./probe.sh'),
      'tranche.yml',
    );
    const [web] = resolveEnvironment(loaded.config, 'prod').components;
    expect(web).toMatchObject({
      deploy: './up.sh',
      rollback: './down.sh',
      commandsPer: 'batch',
      checkBatch: './probe.sh',
    });
  });

  it('names each batch command that conflicts with a per-target one, at its line and column', () => {
    expect(
      configErrors(config('targets: [a]\ndeploy: ./d.sh\ndeployBatch: ./up.sh\ncheckBatch: ./c.sh')),
    ).toEqual([
      'tranche.yml:8:22 environments.prod.components[0].deployBatch: a component gives per-target commands (deploy, rollback) or batch commands (deployBatch, rollbackBatch, checkBatch), not both: deployBatch conflicts with deploy',
      'tranche.yml:9:21 environments.prod.components[0].checkBatch: a component gives per-target commands (deploy, rollback) or batch commands (deployBatch, rollbackBatch, checkBatch), not both: checkBatch conflicts with deploy',
    ]);
  });

  it('asks for deployBatch when only rollbackBatch is given', () => {
    expect(configErrors(config('targets: [a]\nrollbackBatch: ./down.sh'))).toEqual([
      'tranche.yml:7:24 environments.prod.components[0].rollbackBatch: rollbackBatch need deployBatch',
    ]);
  });
});

describe('inventories', () => {
  it('fills the targets from NDJSON, records them, and refuses to resolve before they are read', async () => {
    const loaded = parseConfig(FROM_COMMAND, 'tranche.yml');
    expect(() => resolveEnvironment(loaded.config, 'prod')).toThrow(UnreadInventoryError);
    const read = await readInventories(
      loaded,
      'prod',
      giving('{"name":"h1","labels":{"zone":"a"}}\n\n"h2"\n{"name":"h3","labels":{"zone":"b","rack":7}}\n'),
    );
    const targets = [
      { name: 'h1', labels: { zone: 'a' } },
      { name: 'h2', labels: {} },
      { name: 'h3', labels: { zone: 'b', rack: '7' } },
    ];
    expect(read.inventory).toEqual([{ component: 'web', source: 'command ./hosts.sh', targets }]);
    expect(resolveEnvironment(read.config, 'prod').components[0]?.targets).toEqual(targets);
  });

  it('reads a JSON array, and lets categories and track selectors work over its targets', async () => {
    const text = config(
      'targets: { file: hosts.json }\ndeployBatch: ./playbook.sh',
      'categories: [zone]\ntracks:\n  - name: canary\n    environments: [prod]\n    targets: { zone: b }\n',
    );
    const read = await readInventories(
      parseConfig(text, 'tranche.yml'),
      'prod',
      giving(
        JSON.stringify([1, 2, 3, 4].map((i) => ({ name: `h${i}`, labels: { zone: i % 2 ? 'a' : 'b' } }))),
      ),
    );
    const [web] = resolveEnvironment(read.config, 'prod').components;
    expect(web?.categories?.labels).toEqual(['zone']);
    expect(resolveTracks(read.config)[0]?.members).toEqual([{ environment: 'prod', targets: ['h2', 'h4'] }]);
  });

  it('stops with the position of targets in tranche.yml when the inventory command fails', async () => {
    expect(
      await readError(FROM_COMMAND, { problem: 'inventory command ./hosts.sh failed with exit code 3' }),
    ).toBe(
      'tranche.yml:6:29 environments.prod.components[0].targets: inventory command ./hosts.sh failed with exit code 3',
    );
  });

  it('names the NDJSON line that is not JSON', async () => {
    expect(await readError(FROM_COMMAND, '"h1"\n"h2"\n{"name": "h3",\n')).toMatch(
      /^tranche\.yml:6:29 environments\.prod\.components\[0\]\.targets: the output of inventory command \.\/hosts\.sh, line 3: invalid JSON: /,
    );
  });

  it('names the line of a JSON array element that is not a target', async () => {
    expect(await readError(FROM_COMMAND, '[\n  "h1",\n  {"name": "h2"},\n  {"labels": {}}\n]\n')).toBe(
      'tranche.yml:6:29 environments.prod.components[0].targets: the output of inventory command ./hosts.sh, line 4: expected a target name or a {name, labels} mapping',
    );
  });

  it('names the line and column of a JSON syntax error', async () => {
    expect(await readError(FROM_COMMAND, '[\n  "h1",\n  "h2" "h3"\n]\n')).toMatch(
      /the output of inventory command \.\/hosts\.sh, line 3:\d+: invalid JSON: /,
    );
  });

  it('gives what the schema gives for every target, valid or not', () => {
    const where = (message: string) => ({ file: 'inventory', path: [], message });
    const valid = [
      'a',
      { name: 'b' },
      { name: 'c', labels: { zone: 'x' } },
      { name: 'd', labels: { rack: 3, spare: true } },
      { name: 'e', labels: {} },
    ];
    expect(parseInventory(JSON.stringify(valid), where)).toEqual(z.array(targetSchema).parse(valid));
    const invalid = [
      '',
      { name: '' },
      { name: 'x', extra: 1 },
      { name: 'x', labels: { a: null } },
      { labels: {} },
      5,
      null,
      ['a'],
    ];
    for (const item of invalid) {
      const parsed = targetSchema.safeParse(item, { error: humanMessage });
      expect(parsed.success).toBe(false);
      expect(() => parseInventory(JSON.stringify([item]), where)).toThrow(parsed.error?.issues[0]?.message);
    }
  });

  it('refuses a target listed twice, and an inventory with no target', async () => {
    expect(await readError(FROM_COMMAND, '"h1"\n"h2"\n"h1"\n')).toMatch(
      /line 3: target 'h1' is listed more than once$/,
    );
    expect(await readError(FROM_COMMAND, '\n')).toMatch(/targets: the inventory gave no target$/);
  });
});
