/** The statements of the bot_redeliveries table (redeliveries.ts). */

/**
 * A plain table, not one kept in its key's order: a row holds a webhook's body (kilobytes), which
 * SQLite would rather keep out of its key's tree; the body comes last, so that reading when a row
 * is due never reads the body.
 */
export function redeliveriesTable(): string {
  return `CREATE TABLE bot_redeliveries (
  delivery_id TEXT PRIMARY KEY,
  event TEXT NOT NULL,
  tries INTEGER NOT NULL,
  due_at BIGINT NOT NULL,
  held_by TEXT,
  held_until BIGINT,
  payload TEXT NOT NULL
)`;
}

const COLUMNS = 'delivery_id, event, tries, due_at, payload';

export const COUNT_REDELIVERIES = 'SELECT COUNT(*) AS n FROM bot_redeliveries' as const;

export const SELECT_REDELIVERY =
  'SELECT delivery_id FROM bot_redeliveries WHERE delivery_id = $delivery_id' as const;

/** Returns a row only when kept: one kept at once by another process is waiting already. */
export const INSERT_REDELIVERY = `INSERT INTO bot_redeliveries (${COLUMNS}, held_by, held_until)
VALUES ($delivery_id, $event, $tries, $due_at, $payload, NULL, NULL)
ON CONFLICT (delivery_id) DO NOTHING
RETURNING delivery_id` as const;

/** The soonest due by $now that is unclaimed, or claimed by a lease that ran out. */
const NEXT_REDELIVERY = `SELECT delivery_id FROM bot_redeliveries
WHERE due_at <= $now AND (held_until IS NULL OR held_until <= $now)
ORDER BY due_at, delivery_id LIMIT 1` as const;

/**
 * Claims the next redelivery for $holder, counting the try it is for (a try whose process died
 * counts too). SQLite's write lock lets one claimant in at a time;
 * in PostgreSQL each locks the row it picks and passes over those others have locked, so that
 * concurrent claimants get different rows (not one row, and nothing for the rest).
 */
export const CLAIM_REDELIVERY = {
  sqlite: `UPDATE bot_redeliveries SET held_by = $holder, held_until = $held_until, tries = tries + 1
WHERE delivery_id = (${NEXT_REDELIVERY})
RETURNING ${COLUMNS}`,
  postgres: `UPDATE bot_redeliveries SET held_by = $holder, held_until = $held_until, tries = tries + 1
WHERE delivery_id = (${NEXT_REDELIVERY} FOR UPDATE SKIP LOCKED)
RETURNING ${COLUMNS}`,
} as const;

/** Only by its holder. */
export const RETRY_REDELIVERY = `UPDATE bot_redeliveries
SET due_at = $due_at, held_by = NULL, held_until = NULL
WHERE delivery_id = $delivery_id AND held_by = $holder` as const;

/** Only by its holder. */
export const DROP_REDELIVERY =
  'DELETE FROM bot_redeliveries WHERE delivery_id = $delivery_id AND held_by = $holder' as const;
