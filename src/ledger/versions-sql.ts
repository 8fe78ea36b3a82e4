/** The versions store: each service's counter and the labels it handed out (sql.ts has the schema). */

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

/** Params: service, n. */
export const SELECT_VERSION = 'SELECT version, commit_sha FROM versions WHERE service = ? AND n = ?';

/** Params: service, n. Raises the counter to n at least, so the next allocation does not reuse n. */
export const RAISE_VERSION_COUNTER = `INSERT INTO version_counters (service, n) VALUES (?, ?)
ON CONFLICT (service) DO UPDATE SET
  n = CASE WHEN excluded.n > version_counters.n THEN excluded.n ELSE version_counters.n END`;
