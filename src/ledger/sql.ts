/**
 * The ledger's schema, shared by the SQLite and PostgreSQL backends: the two dialects and the
 * ordered list of migrations. The statements that read and write it live beside it, one file per
 * store: versions-sql.ts, runs-sql.ts (runs, events, target states), locks-sql.ts,
 * deliveries-sql.ts (the bot's claims), redeliveries-sql.ts (webhooks it will receive again),
 * releases-sql.ts (the bot's releases and queue),
 * fleet-sql.ts (outcomes, verdicts, promotions), exchange-sql.ts (bundle export and import,
 * prune) and service-owners.ts. Each names its parameters (`$service`), see statement.ts.
 *
 * The statements keep to forms SQLite (3.35+) and PostgreSQL both accept: `INSERT ... ON CONFLICT
 * ... DO UPDATE/NOTHING` (with a `WHERE` on the update), `RETURNING`, `excluded.column`, `CASE`
 * rather than `max()`/`GREATEST()`, `BIGINT` for epoch milliseconds, `TEXT` for JSON. Only these
 * spots differ, each a field of {@link SqlDialect} but the last:
 *
 * 1. The auto-incrementing event id: SQLite `INTEGER PRIMARY KEY AUTOINCREMENT`, PostgreSQL
 *    `BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY` (the standard form, which SQLite lacks).
 * 2. The write transaction: SQLite takes the database write lock up front with `BEGIN IMMEDIATE`;
 *    PostgreSQL uses a plain `BEGIN` (row locks serialise writers: the counter upsert's, the lock
 *    upsert's) and takes `pg_advisory_xact_lock` around migrations, see postgres.ts.
 * 3. The bot's release transactions read before they write (count what runs, then start one), so
 *    they serialise per repository: SQLite's `BEGIN IMMEDIATE` already does; PostgreSQL takes a
 *    transaction-scoped advisory lock on the repository's name first (`lockRepository`).
 * 4. The parameter markers each driver binds (`?1` and `$1`), which statement.ts writes from the
 *    names.
 * 5. A table stored in its key's order (SQLite `WITHOUT ROWID`), for the bot's claims.
 * 6. A queue's claim of its next row (redeliveries-sql.ts, one statement per backend by
 *    `dialect.name`): PostgreSQL's `FOR UPDATE SKIP LOCKED` passes over rows concurrent claimants
 *    hold; SQLite's write lock lets one claimant in at a time.
 *
 * ## Adding a migration (a table, a column, an index)
 * Append a step to {@link migrations} with the next version number; never edit or renumber one
 * that has shipped. Write its statements once in the shared forms above; where the backends must
 * differ, add a field to SqlDialect (as `identityPrimaryKey`) or branch on `dialect.name` inside
 * the step, so the two lists stay side by side. Both backends apply missing steps on open, each
 * in one transaction under its backend's migration lock, and refuse a ledger whose schema is newer
 * than the code. Then put the table's queries in a file of its own (`<store>-sql.ts`, each
 * statement `as const` with `$name` parameters), use them from the store's code, and cover them in
 * test/ledger/contract.ts, which runs against both backends.
 */
import { dashboardActionsTable } from './dashboard-sql.ts';
import { redeliveriesTable } from './redeliveries-sql.ts';
import { WATCH_MOMENT_UNIQUE, watchTransitionsTable } from './watch-sql.ts';

export interface SqlDialect {
  name: 'sqlite' | 'postgres';
  /** Column definition of an auto-incrementing 64-bit primary key. */
  identityPrimaryKey: string;
  /**
   * What follows a table's definition to store its rows in its primary key's own order, one tree
   * to write per row: SQLite's `WITHOUT ROWID`; nothing in PostgreSQL, whose tables are heaps.
   */
  keyedTable: string;
  /** Opens a transaction that holds the write lock from its start. */
  beginWrite: string;
  /** Opens a read-only transaction whose every statement sees the same committed state. */
  beginRead: string;
  /**
   * Serialises the bot's release transactions on `$repo` until the transaction ends; null where
   * beginWrite already excludes every other writer.
   */
  lockRepository: typeof LOCK_REPOSITORY | null;
  /** The driver's marker for the index-th distinct parameter of a statement, from 1. */
  marker(index: number): string;
}

/** The advisory lock class of the bot's per-repository transactions: "rels" in ASCII. */
const RELEASES_LOCK_CLASS = 0x72656c73;
const LOCK_REPOSITORY = `SELECT pg_advisory_xact_lock(${RELEASES_LOCK_CLASS}, hashtext($repo))` as const;

export const SQLITE_DIALECT: SqlDialect = {
  name: 'sqlite',
  identityPrimaryKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  keyedTable: ' WITHOUT ROWID',
  beginWrite: 'BEGIN IMMEDIATE',
  // Deferred: the first SELECT starts the read, and WAL keeps what it saw until COMMIT.
  beginRead: 'BEGIN',
  lockRepository: null,
  marker: (index) => `?${index}`,
};

