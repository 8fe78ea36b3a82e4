/**
 * Every piece of SQL the ledger runs, in one place, shared by the SQLite and PostgreSQL backends.
 *
 * The statements keep to forms SQLite (3.35+) and PostgreSQL both accept: `INSERT ... ON CONFLICT
 * ... DO UPDATE/NOTHING` (with a `WHERE` on the update), `RETURNING`, `excluded.column`, `CASE`
 * rather than `max()`/`GREATEST()`, `BIGINT` for epoch milliseconds, `TEXT` for JSON. Only these
 * spots differ, and each is a field of {@link SqlDialect}:
 *
 * 1. The auto-incrementing event id: SQLite `INTEGER PRIMARY KEY AUTOINCREMENT`, PostgreSQL
 *    `BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY` (the standard form, which SQLite lacks).
 * 2. The write transaction: SQLite takes the database write lock up front with `BEGIN IMMEDIATE`;
 *    PostgreSQL uses a plain `BEGIN` (row locks serialise writers: the counter upsert's, the lock
 *    upsert's) and takes `pg_advisory_xact_lock` around migrations, see postgres.ts.
 * 3. The bot's release transactions read before they write (count what runs, then start one), so
 *    they serialise per repository: SQLite's `BEGIN IMMEDIATE` already does; PostgreSQL takes a
 *    transaction-scoped advisory lock on the repository's name first (`lockRepository`).
 *
 * Parameters are written as `?`, the SQL standard's dynamic parameter marker, which SQLite binds
 * positionally; PostgreSQL wants `$1, $2, ...`, see {@link toNumberedPlaceholders}.
 *
 * ## Adding a migration (a table, a column, an index)
 * Append a step to {@link migrations} with the next version number; never edit or renumber one
 * that has shipped. Write its statements once in the shared forms above; where the backends must
 * differ, add a field to SqlDialect (as `identityPrimaryKey`) or branch on `dialect.name` inside
 * the step, so the two lists stay side by side. Both backends apply missing steps on open, each
 * in one transaction under its backend's migration lock, and refuse a ledger whose schema is newer
 * than the code. Then put the step's queries here, use them from sql-ledger.ts, and cover them in
 * test/ledger/contract.ts, which runs against both backends.
 */
import { dashboardActionsTable } from './dashboard-sql.ts';
import { LEASE_HOLDER_PREFIX, LEASE_INFIX } from './release-locks.ts';
import type { EventFilter, HistoryFilter, ReleaseFilter } from './types.ts';

export interface SqlDialect {
  name: 'sqlite' | 'postgres';
  /** Column definition of an auto-incrementing 64-bit primary key. */
  identityPrimaryKey: string;
  /** Opens a transaction that holds the write lock from its start. */
  beginWrite: string;
  /**
   * Params: repository. Serialises the bot's release transactions on one repository until the
   * transaction ends; null where beginWrite already excludes every other writer.
   */
  lockRepository: string | null;
}

/** The advisory lock class of the bot's per-repository transactions: "rels" in ASCII. */
const RELEASES_LOCK_CLASS = 0x72656c73;

export const SQLITE_DIALECT: SqlDialect = {
  name: 'sqlite',
  identityPrimaryKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  beginWrite: 'BEGIN IMMEDIATE',
  lockRepository: null,
};

