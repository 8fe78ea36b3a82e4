import { describe, expect, it } from 'vitest';
import type { KnownCheck } from '../../src/checks/check-specs.ts';
import { parseConfig } from '../../src/config/load.ts';
import { renderVersion, resolveEnvironment, UnknownEnvironmentError } from '../../src/config/resolve.ts';
import type { ComponentSpec } from '../../src/engine/ports.ts';
import { EXAMPLE, yaml } from './example.ts';

const config = parseConfig(EXAMPLE, 'tranche.yml').config;

describe('resolving an environment', () => {
  describe('the full example in production', () => {
    const resolved = resolveEnvironment(config, 'production');

    it('carries the service, version template and failure policy', () => {
      expect(resolved.service).toBe('metrics-store');
      expect(resolved.versionTemplate).toBe('2.14.{n}');
      expect(resolved.onFailure).toBe('rollback-release');
    });

    it('maps the component to the engine spec, durations in ms and checks resolved by name', () => {
      const expected: ComponentSpec & { checks: KnownCheck[] } = {
        name: 'app',
        targets: [
          { name: 'app-1', labels: {} },
          { name: 'app-2', labels: {} },
          { name: 'app-3', labels: { cloud: 'gcp' } },
        ],
        deploy: './deploy.sh',
        rollback: './deploy.sh',
        timeoutMs: 120_000,
        rollout: {
          first: 1,
          growth: 2,
          maxBatch: 16,
          parallel: 4,
          bakeMs: 30_000,
          checkIntervalMs: 10_000,
          rollbackParallel: 16,
        },
        checks: [
          {
            kind: 'http',
            name: 'health',
            url: 'http://{target}:8080/healthz',
            status: 200,
            samples: 5,
            p95Ms: 300,
            timeoutMs: 5000,
          },
          {
            kind: 'command',
            name: 'query',
            command: './checks/query.sh',
            max: undefined,
            min: undefined,
            timeoutMs: 10_000,
          },
        ],
      };
      expect(resolved.components).toEqual([expected]);
    });
  });

  describe('a component relying on defaults', () => {
    const minimal = parseConfig(
      yaml(
        'service: api',
        'environments:',
        '  staging:',
        '    components:',
        '      - { name: web, targets: [web-1], deploy: ./deploy.sh, checks: [load] }',
        '    onFailure: halt',
        'checks:',
        '  load: { command: ./load.sh, max: 0.8 }',
      ),
      'tranche.yml',
    ).config;
    const [web] = resolveEnvironment(minimal, 'staging').components;

    it('leaves rollback, maxBatch and parallel undefined', () => {
      expect(web?.rollback).toBeUndefined();
      expect(web?.rollout.maxBatch).toBeUndefined();
      expect(web?.rollout.parallel).toBeUndefined();
    });

    it('fills in the default rollout and timeout', () => {
      expect(web?.timeoutMs).toBe(300_000);
      expect(web?.rollout).toEqual({
        first: 1,
        growth: 2,
        maxBatch: undefined,
        parallel: undefined,
        bakeMs: 0,
        checkIntervalMs: 10_000,
        rollbackParallel: 16,
      });
    });

    it('keeps the bounds of a command check', () => {
      expect(web?.checks).toEqual([
        { kind: 'command', name: 'load', command: './load.sh', max: 0.8, min: undefined, timeoutMs: 10_000 },
      ]);
    });

    it('carries the failure policy of the environment', () => {
      expect(resolveEnvironment(minimal, 'staging').onFailure).toBe('halt');
    });
  });

  describe('an environment the file does not define', () => {
    it('throws an UnknownEnvironmentError listing the known environments', () => {
      expect(() => resolveEnvironment(config, 'prod')).toThrow(UnknownEnvironmentError);
      expect(() => resolveEnvironment(config, 'prod')).toThrow(
        "environment 'prod' is not defined; known environments: production",
      );
    });

    it('is not fooled by names inherited from Object.prototype', () => {
      expect(() => resolveEnvironment(config, 'constructor')).toThrow(UnknownEnvironmentError);
    });
  });
});

describe('renderVersion', () => {
  it('replaces {n} with the release number', () => {
    expect(renderVersion('2.14.{n}', 7)).toBe('2.14.7');
    expect(renderVersion('{n}', 1)).toBe('1');
  });

  it('replaces every {n}', () => {
    expect(renderVersion('v{n}-build{n}', 3)).toBe('v3-build3');
  });

  it('refuses a release number that is not a whole number ≥ 0', () => {
    expect(() => renderVersion('{n}', -1)).toThrow(RangeError);
    expect(() => renderVersion('{n}', 1.5)).toThrow(RangeError);
  });
});
