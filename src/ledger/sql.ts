/**
 * Every piece of SQL the ledger runs, in one place, so the PostgreSQL backend can share it.
 *
 * The statements keep to forms SQLite (3.35+) and PostgreSQL both accept: `INSERT ... ON CONFLICT
 * ... DO UPDATE/NOTHING`, `RETURNING`, `excluded.column`, `BIGINT` for epoch milliseconds, `TEXT` for
 * JSON. Only these spots differ, and each is a field of {@link SqlDialect}:
 *
 * 1. The auto-incrementing event id: SQLite `INTEGER PRIMARY KEY AUTOINCREMENT`, PostgreSQL
 *    `BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY` (the standard form, which SQLite lacks).
 * 2. The write transaction: SQLite takes the database write lock up front with `BEGIN IMMEDIATE`;
 *    PostgreSQL uses a plain `BEGIN` (the counter upsert's row lock serialises allocations) and must
 *    add a lock of its own around migrations (e.g. `pg_advisory_xact_lock`).
 *
 * Parameters are written as `?`, the SQL standard's dynamic parameter marker, which SQLite binds
 * positionally; PostgreSQL wants `$1, $2, ...`, see {@link toNumberedPlaceholders}.
 */
import type { EventFilter, HistoryFilter } from './types.ts';

export interface SqlDialect {
  name: 'sqlite' | 'postgres';
  /** Column definition of an auto-incrementing 64-bit primary key. */
  identityPrimaryKey: string;
  /** Opens a transaction that holds the write lock from its start. */
  beginWrite: string;
}

export const SQLITE_DIALECT: SqlDialect = {
  name: 'sqlite',
  identityPrimaryKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  beginWrite: 'BEGIN IMMEDIATE',
};

export const POSTGRES_DIALECT: SqlDialect = {
  name: 'postgres',
  identityPrimaryKey: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  beginWrite: 'BEGIN',
};

export const COMMIT = 'COMMIT';
export const ROLLBACK = 'ROLLBACK';

export interface Migration {
  /** Applied in ascending order; never renumber or edit one that has shipped. */
  version: number;
  description: string;
  statements: string[];
}

export const CREATE_SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  applied_at BIGINT NOT NULL
)`;
export const SELECT_SCHEMA_MIGRATIONS = 'SELECT version FROM schema_migrations ORDER BY version';
export const INSERT_SCHEMA_MIGRATION = 'INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)';

/** The schema, as an ordered list of steps. Append new steps; the ledger applies the missing ones. */
export function migrations(dialect: SqlDialect): Migration[] {
  return [
    {
      version: 1,
      description: 'versions, events, runs and target states',
      statements: [
        `CREATE TABLE version_counters (
  service TEXT PRIMARY KEY,
  n BIGINT NOT NULL
)`,
        `CREATE TABLE versions (
  service TEXT NOT NULL,
  n BIGINT NOT NULL,
  version TEXT NOT NULL,
  commit_sha TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (service, n)
)`,
        `CREATE TABLE events (
  id ${dialect.identityPrimaryKey},
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  service TEXT NOT NULL,
  environment TEXT NOT NULL,
  version TEXT NOT NULL,
  component TEXT,
  target TEXT,
  batch INTEGER,
  duration_ms BIGINT,
  reason_code TEXT,
  message TEXT,
  data TEXT,
  UNIQUE (run_id, seq)
)`,
        // Lookups by run use the index behind UNIQUE (run_id, seq).
        'CREATE INDEX events_service_environment_at ON events (service, environment, at)',
        `CREATE TABLE runs (
  run_id TEXT PRIMARY KEY,
  service TEXT NOT NULL,
  environment TEXT NOT NULL,
  version TEXT NOT NULL,
  commit_sha TEXT,
  started_at BIGINT NOT NULL,
  finished_at BIGINT,
  decision TEXT,
  reason_code TEXT,
  duration_ms BIGINT
)`,
        'CREATE INDEX runs_service_environment_started_at ON runs (service, environment, started_at)',
        'CREATE INDEX runs_started_at ON runs (started_at)',
        `CREATE TABLE target_states (
  service TEXT NOT NULL,
  environment TEXT NOT NULL,
  component TEXT NOT NULL,
  target TEXT NOT NULL,
  version TEXT,
  good_version TEXT,
  run_id TEXT,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (service, environment, component, target)
)`,
      ],
    },
  ];
}

/** Params: service. Returns the service's new counter. */
export const BUMP_VERSION_COUNTER = `INSERT INTO version_counters (service, n) VALUES (?, 1)
ON CONFLICT (service) DO UPDATE SET n = version_counters.n + 1
RETURNING n`;

/** Params: service, n, version, commit_sha, created_at. */
export const INSERT_VERSION = `INSERT INTO versions (service, n, version, commit_sha, created_at)
VALUES (?, ?, ?, ?, ?)`;

/** Params: service. */
export const SELECT_VERSIONS = `SELECT service, n, version, commit_sha, created_at
FROM versions WHERE service = ? ORDER BY n`;

/** Params: every column from run_id to data, in order. */
export const INSERT_EVENT = `INSERT INTO events (run_id, seq, at, kind, status, service, environment, version,
  component, target, batch, duration_ms, reason_code, message, data)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Params: run_id, service, environment, version, commit_sha, started_at. A replayed start is ignored. */
