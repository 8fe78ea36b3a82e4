/**
 * The statements of the fleet store (fleet-store.ts): reported outcomes, verdicts and overrides,
 * scheduled promotions (sql.ts has the schema).
 */
import { Conditions, type SqlParam, type SqlQuery } from './statement.ts';

const OUTCOME_COLUMNS = 'service, version, environment, outcome, source, source_id, at';
const OUTCOME_VALUES = '$service, $version, $environment, $outcome, $source, $source_id, $at';

/** The columns of one outcome, as a statement's parameters. */
export type OutcomeParams = Record<
  'service' | 'version' | 'environment' | 'outcome' | 'source' | 'source_id' | 'at',
  SqlParam
>;

/** Returns the id only when the outcome was new. */
export const INSERT_OUTCOME = `INSERT INTO outcomes (${OUTCOME_COLUMNS}) VALUES (${OUTCOME_VALUES})
ON CONFLICT (service, source, source_id) DO NOTHING
RETURNING id, service, version` as const;

/** Outcomes per multi-row insert when recording many: 700 parameters, far below both backends' limits. */
export const OUTCOMES_PER_INSERT = 100;

/** Many outcomes in one statement (INSERT_OUTCOME's, one row each). Returns one id per new outcome. */
export function insertOutcomes(outcomes: readonly OutcomeParams[]): SqlQuery {
  const params: Record<string, SqlParam> = {};
  const rows = outcomes.map((outcome, i) => {
    for (const [column, value] of Object.entries(outcome)) params[`${column}_${i}`] = value;
    return `(${OUTCOME_VALUES.replaceAll(/\$(\w+)/g, (_, name: string) => `$${name}_${i}`)})`;
  });
  const sql = INSERT_OUTCOME.replace(`VALUES (${OUTCOME_VALUES})`, `VALUES ${rows.join(', ')}`);
  return { sql, params };
}

/**
 * The version has outcomes the bot has not judged; an id recorded later replaces an earlier one
 * (row locks order the writers).
 */
export const MARK_UNJUDGED = `INSERT INTO unjudged_versions (service, version, last_outcome_id)
VALUES ($service, $version, $last_outcome_id)
ON CONFLICT (service, version) DO UPDATE SET last_outcome_id = excluded.last_outcome_id` as const;

export const SELECT_UNJUDGED = `SELECT service, version, last_outcome_id FROM unjudged_versions
ORDER BY service, version` as const;

/** Only while no outcome came since it was read. */
export const SETTLE_UNJUDGED = `DELETE FROM unjudged_versions
WHERE service = $service AND version = $version AND last_outcome_id = $last_outcome_id
RETURNING service` as const;

export const EXPORT_OUTCOMES =
  `SELECT ${OUTCOME_COLUMNS} FROM outcomes WHERE at >= $since ORDER BY id` as const;

export const COUNT_OUTCOMES = `SELECT version, environment,
  SUM(CASE WHEN outcome = 'failure' THEN 1 ELSE 0 END) AS failures, COUNT(*) AS total, MIN(at) AS first_at
FROM outcomes WHERE service = $service GROUP BY version, environment ORDER BY version, environment` as const;

/** A service's outcomes, optionally of some versions and one environment, in the order they happened. */
export function selectOutcomes(filter: {
  service: string;
  versions?: string[] | undefined;
  environment?: string | undefined;
}): SqlQuery {
  const where = new Conditions();
  where.equal('service', filter.service);
  where.oneOf('version', filter.versions);
  where.equal('environment', filter.environment);
  return {
    sql: `SELECT ${OUTCOME_COLUMNS} FROM outcomes${where.clause()} ORDER BY at, id`,
    params: where.params,
  };
}

const VERDICT_COLUMNS = 'service, version, verdict, reason_code, kind, actor, reason, message, evidence, at';

export const INSERT_VERDICT = `INSERT INTO verdicts (${VERDICT_COLUMNS})
VALUES ($service, $version, $verdict, $reason_code, $kind, $actor, $reason, $message, $evidence, $at)
RETURNING id` as const;

/** Overrides only: computed verdicts are each ledger's own. */
export const EXPORT_OVERRIDES = `SELECT id, ${VERDICT_COLUMNS} FROM verdicts
WHERE kind = 'override' AND at >= $since ORDER BY id` as const;

/** An imported override already here. */
export const FIND_OVERRIDE = `SELECT id FROM verdicts
WHERE service = $service AND version = $version AND kind = $kind AND verdict = $verdict AND actor = $actor
  AND at = $at` as const;

export const SELECT_SERVICE_VERDICTS =
  `SELECT id, ${VERDICT_COLUMNS} FROM verdicts WHERE service = $service ORDER BY id` as const;

export const SELECT_VERSION_VERDICTS = `SELECT id, ${VERDICT_COLUMNS} FROM verdicts
WHERE service = $service AND version = $version ORDER BY id` as const;

const PROMOTION_COLUMNS = `service, version, from_track, to_track, due_at, reason, state, claimed_by, claimed_until,
  note, created_at, updated_at, repo, installation_id`;
/** A promotion's key: $service, $version, $to_track. */
const PROMOTION_KEY = 'service = $service AND version = $version AND to_track = $to_track';

/**
 * Schedules it, or schedules again one not claimed or done; a repository once known is kept when
 * none is given.
 */
export const SCHEDULE_PROMOTION = `INSERT INTO promotions (${PROMOTION_COLUMNS})
VALUES ($service, $version, $from_track, $to_track, $due_at, $reason, 'scheduled', NULL, NULL, NULL, $created_at,
  $updated_at, $repo, $installation_id)
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
WHERE promotions.state IN ('scheduled', 'failed', 'cancelled')` as const;

export const SELECT_PROMOTION = `SELECT ${PROMOTION_COLUMNS} FROM promotions WHERE ${PROMOTION_KEY}` as const;

/**
 * A promotion due by $now that is scheduled, or claimed by a lease that ran out. Under concurrency
 * the row lock (PostgreSQL re-checks the WHERE after waiting for it) or the write lock (SQLite)
 * lets one win.
 */
export const CLAIM_PROMOTION = `UPDATE promotions
SET state = 'claimed', claimed_by = $claimed_by, claimed_until = $claimed_until, updated_at = $now
WHERE ${PROMOTION_KEY} AND due_at <= $now
  AND (state = 'scheduled' OR (state = 'claimed' AND claimed_until <= $now))
RETURNING ${PROMOTION_COLUMNS}` as const;

/** Only by the holder of its claim. */
export const FINISH_PROMOTION = `UPDATE promotions SET state = $state, note = $note, updated_at = $updated_at,
  claimed_until = NULL
WHERE ${PROMOTION_KEY} AND state = 'claimed' AND claimed_by = $claimed_by
RETURNING ${PROMOTION_COLUMNS}` as const;

export const CANCEL_PROMOTION =
  `UPDATE promotions SET state = 'cancelled', note = $note, updated_at = $updated_at
WHERE ${PROMOTION_KEY} AND state = 'scheduled'
RETURNING ${PROMOTION_COLUMNS}` as const;

/** Promotions by service, states and due time, soonest first. */
export function selectPromotions(filter: {
  service?: string | undefined;
  states?: string[] | undefined;
  dueBy?: number | undefined;
}): SqlQuery {
  const where = new Conditions();
  where.equal('service', filter.service);
  where.oneOf('state', filter.states);
  where.compare('due_at <=', 'due_by', filter.dueBy);
  const sql = `SELECT ${PROMOTION_COLUMNS} FROM promotions${where.clause()}
ORDER BY due_at, service, version, to_track`;
  return { sql, params: where.params };
}
