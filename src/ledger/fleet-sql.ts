/** The fleet store: reported outcomes, verdicts and overrides, scheduled promotions (sql.ts has the schema). */
import { type SqlParam, type SqlQuery, whereClause } from './sql.ts';

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
