/** The runs store: runs, their events, and the state each target was left in (sql.ts has the schema). */
import { limitClause, type SqlParam, type SqlQuery, whereClause } from './sql.ts';
import type { EventFilter, HistoryFilter } from './types.ts';

export const RUN_COLUMNS =
  'run_id, service, environment, version, commit_sha, started_at, finished_at, decision, reason_code, duration_ms';

export const EVENT_COLUMNS = `run_id, seq, at, kind, status, service, environment, version, component, target, batch,
  duration_ms, reason_code, message, data`;

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