export const POSTGRES_DIALECT: SqlDialect = {
  name: 'postgres',
  identityPrimaryKey: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  keyedTable: '',
  beginWrite: 'BEGIN',
  beginRead: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
  lockRepository: LOCK_REPOSITORY,
  marker: (index) => `$${index}`,
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
export const INSERT_SCHEMA_MIGRATION = `INSERT INTO schema_migrations (version, applied_at)
VALUES ($version, $applied_at)` as const;

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
    {
      version: 2,
      description: 'locks with leases; events by time, for export and prune',
      statements: [
        `CREATE TABLE locks (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  acquired_at BIGINT NOT NULL,
  renewed_at BIGINT NOT NULL,
  expires_at BIGINT,
  reason TEXT,
  data TEXT
)`,
        'CREATE INDEX events_at ON events (at)',
      ],
    },
    {
      version: 3,
      description: 'fleets: reported outcomes, verdicts and overrides, scheduled promotions',
      statements: [
        `CREATE TABLE outcomes (
  id ${dialect.identityPrimaryKey},
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  environment TEXT NOT NULL,
  outcome TEXT NOT NULL,
  source TEXT NOT NULL,
  source_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  UNIQUE (service, source, source_id)
)`,
        'CREATE INDEX outcomes_service_version_at ON outcomes (service, version, at)',
        `CREATE TABLE verdicts (
  id ${dialect.identityPrimaryKey},
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  verdict TEXT NOT NULL,
  reason_code TEXT NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT,
  reason TEXT,
  message TEXT NOT NULL,
  evidence TEXT,
  at BIGINT NOT NULL
)`,
        'CREATE INDEX verdicts_service_version ON verdicts (service, version, id)',
        `CREATE TABLE promotions (
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  from_track TEXT NOT NULL,
  to_track TEXT NOT NULL,
  due_at BIGINT NOT NULL,
  reason TEXT NOT NULL,
  state TEXT NOT NULL,
  claimed_by TEXT,
  claimed_until BIGINT,
  note TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (service, version, to_track)
)`,
        'CREATE INDEX promotions_state_due_at ON promotions (state, due_at)',
      ],
    },
    {
      version: 4,
      description: "the bot's webhook deliveries and releases (queue and deployment records)",
      statements: [
        `CREATE TABLE bot_deliveries (
  delivery_id TEXT PRIMARY KEY,
  repo TEXT NOT NULL,
  event TEXT NOT NULL,
  received_at BIGINT NOT NULL
)`,
        'CREATE INDEX bot_deliveries_received_at ON bot_deliveries (received_at)',
        `CREATE TABLE bot_releases (
  id ${dialect.identityPrimaryKey},
  repo TEXT NOT NULL,
  installation_id BIGINT,
  environment TEXT NOT NULL,
  service TEXT,
  origin TEXT NOT NULL,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  version TEXT,
  commit_sha TEXT,
  requested_by TEXT,
  pull_request INTEGER,
  comment_id BIGINT,
  deployment_id BIGINT,
  log_url TEXT,
  check_run_url TEXT,
  description TEXT,
  plan TEXT,
  live_version TEXT,
  requested_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  succeeded_at BIGINT,
  updated_at BIGINT NOT NULL
)`,
        'CREATE INDEX bot_releases_repo_state ON bot_releases (repo, state, id)',
        'CREATE INDEX bot_releases_repo_environment ON bot_releases (repo, environment, id)',
        // Several rows may lack a deployment (queued, starting): both backends let NULLs repeat.
        'CREATE UNIQUE INDEX bot_releases_deployment ON bot_releases (repo, deployment_id)',
      ],
    },
    {
      version: 5,
      description: "promotions: the repository (and the bot's installation) that carries each out",
      statements: [
        'ALTER TABLE promotions ADD COLUMN repo TEXT',
        'ALTER TABLE promotions ADD COLUMN installation_id BIGINT',
      ],
    },
    {
      version: 6,
      description:
        "versions with outcomes the bot has not judged yet; a service's repository, for the bot's timer",
      statements: [
        // One row per version whose outcomes changed since the bot last judged it: recording an
        // outcome sets last_outcome_id to its id (unique, so a changed row never looks unchanged).
        `CREATE TABLE unjudged_versions (
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  last_outcome_id BIGINT NOT NULL,
  PRIMARY KEY (service, version)
)`,
        'CREATE INDEX bot_releases_service ON bot_releases (service, id)',
      ],
    },
    {
      version: 7,
      description: "the bot's releases: the targets (a ring of a release track) and the track they are for",
      statements: [
        // JSON array of target names; NULL: every target of the environment.
        'ALTER TABLE bot_releases ADD COLUMN targets TEXT',
        'ALTER TABLE bot_releases ADD COLUMN track TEXT',
      ],
    },
    {
      version: 8,
      description: 'services bound to the repositories that own them',
      statements: [
        // repos: a JSON array of `owner/repo`, the repositories whose records are accepted.
        `CREATE TABLE service_owners (
  service TEXT PRIMARY KEY,
  repos TEXT NOT NULL,
  bound_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
)`,
        // A service the bot released before: owned by the repository of its first release.
        // Repository names hold no quote or backslash, so they go into the JSON as they are.
        `INSERT INTO service_owners (service, repos, bound_at, updated_at)
SELECT service, '["' || repo || '"]', requested_at, requested_at FROM bot_releases
WHERE id IN (SELECT MIN(id) FROM bot_releases WHERE service IS NOT NULL GROUP BY service)`,
      ],
    },
    {
      version: 9,
      description: "`tranche watch`: each change of a cell of an environment's targets × checks matrix",
      statements: watchTransitionsTable(dialect.identityPrimaryKey),
    },
    {
      version: 10,
      description: 'who asked a dashboard to deploy or roll back what, and how it ended',
      statements: [dashboardActionsTable(dialect.identityPrimaryKey)],
    },
    {
      version: 12,
      description: "the bot's admitted releases by repository and state",
      statements: [
        // Expiring lapsed leases and reading what runs look at the bot's own releases; deployments it
        // only saw (most rows) are left out of this index, so recording them never writes it.
        "CREATE INDEX bot_releases_admitted_state ON bot_releases (repo, state, id) WHERE origin = 'bot'",
      ],
    },
    {
      version: 14,
      description: "who started each run: the CLI's --actor (or its user), the workflow's actor",
      statements: ['ALTER TABLE runs ADD COLUMN actor TEXT'],
    },
    {
      version: 15,
      description: "the bot's claims in one tree each: no row id, no index on when they came",
      statements: [
        // Every webhook writes a claim, and each index is a page more in its commit; only
        // `tranche prune` looks claims up by time, and it reads them all anyway.
        `CREATE TABLE bot_deliveries_keyed (
  delivery_id TEXT PRIMARY KEY,
  repo TEXT NOT NULL,
  event TEXT NOT NULL,
  received_at BIGINT NOT NULL
)${dialect.keyedTable}`,
        `INSERT INTO bot_deliveries_keyed (delivery_id, repo, event, received_at)
SELECT delivery_id, repo, event, received_at FROM bot_deliveries`,
        'DROP TABLE bot_deliveries',
        'ALTER TABLE bot_deliveries_keyed RENAME TO bot_deliveries',
      ],
    },
    {
      version: 16,
      description: "the bot's releases without the two indexes no statement reads any more",
      statements: [
        // Nothing looks releases up by service (service_owners names a service's repository since
        // version 8), and the queue is read through bot_releases_admitted_state (only the bot's own
        // releases are ever queued): every deployment recorded wrote both for nothing.
        'DROP INDEX bot_releases_service',
        'DROP INDEX bot_releases_repo_state',
      ],
    },
    {
      version: 17,
      description: "`tranche watch`'s transitions: one per cell and moment",
      statements: WATCH_MOMENT_UNIQUE,
    },
    {
      version: 18,
      description: "webhooks the bot will receive again, kept past the process's end",
      statements: [redeliveriesTable()],
    },
    {
      version: 19,
      description: "the bot's expired releases whose report GitHub has not had yet",
      statements: [
        'ALTER TABLE bot_releases ADD COLUMN report_due_at BIGINT',
        'ALTER TABLE bot_releases ADD COLUMN report_tries INTEGER NOT NULL DEFAULT 0',
        // The timer looks every minute; only the few releases owing a report are in the index.
        'CREATE INDEX bot_releases_report_due ON bot_releases (report_due_at) WHERE report_due_at IS NOT NULL',
      ],
    },
  ];
}

/** The schema version a list of migrations leads to: its highest. */
export function schemaVersion(steps: Migration[]): number {
  return steps.reduce((max, m) => Math.max(max, m.version), 0);
}

/**
 * The steps a ledger at `applied` still needs, in order. Refuses a ledger whose schema is newer
 * than `steps` know: this code would misread it.
 */
export function pendingMigrations(steps: Migration[], applied: Iterable<number>, where: string): Migration[] {
  const done = new Set(applied);
  const newest = Math.max(0, ...done);
  const known = schemaVersion(steps);
  if (newest > known) {
    throw new Error(
      `the ledger ${where} has schema version ${newest}, newer than this Tranche knows (${known}); upgrade Tranche`,
    );
  }
  return steps.filter((m) => !done.has(m.version)).sort((a, b) => a.version - b.version);
}
