import { describe, expect, it } from 'vitest';
import {
  asSemver,
  type ConstraintCheck,
  type LiveRelease,
  unmetConstraints,
} from '../../src/engine/constraints.ts';

function check(overrides: Partial<ConstraintCheck> = {}): ConstraintCheck {
  return {
    service: 'api',
    version: '3.1.0',
    environment: 'production',
    constraints: { requires: { storage: '>=2.14.0' } },
    live: [],
    history: true,
    ...overrides,
  };
}

const storage = (version: string, constraints: LiveRelease['constraints'] = null): LiveRelease => ({
  service: 'storage',
  version,
  constraints,
});

describe('unmetConstraints', () => {
  describe('requires', () => {
    it('is met when the environment runs a version inside the range', () => {
      expect(unmetConstraints(check({ live: [storage('2.14.0')] }))).toEqual([]);
      expect(unmetConstraints(check({ live: [storage('2.20.3')] }))).toEqual([]);
    });

    it('names the exact constraint and what the environment runs instead', () => {
      expect(unmetConstraints(check({ live: [storage('2.13.9')] }))).toEqual([
        { kind: 'requires', message: 'requires storage >=2.14.0, but production runs storage 2.13.9' },
      ]);
    });

    it('is unmet when the required service never ran in the environment', () => {
      expect(unmetConstraints(check())).toEqual([
        {
          kind: 'requires',
          message:
            'requires storage >=2.14.0, but production has never run storage: deploy storage there first',
        },
      ]);
    });

    it('reads numeric versions from {n} templates as semver with zeros', () => {
      expect(asSemver('17')).toBe('17.0.0');
      expect(asSemver('2.14')).toBe('2.14.0');
      expect(unmetConstraints(check({ live: [storage('2.14')] }))).toEqual([]);
      expect(unmetConstraints(check({ live: [storage('2')] }))[0]?.message).toBe(
        'requires storage >=2.14.0, but production runs storage 2',
      );
    });

    it('refuses a live version that is no semantic version, saying so', () => {
      expect(asSemver('build-7')).toBeNull();
      expect(unmetConstraints(check({ live: [storage('build-7')] }))[0]?.message).toBe(
        'requires storage >=2.14.0, but production runs storage build-7, which is not a semantic version',
      );
    });

    it('cannot be checked without a ledger history (ledger: github), and refuses rather than assumes', () => {
      const [unmet] = unmetConstraints(check({ history: false, live: [storage('2.20.0')] }));
      expect(unmet?.kind).toBe('unverifiable');
      expect(unmet?.message).toMatch(/^requires storage >=2\.14\.0, which ledger: github cannot check/);
    });
  });

  describe('what other live services require of this one', () => {
    const api = (version: string): ConstraintCheck => ({
      service: 'storage',
      version,
      environment: 'production',
      constraints: { requires: {} },
      live: [{ service: 'api', version: '3.1.0', constraints: { requires: { storage: '>=2.14.0' } } }],
      history: true,
    });

    it('refuses a version (a rollback, say) below what a live service needs', () => {
      expect(unmetConstraints(api('2.13.9'))).toEqual([
        {
          kind: 'required_by',
          message: 'api 3.1.0 in production requires storage >=2.14.0, which 2.13.9 does not satisfy',
        },
      ]);
    });

    it('allows a version inside the range', () => {
      expect(unmetConstraints(api('2.15.0'))).toEqual([]);
    });
  });

  describe('migrations', () => {
    const shop = (schema: string | undefined): LiveRelease => ({
      service: 'api',
      version: '3.0.2',
      constraints: schema ? { requires: {}, migrations: { schema, reads: [] } } : null,
    });
    const reading = { requires: {}, migrations: { schema: 'C', reads: ['B'] } };

    it('allows a version that reads the schema the environment holds, its own included', () => {
      expect(unmetConstraints(check({ constraints: reading, live: [shop('B')] }))).toEqual([]);
      expect(unmetConstraints(check({ constraints: reading, live: [shop('C')] }))).toEqual([]);
    });

    it('refuses one that cannot read it, naming the schema and who wrote it', () => {
      expect(unmetConstraints(check({ constraints: reading, live: [shop('A')] }))).toEqual([
        {
          kind: 'schema',
          message: 'reads schemas C, B, but production holds schema A (written by api 3.0.2)',
        },
      ]);
    });

    it('has nothing to check on a first deploy, or when the live version declared no schema', () => {
      expect(unmetConstraints(check({ constraints: reading }))).toEqual([]);
      expect(unmetConstraints(check({ constraints: reading, live: [shop(undefined)] }))).toEqual([]);
    });

    it('cannot tell the live schema without a ledger history', () => {
      const [unmet] = unmetConstraints(
        check({ constraints: reading, live: [shop(undefined)], history: false }),
      );
      expect(unmet?.kind).toBe('unverifiable');
    });
  });
});
