import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.ts';
import { loadConfig, parseConfig } from '../../src/config/load.ts';
import { EXAMPLE, yaml } from './example.ts';

const MINIMAL = yaml(
  'service: api',
  'environments:',
  '  staging:',
  '    components:',
  '      - name: web',
  '        targets: [web-1]',
  '        deploy: ./deploy.sh',
);

describe('loading tranche.yml', () => {
  describe('the full example', () => {
    const { config } = parseConfig(EXAMPLE, 'tranche.yml');
    const app = config.environments.production?.components[0];

    it('keeps the service, version template and failure policy', () => {
      expect(config.service).toBe('metrics-store');
      expect(config.version).toBe('2.14.{n}');
      expect(config.environments.production?.onFailure).toBe('rollback-release');
    });

    it('reads the component with its durations in milliseconds', () => {
      expect(app).toEqual({
        name: 'app',
        targets: [
          { name: 'app-1', labels: {} },
          { name: 'app-2', labels: {} },
          { name: 'app-3', labels: { cloud: 'gcp' } },
        ],
        deploy: './deploy.sh',
        rollback: './deploy.sh',
        timeout: 120_000,
        rollout: {
          first: 1,
          growth: 2,
          maxBatch: 16,
          parallel: 4,
          bake: 30_000,
          checkEvery: 10_000,
          rollbackParallel: 16,
        },
        checks: ['health', 'query'],
      });
    });

    it('reads an http check and a command check with their defaults', () => {
      expect(config.checks).toEqual({
        health: {
          http: { url: 'http://{target}:8080/healthz', status: 200, samples: 5, p95: 300, timeout: 5000 },
        },
        query: { command: './checks/query.sh', timeout: 10_000 },
      });
    });
  });

  describe('defaults', () => {
    const { config } = parseConfig(MINIMAL, 'tranche.yml');
    const web = config.environments.staging?.components[0];

    it('fills in the version template, failure policy and top-level checks', () => {
      expect(config.version).toBe('{n}');
      expect(config.environments.staging?.onFailure).toBe('rollback-release');
      expect(config.checks).toEqual({});
    });

    it('fills in the timeout, rollout and check list of a component', () => {
      expect(web?.timeout).toBe(300_000);
      expect(web?.rollback).toBeUndefined();
      expect(web?.checks).toEqual([]);
      expect(web?.rollout).toEqual({
        first: 1,
        growth: 2,
        bake: 0,
        checkEvery: 10_000,
        rollbackParallel: 16,
      });
    });

    it('fills in the status, samples and timeout of an http check', () => {
      const text = `${MINIMAL}checks:\n  up:\n    http: { url: "https://{target}/up" }\n`;
      expect(parseConfig(text, 'tranche.yml').config.checks.up).toEqual({
        http: { url: 'https://{target}/up', status: 200, samples: 1, timeout: 10_000 },
      });
    });

    it('reads a bare number of seconds as a duration', () => {
      const text = MINIMAL.replace('deploy: ./deploy.sh', 'deploy: ./deploy.sh\n        timeout: 90');
      expect(parseConfig(text, 'tranche.yml').config.environments.staging?.components[0]?.timeout).toBe(
        90_000,
      );
    });
  });

  describe('targets', () => {
    const targetsOf = (list: string) =>
      parseConfig(MINIMAL.replace('targets: [web-1]', `targets: ${list}`), 'tranche.yml').config.environments
        .staging?.components[0]?.targets;

    it('turns a plain name into a target without labels', () => {
      expect(targetsOf('[web-1, web-2]')).toEqual([
        { name: 'web-1', labels: {} },
        { name: 'web-2', labels: {} },
      ]);
    });

    it('reads a {name, labels} mapping as is', () => {
      expect(targetsOf('[{ name: web-1, labels: { zone: eu-1 } }]')).toEqual([
        { name: 'web-1', labels: { zone: 'eu-1' } },
      ]);
    });

    it('defaults the labels of a mapping without any to none', () => {
      expect(targetsOf('[{ name: web-1 }]')).toEqual([{ name: 'web-1', labels: {} }]);
    });

    it('turns number and boolean label values into strings', () => {
      expect(targetsOf('[{ name: web-1, labels: { rack: 3, canary: true } }]')).toEqual([
        { name: 'web-1', labels: { rack: '3', canary: 'true' } },
      ]);
    });

    it('accepts a block list mixing both forms', () => {
      const block = '\n          - web-1\n          - name: web-2\n            labels: { zone: b }';
      expect(targetsOf(block)).toEqual([
        { name: 'web-1', labels: {} },
        { name: 'web-2', labels: { zone: 'b' } },
      ]);
    });
  });

  describe('YAML anchors', () => {
    const text = yaml(
      'service: api',
      'environments:',
      '  staging:',
      '    components:',
      '      - name: web',
      '        targets: [web-1]',
      '        deploy: ./deploy.sh',
      '        rollout: &rollout { first: 2, bake: 1m }',
      '      - name: worker',
      '        targets: [worker-1]',
      '        deploy: ./deploy.sh',
      '        rollout: { <<: *rollout, growth: 3 }',
    );
    const [web, worker] = parseConfig(text, 'tranche.yml').config.environments.staging?.components ?? [];

    it('reuses an anchored mapping and merges it with <<', () => {
      expect(web?.rollout).toMatchObject({ first: 2, growth: 2, bake: 60_000 });
      expect(worker?.rollout).toMatchObject({ first: 2, growth: 3, bake: 60_000 });
    });
  });

  describe('hostile values', () => {
    const withBake = (bake: string) => `${MINIMAL}        rollout: { bake: ${bake} }\n`;
    const issuesOf = (text: string) => {
      try {
        parseConfig(text, 'tranche.yml');
      } catch (error) {
        if (error instanceof ConfigError) return error.issues;
        throw error;
      }
      throw new Error('loaded');
    };

    it('refuses a duration longer than a timer can wait, at its position', () => {
      expect(
        parseConfig(withBake('576h'), 'tranche.yml').config.environments.staging?.components[0]?.rollout.bake,
      ).toBe(576 * 3_600_000);
      for (const bake of ['577h', `"${'9'.repeat(400)}"`, `"${'9'.repeat(400)}h"`]) {
        expect(issuesOf(withBake(bake))).toEqual([
          expect.objectContaining({ line: 8, message: 'expected a duration of at most 576h (24 days)' }),
        ]);
      }
    });

    it('shows a key or value of thousands of characters by its start and its length', () => {
      const long = 'x'.repeat(1000);
      const [issue] = issuesOf(`${MINIMAL}        ${long}: 1\n`);
      const message = new ConfigError(issue ? [issue] : []).message;
      expect(message).toContain(`${'x'.repeat(120)}… (1000 characters)`);
      expect(message.length).toBeLessThan(400);
      const [spaced] = issuesOf(`${MINIMAL.replace('service: api', `service: [${'evil '.repeat(1000)}]`)}`);
      expect(spaced?.message.length).toBeLessThan(600);
    });
  });

  describe('locate', () => {
    const loaded = parseConfig(EXAMPLE, 'tranche.yml');

    it('points at a scalar value', () => {
      expect(loaded.locate(['environments', 'production', 'components', 0, 'rollout', 'growth'])).toEqual({
        line: 13,
        column: 19,
      });
    });

    it('points at the key of a mapping that starts on the next line', () => {
      expect(loaded.locate(['checks', 'health'])).toEqual({ line: 22, column: 3 });
    });

    it('points at a flow mapping itself', () => {
      expect(loaded.locate(['checks', 'health', 'http'])).toEqual({ line: 23, column: 11 });
    });

    it('points at an item of a list', () => {
      expect(loaded.locate(['environments', 'production', 'components', 0, 'checks', 1])).toEqual({
        line: 19,
        column: 26,
      });
    });

    it('returns undefined for a path the file does not have', () => {
      expect(loaded.locate(['checks', 'latency'])).toBeUndefined();
      expect(loaded.locate(['environments', 'production', 'components', 3])).toBeUndefined();
    });
  });

  describe('loadConfig', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'tranche-config-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reads the file and names it as given', async () => {
      const file = join(dir, 'tranche.yml');
      await writeFile(file, EXAMPLE);
      const loaded = await loadConfig(file);
      expect(loaded.file).toBe(file);
      expect(loaded.config.service).toBe('metrics-store');
    });

    it('throws a ConfigError naming a missing file', async () => {
      const file = join(dir, 'missing.yml');
      const error = await loadConfig(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe(`${file}: file not found`);
      expect((error as ConfigError).issues).toEqual([{ file, path: [], message: 'file not found' }]);
    });
  });
});
