/** The runs store: runs, their events, and the state each target was left in (sql.ts has the schema). */

import { Conditions, type SqlQuery } from './statement.ts';
import type { EventFilter, HistoryFilter } from './types.ts';

export const RUN_COLUMNS =
  'run_id, service, environment, version, commit_sha, started_at, finished_at, decision, reason_code, duration_ms, actor';

export const EVENT_COLUMNS = `run_id, seq, at, kind, status, service, environment, version, component, target, batch,
  duration_ms, reason_code, message, data`;

/** Every events column but the id. */
export const INSERT_EVENT = `INSERT INTO events (${EVENT_COLUMNS})
VALUES ($run_id, $seq, $at, $kind, $status, $service, $environment, $version, $component, $target, $batch,
  $duration_ms, $reason_code, $message, $data)` as const;

/** A replayed start is ignored. */
export const INSERT_RUN =
  `INSERT INTO runs (run_id, service, environment, version, commit_sha, started_at, actor)
VALUES ($run_id, $service, $environment, $version, $commit_sha, $started_at, $actor)
ON CONFLICT (run_id) DO NOTHING` as const;

export const FINISH_RUN = `UPDATE runs
SET finished_at = $finished_at, duration_ms = $duration_ms, decision = $decision, reason_code = $reason_code
WHERE run_id = $run_id` as const;

/** A null good_version keeps the target's previous good version. */
export const UPSERT_TARGET_STATE = `INSERT INTO target_states
  (service, environment, component, target, version, good_version, run_id, updated_at)
VALUES ($service, $environment, $component, $target, $version, $good_version, $run_id, $updated_at)
ON CONFLICT (service, environment, component, target) DO UPDATE SET
  version = excluded.version,
  good_version = COALESCE(excluded.good_version, target_states.good_version),
  run_id = excluded.run_id,
  updated_at = excluded.updated_at` as const;

export const SELECT_TARGET_STATES = `SELECT component, target, version, good_version, run_id
FROM target_states WHERE service = $service AND environment = $environment
ORDER BY component, target` as const;

/** Runs matching the filter, newest first. */
export function selectRuns(filter: HistoryFilter): SqlQuery {
  const where = new Conditions();
  where.equal('run_id', filter.runId);
  where.equal('service', filter.service);
  where.equal('environment', filter.environment);
  where.equal('version', filter.version);
  where.compare('started_at >=', 'since', filter.since);
  if (filter.finished !== undefined) where.add(`finished_at IS ${filter.finished ? 'NOT ' : ''}NULL`);
  const sql = `SELECT ${RUN_COLUMNS} FROM runs${where.clause()} ORDER BY started_at DESC, run_id DESC`;
  return { sql: sql + where.limit(filter.limit, 'runs'), params: where.params };
}

/** Events matching the filter: one run's in seq order, otherwise in the order they were recorded. */
export function selectEvents(filter: EventFilter): SqlQuery {
  const where = new Conditions();
  where.equal('run_id', filter.runId);
  where.equal('service', filter.service);
  where.equal('environment', filter.environment);
  if (filter.withDuration) where.add('duration_ms IS NOT NULL');
  where.compare('seq >', 'after_seq', filter.afterSeq);
  const order = filter.runId !== undefined ? 'seq, id' : 'id';
  const sql = `SELECT ${EVENT_COLUMNS} FROM events${where.clause()} ORDER BY ${order}`;
  return { sql: sql + where.limit(filter.limit, 'events'), params: where.params };
}
