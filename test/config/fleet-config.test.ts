import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.ts';
import { parseConfig } from '../../src/config/load.ts';
import {
  resolveConstraints,
  resolveEnvironment,
  resolveTracks,
  resolveVerdictSettings,
} from '../../src/config/resolve.ts';

const BASE = `service: api
environments:
  staging:
    components:
      - name: app
        targets: [s-1]
        deploy: ./deploy.sh
  production:
    components:
      - name: app
        targets: [{ name: p-1, labels: { ring: canary } }, p-2]
        deploy: ./deploy.sh
`;

const parse = (extra: string) => parseConfig(`${BASE}${extra}`, 'tranche.yml').config;

function problems(extra: string): string[] {
  try {
    parse(extra);
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('the config was accepted');
}

describe('fleet configuration', () => {
  describe('categories', () => {
    it('takes a list of labels as coverage all', () => {
      const config = parse('categories: [cloud, browser]\n');
      expect(config.categories).toEqual({ labels: ['cloud', 'browser'], coverage: 'all', values: undefined });
      expect(resolveEnvironment(config, 'production').components[0]?.categories).toEqual({
        labels: ['cloud', 'browser'],
        coverage: 'all',
        values: undefined,
      });
    });

    it('takes a mapping with coverage and declared values', () => {
      const config = parse(
        'categories: { labels: [cloud], coverage: pairwise, values: { cloud: [aws, 3] } }\n',
      );
      expect(config.categories).toEqual({
        labels: ['cloud'],
        coverage: 'pairwise',
        values: { cloud: ['aws', '3'] },
      });
    });

    it('refuses declared values of a label that is no category, at its position', () => {
      expect(problems('categories: { labels: [cloud], values: { zone: [a] } }\n')).toEqual([
        "tranche.yml:13:48 categories.values.zone: 'zone' is not one of the category labels (cloud)",
      ]);
    });

    it('refuses an unknown coverage', () => {
      expect(problems('categories: { labels: [cloud], coverage: most }\n')[0]).toContain(
        'categories.coverage: expected one of all, pairwise',
      );
    });
  });

  describe('requires and migrations', () => {
    it('resolve to the constraints a deploy records and is checked with', () => {
      const config = parse(
        'requires: { storage: ">=2.14.0" }\nmigrations: { schema: orders-v3, reads: [orders-v2] }\n',
      );
      expect(resolveConstraints(config)).toEqual({
        requires: { storage: '>=2.14.0' },
        migrations: { schema: 'orders-v3', reads: ['orders-v2'] },
      });
    });

    it('resolve to nothing when neither is set', () => {
      expect(resolveConstraints(parse(''))).toBeUndefined();
    });

    it('refuses a range semver cannot read, and a service requiring itself', () => {
      expect(problems('requires: { storage: "at least 2.14", api: "1.x" }\n')).toEqual([
        'tranche.yml:13:22 requires.storage: expected a semver range such as ">=2.14.0", "^2.14" or "2.x"',
        'tranche.yml:13:44 requires.api: a service cannot require itself (api); list the services it depends on',
      ]);
    });
  });

  describe('tracks', () => {
    const TRACKS = `tracks:
  - { name: yolo, environments: [staging], bake: 1h }
  - { name: canary, environments: [production], targets: { ring: canary }, bake: 4h }
  - { name: stable, environments: [production], promote: manual }
`;

    it('resolve in order, a target selector to the environment’s matching targets, promote auto by default', () => {
      expect(resolveTracks(parse(TRACKS))).toEqual([
        { name: 'yolo', bakeMs: 3_600_000, promote: 'auto', members: [{ environment: 'staging' }] },
        {
          name: 'canary',
          bakeMs: 14_400_000,
          promote: 'auto',
          members: [{ environment: 'production', targets: ['p-1'] }],
        },
        { name: 'stable', bakeMs: 0, promote: 'manual', members: [{ environment: 'production' }] },
      ]);
    });

    it('refuses an undefined environment, a selector no target matches, and promote on the first track', () => {
      expect(
        problems(`tracks:
  - { name: yolo, environments: [staging], promote: auto }
  - { name: canary, environments: [prod], targets: { ring: x } }
  - { name: stable, environments: [production], targets: { ring: x } }
`),
      ).toEqual([
        'tranche.yml:14:53 tracks[0].promote: the first track takes new versions from deploys; promote applies to the tracks after it',
        "tranche.yml:15:36 tracks[1].environments[0]: environment 'prod' is not defined (known: staging, production)",
        'tranche.yml:16:36 tracks[2].environments[0]: no target of production carries ring=x',
      ]);
    });

    it('refuses two tracks of one name', () => {
      expect(
        problems(
          'tracks: [{ name: a, environments: [staging] }, { name: a, environments: [production] }]\n',
        )[0],
      ).toContain("tracks[1]: track 'a' is listed more than once");
    });
  });

  describe('verdict', () => {
    it('has defaults without the key', () => {
      expect(resolveVerdictSettings(parse(''))).toEqual({
        alpha: 0.01,
        minSamples: 100,
        minEffect: 1.5,
        strata: 'environment',
        rollback: 'failing',
      });
    });

    it('refuses an alpha outside (0, 1) and an unknown rollback policy', () => {
      const found = problems('verdict: { alpha: 1, rollback: some }\n');
      expect(found[0]).toContain('verdict.alpha: expected a probability between 0 and 1 (exclusive)');
      expect(found[1]).toContain('verdict.rollback: expected one of all, failing, none');
    });
  });
});