export const INSERT_RUN = `INSERT INTO runs (run_id, service, environment, version, commit_sha, started_at)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (run_id) DO NOTHING`;

/** Params: finished_at, duration_ms, decision, reason_code, run_id. */
export const FINISH_RUN = `UPDATE runs SET finished_at = ?, duration_ms = ?, decision = ?, reason_code = ?
WHERE run_id = ?`;

/**
 * Params: service, environment, component, target, version, good_version, run_id, updated_at.
 * A null good_version keeps the target's previous good version.
 */
export const UPSERT_TARGET_STATE = `INSERT INTO target_states
  (service, environment, component, target, version, good_version, run_id, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (service, environment, component, target) DO UPDATE SET
  version = excluded.version,
  good_version = COALESCE(excluded.good_version, target_states.good_version),
  run_id = excluded.run_id,
  updated_at = excluded.updated_at`;

/** Params: service, environment. */
export const SELECT_TARGET_STATES = `SELECT component, target, version, good_version
FROM target_states WHERE service = ? AND environment = ?
ORDER BY component, target`;

export type SqlParam = string | number | null;

export interface SqlQuery {
  sql: string;
  params: SqlParam[];
}

const RUN_COLUMNS =
  'run_id, service, environment, version, commit_sha, started_at, finished_at, decision, reason_code, duration_ms';

const EVENT_COLUMNS = `run_id, seq, at, kind, status, service, environment, version, component, target, batch,
  duration_ms, reason_code, message, data`;

/** Runs matching the filter, newest first. */
export function selectRuns(filter: HistoryFilter): SqlQuery {
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (filter.service !== undefined) {
    where.push('service = ?');
    params.push(filter.service);
  }
  if (filter.environment !== undefined) {
    where.push('environment = ?');
    params.push(filter.environment);
  }
  if (filter.version !== undefined) {
    where.push('version = ?');
    params.push(filter.version);
  }
  if (filter.since !== undefined) {
    where.push('started_at >= ?');
    params.push(filter.since);
  }
  let sql = `SELECT ${RUN_COLUMNS} FROM runs${whereClause(where)} ORDER BY started_at DESC, run_id DESC`;
  if (filter.limit !== undefined) {
    if (!Number.isSafeInteger(filter.limit) || filter.limit < 0) {
      throw new RangeError(`runs limit must be a whole number of 0 or more, got ${filter.limit}`);
    }
    sql += ' LIMIT ?';
    params.push(filter.limit);
  }
  return { sql, params };
}

/** Events matching the filter: one run's in seq order, otherwise in the order they were recorded. */
export function selectEvents(filter: EventFilter): SqlQuery {
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (filter.runId !== undefined) {
    where.push('run_id = ?');
    params.push(filter.runId);
  }
  if (filter.service !== undefined) {
    where.push('service = ?');
    params.push(filter.service);
  }
  if (filter.environment !== undefined) {
    where.push('environment = ?');
    params.push(filter.environment);
  }
  if (filter.withDuration) where.push('duration_ms IS NOT NULL');
  const order = filter.runId !== undefined ? 'seq, id' : 'id';
  return { sql: `SELECT ${EVENT_COLUMNS} FROM events${whereClause(where)} ORDER BY ${order}`, params };
}

function whereClause(conditions: string[]): string {
  return conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
}

/**
 * Rewrites `?` markers as `$1, $2, ...` for PostgreSQL. The statements in this module hold no `?`
 * inside string literals or comments, so a plain scan is enough.
 */
export function toNumberedPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => {
    index += 1;
    return `$${index}`;
  });
}
