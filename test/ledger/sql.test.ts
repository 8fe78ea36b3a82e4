import { describe, expect, it } from 'vitest';
import { selectEvents, selectRuns } from '../../src/ledger/runs-sql.ts';
import {
  migrations,
  POSTGRES_DIALECT,
  SQLITE_DIALECT,
  toNumberedPlaceholders,
} from '../../src/ledger/sql.ts';
import { BUMP_VERSION_COUNTER } from '../../src/ledger/versions-sql.ts';

describe('ledger SQL', () => {
  describe('toNumberedPlaceholders', () => {
    it('numbers each ? marker in order for PostgreSQL', () => {
      expect(toNumberedPlaceholders('SELECT a FROM t WHERE b = ? AND c = ? LIMIT ?')).toBe(
        'SELECT a FROM t WHERE b = $1 AND c = $2 LIMIT $3',
      );
    });

    it('leaves a statement without markers alone', () => {
      expect(toNumberedPlaceholders('SELECT 1')).toBe('SELECT 1');
    });

    it('numbers the counter upsert', () => {
      expect(toNumberedPlaceholders(BUMP_VERSION_COUNTER)).toContain('VALUES ($1, 1)');
    });
  });

  describe('migrations', () => {
    it('are numbered in strictly ascending order', () => {
      const versions = migrations(SQLITE_DIALECT).map((m) => m.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(new Set(versions).size).toBe(versions.length);
    });

    it('differ between dialects only in the identity column', () => {
      const sqlite = migrations(SQLITE_DIALECT).flatMap((m) => m.statements);
      const postgres = migrations(POSTGRES_DIALECT).flatMap((m) => m.statements);
      expect(postgres.join('\n')).not.toMatch(/AUTOINCREMENT/);
      expect(postgres.join('\n')).toContain('GENERATED ALWAYS AS IDENTITY');
      expect(postgres.map((s) => s.replace(POSTGRES_DIALECT.identityPrimaryKey, '#'))).toEqual(
        sqlite.map((s) => s.replace(SQLITE_DIALECT.identityPrimaryKey, '#')),
      );
    });
  });

  describe('selectRuns', () => {
    it('has no WHERE clause and no parameters for an empty filter', () => {
      const query = selectRuns({});
      expect(query.sql).not.toContain('WHERE');
      expect(query.params).toEqual([]);
    });

    it('binds parameters in the order of their markers', () => {
      const query = selectRuns({ service: 's', environment: 'e', version: 'v', since: 5, limit: 3 });
      expect(query.sql).toMatch(/service = \?.*environment = \?.*version = \?.*started_at >= \?.*LIMIT \?/s);
      expect(query.params).toEqual(['s', 'e', 'v', 5, 3]);
    });

    it('rejects a negative or fractional limit', () => {
      expect(() => selectRuns({ limit: -1 })).toThrow(RangeError);
      expect(() => selectRuns({ limit: 1.5 })).toThrow(RangeError);
    });
  });

  describe('selectEvents', () => {
    it('orders one run by seq and everything else by insertion', () => {
      expect(selectEvents({ runId: 'r' }).sql).toMatch(/ORDER BY seq, id$/);
      expect(selectEvents({ service: 's' }).sql).toMatch(/ORDER BY id$/);
    });

    it('adds no parameter for withDuration', () => {
      const query = selectEvents({ runId: 'r', withDuration: true });
      expect(query.sql).toContain('duration_ms IS NOT NULL');
      expect(query.params).toEqual(['r']);
    });
  });
});
