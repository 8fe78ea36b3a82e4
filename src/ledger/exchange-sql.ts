/**
 * Bundles and retention over the runs and versions stores: what `ledger export` reads, what
 * `ledger import` writes without overwriting, what `ledger prune` removes (sql.ts has the schema;
 * the fleet's, the bot's claims' and watch transitions' share is in fleet-sql.ts, deliveries-sql.ts
 * and watch-sql.ts).
 */
import { EVENT_COLUMNS, INSERT_EVENT, RUN_COLUMNS } from './runs-sql.ts';

export const EXPORT_VERSIONS = `SELECT service, n, version, commit_sha, created_at
FROM versions WHERE created_at >= $since ORDER BY service, n` as const;

/** Runs that started or finished since. */
export const EXPORT_RUNS = `SELECT ${RUN_COLUMNS}
FROM runs WHERE started_at >= $since OR finished_at >= $since ORDER BY started_at, run_id` as const;

/** One page of events, by id. */
export const EXPORT_EVENTS = `SELECT id, ${EVENT_COLUMNS}
FROM events WHERE at >= $since AND id > $after_id ORDER BY id` as const;

export const EXPORT_TARGET_STATES =
  `SELECT service, environment, component, target, version, good_version, run_id,
  updated_at
FROM target_states WHERE updated_at >= $since ORDER BY service, environment, component, target` as const;

/** Every runs column. Returns the run id only when it was new. */
export const IMPORT_RUN = `INSERT INTO runs (${RUN_COLUMNS})
VALUES ($run_id, $service, $environment, $version, $commit_sha, $started_at, $finished_at, $decision, $reason_code,
  $duration_ms, $actor)
ON CONFLICT (run_id) DO NOTHING
RETURNING run_id` as const;

/** Finishes a run only once. */
export const IMPORT_RUN_FINISH = `UPDATE runs
SET finished_at = $finished_at, duration_ms = $duration_ms, decision = $decision, reason_code = $reason_code
WHERE run_id = $run_id AND finished_at IS NULL
RETURNING run_id` as const;

/** As INSERT_EVENT. Returns the new id only when the run had no event with this seq. */
export const IMPORT_EVENT = `${INSERT_EVENT}
ON CONFLICT (run_id, seq) DO NOTHING
RETURNING id` as const;

/** The newer state wins; returns a row only on a change. */
export const IMPORT_TARGET_STATE = `INSERT INTO target_states
  (service, environment, component, target, version, good_version, run_id, updated_at)
VALUES ($service, $environment, $component, $target, $version, $good_version, $run_id, $updated_at)
ON CONFLICT (service, environment, component, target) DO UPDATE SET
  version = excluded.version,
  good_version = excluded.good_version,
  run_id = excluded.run_id,
  updated_at = excluded.updated_at
WHERE excluded.updated_at > target_states.updated_at
RETURNING service` as const;

/** The events that carry a run's final state (and the targets its inventory gave) through a prune. */
const KEPT_KINDS = "('run_started', 'inventory', 'run_finished')";

/** What a prune of the events before $before removes, per kind. */
export const COUNT_PRUNABLE_EVENTS = `SELECT kind, COUNT(*) AS n FROM events
WHERE at < $before AND kind NOT IN ${KEPT_KINDS} GROUP BY kind ORDER BY kind` as const;

export const PRUNE_EVENTS = `DELETE FROM events WHERE at < $before AND kind NOT IN ${KEPT_KINDS}` as const;