export const POSTGRES_DIALECT: SqlDialect = {
  name: 'postgres',
  identityPrimaryKey: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  beginWrite: 'BEGIN',
  lockRepository: `SELECT pg_advisory_xact_lock(${RELEASES_LOCK_CLASS}, hashtext(?))`,
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
      version: 10,
      description: 'who asked a dashboard to deploy or roll back what, and how it ended',
      statements: [dashboardActionsTable(dialect.identityPrimaryKey)],
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

const RUN_COLUMNS =
  'run_id, service, environment, version, commit_sha, started_at, finished_at, decision, reason_code, duration_ms';

const EVENT_COLUMNS = `run_id, seq, at, kind, status, service, environment, version, component, target, batch,
  duration_ms, reason_code, message, data`;

/** Params: service. Returns the service's new counter. */
export const BUMP_VERSION_COUNTER = `INSERT INTO version_counters (service, n) VALUES (?, 1)
ON CONFLICT (service) DO UPDATE SET n = version_counters.n + 1
RETURNING n`;

/** Params: service, version (the label). */
export const SELECT_VERSION_BY_LABEL = 'SELECT n, commit_sha FROM versions WHERE service = ? AND version = ?';

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

// ---------------------------------------------------------------------------------------------
// Locks with leases

const LOCK_COLUMNS = 'name, holder, acquired_at, renewed_at, expires_at, reason, data';

/**
 * Params: name, holder, acquired_at, renewed_at, expires_at, reason, data, now. Takes a free
 * lock, an expired lease, or one the same holder already has (keeping its acquired_at); returns
 * no row when someone else holds it. The conflicting row stays locked for the rest of the
 * transaction, so the holder read right after is the one that won.
 */
export const ACQUIRE_LOCK = `INSERT INTO locks (${LOCK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET
  acquired_at = CASE WHEN locks.holder = excluded.holder THEN locks.acquired_at ELSE excluded.acquired_at END,
  holder = excluded.holder,
  renewed_at = excluded.renewed_at,
  expires_at = excluded.expires_at,
  reason = excluded.reason,
  data = excluded.data
WHERE locks.holder = excluded.holder OR (locks.expires_at IS NOT NULL AND locks.expires_at <= ?)
RETURNING ${LOCK_COLUMNS}`;

/** Params: name. */
export const SELECT_LOCK = `SELECT ${LOCK_COLUMNS} FROM locks WHERE name = ?`;

/** Params: renewed_at, expires_at, name, holder, now. Only a lease its holder still has. */
export const RENEW_LOCK = `UPDATE locks SET renewed_at = ?, expires_at = ?
WHERE name = ? AND holder = ? AND expires_at IS NOT NULL AND expires_at > ?
RETURNING ${LOCK_COLUMNS}`;

/** Params: name, holder. */
export const RELEASE_LOCK = `DELETE FROM locks WHERE name = ? AND holder = ? RETURNING ${LOCK_COLUMNS}`;

/** Params: name. Whoever holds it. */
export const FORCE_RELEASE_LOCK = `DELETE FROM locks WHERE name = ? RETURNING ${LOCK_COLUMNS}`;

/** Params: now. Locks held at `now`: expired leases are left out. */
export const SELECT_LOCKS = `SELECT ${LOCK_COLUMNS} FROM locks
WHERE expires_at IS NULL OR expires_at > ? ORDER BY name`;

// ---------------------------------------------------------------------------------------------
// The bot: webhook deliveries claimed once, releases queued, started and recorded

/** Params: delivery_id. A claim given up (its work failed), so a redelivery is handled. */
export const FORGET_DELIVERY = 'DELETE FROM bot_deliveries WHERE delivery_id = ?';

/** Params: service. The repository (and installation) of the newest release that carried the service. */
export const SELECT_SERVICE_REPOSITORY = `SELECT repo, installation_id FROM bot_releases
WHERE service = ? AND installation_id IS NOT NULL ORDER BY id DESC LIMIT 1`;

/** Params: delivery_id, repo, event, received_at. Returns a row only for a delivery not seen before. */
export const CLAIM_DELIVERY = `INSERT INTO bot_deliveries (delivery_id, repo, event, received_at)
VALUES (?, ?, ?, ?)
ON CONFLICT (delivery_id) DO NOTHING
RETURNING delivery_id`;

export const RELEASE_COLUMNS = `id, repo, installation_id, environment, service, origin, kind, state, version, commit_sha,
  requested_by, pull_request, comment_id, deployment_id, log_url, check_run_url, description, plan,
  live_version, requested_at, started_at, finished_at, succeeded_at, updated_at, targets, track`;

/** The states of a started, unfinished release (ACTIVE_RELEASE_STATES). */
const ACTIVE = "('starting', 'pending', 'in_progress')";
/** Releases the bot admitted: only these hold leases and slots; deployments it saw are records. */
const ADMITTED = "origin = 'bot'";

/**
 * Params: repo, installation_id, environment, service, origin, kind, state, version, commit_sha,
 * requested_by, pull_request, deployment_id, requested_at, started_at, updated_at.
 */
export const INSERT_RELEASE = `INSERT INTO bot_releases (repo, installation_id, environment, service, origin, kind,
  state, version, commit_sha, requested_by, pull_request, deployment_id, requested_at, started_at, updated_at,
  targets, track)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING ${RELEASE_COLUMNS}`;

/** Params: id. */
export const SELECT_RELEASE = `SELECT ${RELEASE_COLUMNS} FROM bot_releases WHERE id = ?`;

/** Params: repo. The started, unfinished releases, oldest first. */
export const SELECT_ACTIVE_RELEASES = `SELECT ${RELEASE_COLUMNS} FROM bot_releases
WHERE repo = ? AND state IN ${ACTIVE} AND ${ADMITTED} ORDER BY id`;

/** Params: repo. The queue, first asked first. */
export const SELECT_QUEUED_RELEASES = `SELECT ${RELEASE_COLUMNS} FROM bot_releases
WHERE repo = ? AND state = 'queued' ORDER BY id`;

/** Every repository's queued releases, first asked first. */
export const SELECT_EVERY_QUEUED_RELEASE = `SELECT ${RELEASE_COLUMNS} FROM bot_releases
WHERE state = 'queued' ORDER BY id`;

/** The repositories with started, unfinished releases. */
export const SELECT_REPOS_WITH_ACTIVE_RELEASES = `SELECT DISTINCT repo FROM bot_releases
WHERE state IN ${ACTIVE} AND ${ADMITTED} ORDER BY repo`;

/** Params: started_at, updated_at, id. A queued release starts. */
export const START_RELEASE = `UPDATE bot_releases SET state = 'starting', started_at = ?, updated_at = ?
WHERE id = ? AND state = 'queued'
RETURNING ${RELEASE_COLUMNS}`;

/**
 * The condition "its lease is not held at now" for a started release, with now as the one param:
 * the lease lock is named and held as leaseLockName and leaseHolder (release-locks.ts) make them.
 */
const LEASE_LAPSED = `NOT EXISTS (SELECT 1 FROM locks
  WHERE locks.name = bot_releases.repo || '${LEASE_INFIX}' || bot_releases.environment
    AND locks.holder = '${LEASE_HOLDER_PREFIX}' || CAST(bot_releases.id AS TEXT)
    AND locks.expires_at > ?)`;

const EXPIRED_DESCRIPTION =
  "'no deployment status arrived before its lease ran out (is the deployment workflow set up)'";

/** Params: finished_at, updated_at, repo, now. Started releases whose lease ran out. */
export const EXPIRE_RELEASES = `UPDATE bot_releases
SET state = 'expired', finished_at = ?, updated_at = ?, description = ${EXPIRED_DESCRIPTION}
WHERE repo = ? AND state IN ${ACTIVE} AND ${ADMITTED} AND ${LEASE_LAPSED}
RETURNING ${RELEASE_COLUMNS}`;

/** Params: repo, deployment_id. */
export const SELECT_RELEASE_BY_DEPLOYMENT = `SELECT ${RELEASE_COLUMNS} FROM bot_releases
WHERE repo = ? AND deployment_id = ?`;

/**
 * Params: repo, environment, version. A started release whose deployment id is not recorded yet
 * (its status can arrive before the create's answer is written down).
 */
export const SELECT_UNLINKED_RELEASE = `SELECT ${RELEASE_COLUMNS} FROM bot_releases
WHERE repo = ? AND environment = ? AND version = ? AND deployment_id IS NULL AND state IN ${ACTIVE}
  AND ${ADMITTED}
ORDER BY id DESC LIMIT 1`;

/**
 * Params: state, deployment_id, log_url, check_run_url, description, updated_at, id. A status
 * that does not finish the release; links are kept once known.
 */
export const SET_RELEASE_STATUS = `UPDATE bot_releases SET state = ?, deployment_id = COALESCE(deployment_id, ?),
  log_url = COALESCE(?, log_url), check_run_url = COALESCE(?, check_run_url), description = ?, updated_at = ?
WHERE id = ?
RETURNING ${RELEASE_COLUMNS}`;

/**
 * Params: state, deployment_id, log_url, check_run_url, description, finished_at, succeeded_at,
 * updated_at, id. A terminal status; succeeded_at is kept when null is given.
 */
export const FINISH_RELEASE = `UPDATE bot_releases SET state = ?, deployment_id = COALESCE(deployment_id, ?),
  log_url = COALESCE(?, log_url), check_run_url = COALESCE(?, check_run_url), description = ?,
  finished_at = ?, succeeded_at = COALESCE(?, succeeded_at), updated_at = ?
WHERE id = ?
RETURNING ${RELEASE_COLUMNS}`;

/** Params: live_version, id. */
export const SET_RELEASE_LIVE_VERSION = `UPDATE bot_releases SET live_version = ? WHERE id = ?
RETURNING ${RELEASE_COLUMNS}`;

/** Params: repo, environment. The live release: the newest deployment whose state is success. */
export const SELECT_LIVE_RELEASE = `SELECT ${RELEASE_COLUMNS} FROM bot_releases
WHERE repo = ? AND environment = ? AND state = 'success'
ORDER BY deployment_id DESC, id DESC LIMIT 1`;

/** Params: updated_at, repo, environment, deployment_id. Earlier successful deployments become inactive. */
export const SUPERSEDE_RELEASES = `UPDATE bot_releases SET state = 'inactive', updated_at = ?
WHERE repo = ? AND environment = ? AND state = 'success' AND deployment_id < ?
RETURNING ${RELEASE_COLUMNS}`;

/**
 * Params: updated_at, repo, environment, deployment_id, targets. A release to some targets (a
 * ring) supersedes only earlier ones to the same targets: the rest of the environment still runs
 * what an earlier deployment put there.
 */
export const SUPERSEDE_RING_RELEASES = `UPDATE bot_releases SET state = 'inactive', updated_at = ?
WHERE repo = ? AND environment = ? AND state = 'success' AND deployment_id < ? AND targets = ?
RETURNING ${RELEASE_COLUMNS}`;

/**
 * Params: version, commit_sha, comment_id, deployment_id, plan, check_run_url, updated_at, id.
 * A null keeps the column as it is.
 */
export const PATCH_RELEASE = `UPDATE bot_releases SET version = COALESCE(?, version),
  commit_sha = COALESCE(?, commit_sha), comment_id = COALESCE(?, comment_id),
  deployment_id = COALESCE(?, deployment_id), plan = COALESCE(?, plan),
  check_run_url = COALESCE(?, check_run_url), updated_at = ?
WHERE id = ?
RETURNING ${RELEASE_COLUMNS}`;

// ---------------------------------------------------------------------------------------------
// Export, import and retention

/** The two events that carry a run's final state through a prune. */
const KEPT_KINDS = "('run_started', 'run_finished')";

/** Params: since. */
export const EXPORT_VERSIONS = `SELECT service, n, version, commit_sha, created_at
FROM versions WHERE created_at >= ? ORDER BY service, n`;

/** Params: since, since. Runs that started or finished since. */
export const EXPORT_RUNS = `SELECT ${RUN_COLUMNS}
FROM runs WHERE started_at >= ? OR finished_at >= ? ORDER BY started_at, run_id`;

/** Params: since, after id, limit. One page of events, by id. */
export const EXPORT_EVENTS = `SELECT id, ${EVENT_COLUMNS}
FROM events WHERE at >= ? AND id > ? ORDER BY id LIMIT ?`;

/** Params: since. */
export const EXPORT_TARGET_STATES = `SELECT service, environment, component, target, version, good_version, run_id,
  updated_at
FROM target_states WHERE updated_at >= ? ORDER BY service, environment, component, target`;

/** Params: service, n. */
export const SELECT_VERSION = 'SELECT version, commit_sha FROM versions WHERE service = ? AND n = ?';

/** Params: service, n. Raises the counter to n at least, so the next allocation does not reuse n. */
export const RAISE_VERSION_COUNTER = `INSERT INTO version_counters (service, n) VALUES (?, ?)
ON CONFLICT (service) DO UPDATE SET
  n = CASE WHEN excluded.n > version_counters.n THEN excluded.n ELSE version_counters.n END`;

/** Params: every runs column in order. Returns the run id only when it was new. */
export const IMPORT_RUN = `INSERT INTO runs (run_id, service, environment, version, commit_sha, started_at,
  finished_at, decision, reason_code, duration_ms)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (run_id) DO NOTHING
RETURNING run_id`;

/** Params: finished_at, duration_ms, decision, reason_code, run_id. Finishes a run only once. */
export const IMPORT_RUN_FINISH = `UPDATE runs SET finished_at = ?, duration_ms = ?, decision = ?, reason_code = ?
WHERE run_id = ? AND finished_at IS NULL
RETURNING run_id`;

/** Params: as INSERT_EVENT. Returns the new id only when the run had no event with this seq. */
export const IMPORT_EVENT = `${INSERT_EVENT}
ON CONFLICT (run_id, seq) DO NOTHING
RETURNING id`;

/** Params: as UPSERT_TARGET_STATE's columns. The newer state wins; returns a row only on a change. */
export const IMPORT_TARGET_STATE = `INSERT INTO target_states
  (service, environment, component, target, version, good_version, run_id, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (service, environment, component, target) DO UPDATE SET
  version = excluded.version,
  good_version = excluded.good_version,
  run_id = excluded.run_id,
  updated_at = excluded.updated_at
WHERE excluded.updated_at > target_states.updated_at
RETURNING service`;

/** Params: before. What a prune removes, per kind. */
export const COUNT_PRUNABLE_EVENTS = `SELECT kind, COUNT(*) AS n FROM events
WHERE at < ? AND kind NOT IN ${KEPT_KINDS} GROUP BY kind ORDER BY kind`;

/** Params: before. */
export const PRUNE_EVENTS = `DELETE FROM events WHERE at < ? AND kind NOT IN ${KEPT_KINDS}`;

/**
 * The claims the bot makes for its own one-time acts (a verdict's reaction, a promotion's
 * deploys): keyed by what they act on rather than by a delivery GitHub could send again, so a
 * prune keeps them, or the act would be repeated.
 */
const KEPT_CLAIM_EVENTS = "('verdict', 'promotion')";

/** Params: before. Webhook delivery claims a prune removes. */
export const COUNT_PRUNABLE_DELIVERIES = `SELECT COUNT(*) AS n FROM bot_deliveries
WHERE received_at < ? AND event NOT IN ${KEPT_CLAIM_EVENTS}`;

/** Params: before. */
export const PRUNE_DELIVERIES = `DELETE FROM bot_deliveries WHERE received_at < ? AND event NOT IN ${KEPT_CLAIM_EVENTS}`;

// ---------------------------------------------------------------------------------------------
// Fleets: outcomes, verdicts, promotions

const OUTCOME_COLUMNS = 'service, version, environment, outcome, source, source_id, at';

/** Params: every outcome column in order. Returns the id only when the outcome was new. */
export const INSERT_OUTCOME = insertOutcomes(1);

/** Outcomes per multi-row insert when recording many: 700 parameters, far below both backends' limits. */
export const OUTCOMES_PER_INSERT = 100;

/** Params: every outcome column of each of `rows` outcomes. Returns one id per new outcome. */
export function insertOutcomes(rows: number): string {
  const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
  return `INSERT INTO outcomes (${OUTCOME_COLUMNS}) VALUES ${values}
ON CONFLICT (service, source, source_id) DO NOTHING
RETURNING id, service, version`;
}

/**
 * Params: service, version, last_outcome_id. The version has outcomes the bot has not judged;
 * an id recorded later replaces an earlier one (row locks order the writers).
 */
export const MARK_UNJUDGED = `INSERT INTO unjudged_versions (service, version, last_outcome_id) VALUES (?, ?, ?)
ON CONFLICT (service, version) DO UPDATE SET last_outcome_id = excluded.last_outcome_id`;

export const SELECT_UNJUDGED = `SELECT service, version, last_outcome_id FROM unjudged_versions
ORDER BY service, version`;

/** Params: service, version, last_outcome_id. Only while no outcome came since it was read. */
export const SETTLE_UNJUDGED = `DELETE FROM unjudged_versions
WHERE service = ? AND version = ? AND last_outcome_id = ?
RETURNING service`;

/** Params: since. */
export const EXPORT_OUTCOMES = `SELECT ${OUTCOME_COLUMNS} FROM outcomes WHERE at >= ? ORDER BY id`;

/** Params: service. */
export const COUNT_OUTCOMES = `SELECT version, environment,
  SUM(CASE WHEN outcome = 'failure' THEN 1 ELSE 0 END) AS failures, COUNT(*) AS total, MIN(at) AS first_at
FROM outcomes WHERE service = ? GROUP BY version, environment ORDER BY version, environment`;

const VERDICT_COLUMNS = 'service, version, verdict, reason_code, kind, actor, reason, message, evidence, at';

/** Params: every verdict column in order. */
export const INSERT_VERDICT = `INSERT INTO verdicts (${VERDICT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id`;

/** Params: since. Overrides only: computed verdicts are each ledger's own. */
export const EXPORT_OVERRIDES = `SELECT id, ${VERDICT_COLUMNS} FROM verdicts
WHERE kind = 'override' AND at >= ? ORDER BY id`;

/** Params: service, version, kind, verdict, actor, at. An imported override already here. */
export const FIND_OVERRIDE = `SELECT id FROM verdicts
WHERE service = ? AND version = ? AND kind = ? AND verdict = ? AND actor = ? AND at = ?`;

/** Params: service. */
export const SELECT_SERVICE_VERDICTS = `SELECT id, ${VERDICT_COLUMNS} FROM verdicts WHERE service = ? ORDER BY id`;

/** Params: service, version. */
export const SELECT_VERSION_VERDICTS = `SELECT id, ${VERDICT_COLUMNS} FROM verdicts
WHERE service = ? AND version = ? ORDER BY id`;

const PROMOTION_COLUMNS = `service, version, from_track, to_track, due_at, reason, state, claimed_by, claimed_until,
  note, created_at, updated_at, repo, installation_id`;
const PROMOTION_KEY = 'service = ? AND version = ? AND to_track = ?';

/**
 * Params: service, version, from_track, to_track, due_at, reason, created_at, updated_at, repo,
 * installation_id. Schedules it, or schedules again one not claimed or done; a repository once
 * known is kept when none is given.
 */
export const SCHEDULE_PROMOTION = `INSERT INTO promotions (${PROMOTION_COLUMNS})
VALUES (?, ?, ?, ?, ?, ?, 'scheduled', NULL, NULL, NULL, ?, ?, ?, ?)
ON CONFLICT (service, version, to_track) DO UPDATE SET
  from_track = excluded.from_track,
  due_at = excluded.due_at,
  reason = excluded.reason,
  repo = COALESCE(excluded.repo, promotions.repo),
  installation_id = COALESCE(excluded.installation_id, promotions.installation_id),
  state = 'scheduled',
  claimed_by = NULL,
  claimed_until = NULL,
  note = NULL,
  updated_at = excluded.updated_at
WHERE promotions.state IN ('scheduled', 'failed', 'cancelled')`;

/** Params: service, version, to_track. */
export const SELECT_PROMOTION = `SELECT ${PROMOTION_COLUMNS} FROM promotions WHERE ${PROMOTION_KEY}`;

/**
 * Params: claimed_by, claimed_until, updated_at, service, version, to_track, now, now. A due
 * promotion that is scheduled, or claimed by a lease that ran out. Under concurrency the row lock
 * (PostgreSQL re-checks the WHERE after waiting for it) or the write lock (SQLite) lets one win.
 */
export const CLAIM_PROMOTION = `UPDATE promotions SET state = 'claimed', claimed_by = ?, claimed_until = ?, updated_at = ?
WHERE ${PROMOTION_KEY} AND due_at <= ?
  AND (state = 'scheduled' OR (state = 'claimed' AND claimed_until <= ?))
RETURNING ${PROMOTION_COLUMNS}`;

/** Params: state, note, updated_at, service, version, to_track, claimed_by. */
export const FINISH_PROMOTION = `UPDATE promotions SET state = ?, note = ?, updated_at = ?, claimed_until = NULL
WHERE ${PROMOTION_KEY} AND state = 'claimed' AND claimed_by = ?
RETURNING ${PROMOTION_COLUMNS}`;

/** Params: note, updated_at, service, version, to_track. */
export const CANCEL_PROMOTION = `UPDATE promotions SET state = 'cancelled', note = ?, updated_at = ?
WHERE ${PROMOTION_KEY} AND state = 'scheduled'
RETURNING ${PROMOTION_COLUMNS}`;

export type SqlParam = string | number | null;

export interface SqlQuery {
  sql: string;
  params: SqlParam[];
}

/** Runs matching the filter, newest first. */
export function selectRuns(filter: HistoryFilter): SqlQuery {
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
  if (filter.version !== undefined) {
    where.push('version = ?');
    params.push(filter.version);
  }
  if (filter.since !== undefined) {
    where.push('started_at >= ?');
    params.push(filter.since);
  }
  if (filter.finished !== undefined) where.push(`finished_at IS ${filter.finished ? 'NOT ' : ''}NULL`);
  let sql = `SELECT ${RUN_COLUMNS} FROM runs${whereClause(where)} ORDER BY started_at DESC, run_id DESC`;
  sql += limitClause(filter.limit, 'runs', params);
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
  if (filter.afterSeq !== undefined) {
    where.push('seq > ?');
    params.push(filter.afterSeq);
  }
  const order = filter.runId !== undefined ? 'seq, id' : 'id';
  const sql = `SELECT ${EVENT_COLUMNS} FROM events${whereClause(where)} ORDER BY ${order}`;
  return { sql: sql + limitClause(filter.limit, 'events', params), params };
}

/** A service's outcomes, optionally of some versions and one environment, in the order they happened. */
export function selectOutcomes(filter: {
  service: string;
  versions?: string[] | undefined;
  environment?: string | undefined;
}): SqlQuery {
  const where = ['service = ?'];
  const params: SqlParam[] = [filter.service];
  if (filter.versions !== undefined) {
    if (filter.versions.length === 0) where.push('1 = 0');
    else where.push(`version IN (${filter.versions.map(() => '?').join(', ')})`);
    params.push(...filter.versions);
  }
  if (filter.environment !== undefined) {
    where.push('environment = ?');
    params.push(filter.environment);
  }
  return { sql: `SELECT ${OUTCOME_COLUMNS} FROM outcomes${whereClause(where)} ORDER BY at, id`, params };
}

/** Promotions by service, states and due time, soonest first. */
export function selectPromotions(filter: {
  service?: string | undefined;
  states?: string[] | undefined;
  dueBy?: number | undefined;
}): SqlQuery {
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (filter.service !== undefined) {
    where.push('service = ?');
    params.push(filter.service);
  }
  if (filter.states !== undefined) {
    where.push(
      filter.states.length === 0 ? '1 = 0' : `state IN (${filter.states.map(() => '?').join(', ')})`,
    );
    params.push(...filter.states);
  }
  if (filter.dueBy !== undefined) {
    where.push('due_at <= ?');
    params.push(filter.dueBy);
  }
  const sql = `SELECT ${PROMOTION_COLUMNS} FROM promotions${whereClause(where)}
ORDER BY due_at, service, version, to_track`;
  return { sql, params };
}

/** The repository's releases matching the filter: newest first (with succeeded, newest deployment first). */
export function selectReleases(filter: ReleaseFilter): SqlQuery {
  const where = ['repo = ?'];
  const params: SqlParam[] = [filter.repo];
  if (filter.environment !== undefined) {
    where.push('environment = ?');
    params.push(filter.environment);
  }
  if (filter.states !== undefined) {
    if (filter.states.length === 0) where.push('1 = 0');
    else {
      where.push(`state IN (${filter.states.map(() => '?').join(', ')})`);
      params.push(...filter.states);
    }
  }
  if (filter.succeeded !== undefined) where.push(`succeeded_at IS ${filter.succeeded ? 'NOT ' : ''}NULL`);
  const order = filter.succeeded ? 'deployment_id DESC, id DESC' : 'id DESC';
  const sql = `SELECT ${RELEASE_COLUMNS} FROM bot_releases${whereClause(where)} ORDER BY ${order}`;
  return { sql: sql + limitClause(filter.limit, 'releases', params), params };
}

function limitClause(limit: number | undefined, what: string, params: SqlParam[]): string {
  if (limit === undefined) return '';
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new RangeError(`${what} limit must be a whole number of 0 or more, got ${limit}`);
  }
  params.push(limit);
  return ' LIMIT ?';
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
