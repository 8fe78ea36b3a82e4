import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import {
  leaseHolder,
  leaseHolderSql,
  leaseLockName,
  leaseLockNameSql,
} from '../../src/ledger/release-locks.ts';
import { selectEvents, selectRuns } from '../../src/ledger/runs-sql.ts';
import { migrations, POSTGRES_DIALECT, SQLITE_DIALECT, type SqlDialect } from '../../src/ledger/sql.ts';
import { bind, compile, limited, type Params } from '../../src/ledger/statement.ts';
import { BUMP_VERSION_COUNTER, INSERT_VERSION } from '../../src/ledger/versions-sql.ts';

describe('ledger SQL', () => {
  describe('compile', () => {
    it("numbers each distinct $name in order of first use, in each driver's form", () => {
      const sql = 'SELECT a FROM t WHERE b = $b AND c = $c AND d > $b LIMIT $limit';
      expect(compile(sql, POSTGRES_DIALECT.marker)).toEqual({
        text: 'SELECT a FROM t WHERE b = $1 AND c = $2 AND d > $1 LIMIT $3',
        names: ['b', 'c', 'limit'],
      });
      expect(compile(sql, SQLITE_DIALECT.marker).text).toBe(
        'SELECT a FROM t WHERE b = ?1 AND c = ?2 AND d > ?1 LIMIT ?3',
      );
    });

    it('leaves a statement without parameters alone', () => {
      expect(compile('SELECT 1', POSTGRES_DIALECT.marker)).toEqual({ text: 'SELECT 1', names: [] });
    });

    it('numbers the counter upsert', () => {
      expect(compile(BUMP_VERSION_COUNTER, POSTGRES_DIALECT.marker).text).toContain('VALUES ($1, 1)');
    });

    it('refuses the positional ? form', () => {
      expect(() => compile('SELECT a FROM t WHERE b = ?', POSTGRES_DIALECT.marker)).toThrow(/positional \?/);
    });
  });

  describe('bind', () => {
    const statement = compile(INSERT_VERSION, POSTGRES_DIALECT.marker);
    const params: Params<typeof INSERT_VERSION> = {
      created_at: 5,
      commit_sha: 'abc',
      version: 'v1',
      n: 1,
      service: 'shop',
    };

    it('puts the values in the order of the markers, whatever the order of the keys', () => {
      expect(bind(statement, params)).toEqual(['shop', 1, 'v1', 'abc', 5]);
    });

    it('refuses a missing or an unknown parameter, naming it', () => {
      const { n: _, ...missing } = params;
      expect(() => bind(statement, missing)).toThrow(/missing \$n/);
      expect(() => bind(statement, { ...params, extra: 1 })).toThrow(/unknown \$extra/);
    });
  });

  describe('the lock-name contract', () => {
    it('builds the same lease name and holder in SQL as in code', () => {
      const db = new DatabaseSync(':memory:');
      try {
        const row = db
          .prepare(`SELECT ${leaseLockNameSql("'o/r'", "'prod'")} AS name, ${leaseHolderSql('42')} AS holder`)
          .get();
        expect(row).toEqual({ name: leaseLockName('o/r', 'prod'), holder: leaseHolder(42) });
      } finally {
        db.close();
      }
    });
  });

  describe('migrations', () => {
    it('are numbered in strictly ascending order', () => {
      const versions = migrations(SQLITE_DIALECT).map((m) => m.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(new Set(versions).size).toBe(versions.length);
    });

    it("differ between dialects only in the identity column and a keyed table's suffix", () => {
      const sqlite = migrations(SQLITE_DIALECT).flatMap((m) => m.statements);
      const postgres = migrations(POSTGRES_DIALECT).flatMap((m) => m.statements);
      expect(postgres.join('\n')).not.toMatch(/AUTOINCREMENT|WITHOUT ROWID/);
      expect(postgres.join('\n')).toContain('GENERATED ALWAYS AS IDENTITY');
      expect(sqlite.join('\n')).toContain(') WITHOUT ROWID');
      const shared = (statement: string, dialect: SqlDialect) => {
        const text = statement.replace(dialect.identityPrimaryKey, '#');
        const { keyedTable } = dialect;
        return keyedTable !== '' && text.endsWith(keyedTable) ? text.slice(0, -keyedTable.length) : text;
      };
      expect(postgres.map((s) => shared(s, POSTGRES_DIALECT))).toEqual(
        sqlite.map((s) => shared(s, SQLITE_DIALECT)),
      );
    });
  });

  describe('selectRuns', () => {
    it('has no WHERE clause and no parameters for an empty filter', () => {
      const query = selectRuns({});
      expect(query.sql).not.toContain('WHERE');
      expect(query.params).toEqual({});
    });

    it('names each parameter after what it filters', () => {
      const query = selectRuns({ service: 's', environment: 'e', version: 'v', since: 5, limit: 3 });
      expect(query.sql).toMatch(
        /service = \$service.*environment = \$environment.*version = \$version.*started_at >= \$since.* LIMIT 3$/s,
      );
      expect(query.params).toEqual({ service: 's', environment: 'e', version: 'v', since: 5 });
    });

    it('rejects a negative or fractional limit', () => {
      expect(() => selectRuns({ limit: -1 })).toThrow(RangeError);
      expect(() => selectRuns({ limit: 1.5 })).toThrow(RangeError);
    });
  });

  describe('limits', () => {
    it('are written into the statement, never bound: SQLite prepares a bound LIMIT again on every run', async () => {
      const { readdirSync } = await import('node:fs');
      const dir = new URL('../../src/ledger/', import.meta.url);
      const statements: string[] = [];
      for (const file of readdirSync(dir).filter((f) => f.endsWith('-sql.ts'))) {
        const module: Record<string, unknown> = await import(new URL(file, dir).href);
        statements.push(...Object.values(module).filter((v): v is string => typeof v === 'string'));
      }
      expect(statements.length).toBeGreaterThan(40);
      expect(statements.filter((sql) => /LIMIT\s+\$/.test(sql))).toEqual([]);
      expect(limited('SELECT 1', 20, 'rows')).toBe('SELECT 1 LIMIT 20');
      expect(() => limited('SELECT 1', 2 ** 53, 'rows')).toThrow(/rows limit must be a whole number/);
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
      expect(query.params).toEqual({ run_id: 'r' });
    });
  });
});
