/** The versions store: each service's counter and the labels it handed out (sql.ts has the schema). */

/** Returns the service's new counter. */
export const BUMP_VERSION_COUNTER = `INSERT INTO version_counters (service, n) VALUES ($service, 1)
ON CONFLICT (service) DO UPDATE SET n = version_counters.n + 1
RETURNING n` as const;

/** Raises the counter to n at least, so the next allocation does not reuse n. */
export const RAISE_VERSION_COUNTER = `INSERT INTO version_counters (service, n) VALUES ($service, $n)
ON CONFLICT (service) DO UPDATE SET
  n = CASE WHEN excluded.n > version_counters.n THEN excluded.n ELSE version_counters.n END` as const;

export const SELECT_VERSION_BY_LABEL =
  'SELECT n, commit_sha FROM versions WHERE service = $service AND version = $version' as const;

export const SELECT_VERSION =
  'SELECT version, commit_sha FROM versions WHERE service = $service AND n = $n' as const;

export const INSERT_VERSION = `INSERT INTO versions (service, n, version, commit_sha, created_at)
VALUES ($service, $n, $version, $commit_sha, $created_at)` as const;

export const SELECT_VERSIONS = `SELECT service, n, version, commit_sha, created_at
FROM versions WHERE service = $service ORDER BY n` as const;
