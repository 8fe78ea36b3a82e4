/** The locks store: named locks, with or without a lease (sql.ts has the schema). */

export const LOCK_COLUMNS = 'name, holder, acquired_at, renewed_at, expires_at, reason, data';

/**
 * Takes a free lock, an expired lease (one that expires by $now), or one the same holder already
 * has (keeping its acquired_at); returns no row when someone else holds it. The conflicting row
 * stays locked for the rest of the transaction, so the holder read right after is the one that won.
 */
export const ACQUIRE_LOCK = `INSERT INTO locks (${LOCK_COLUMNS})
VALUES ($name, $holder, $acquired_at, $renewed_at, $expires_at, $reason, $data)
ON CONFLICT (name) DO UPDATE SET
  acquired_at = CASE WHEN locks.holder = excluded.holder THEN locks.acquired_at ELSE excluded.acquired_at END,
  holder = excluded.holder,
  renewed_at = excluded.renewed_at,
  expires_at = excluded.expires_at,
  reason = excluded.reason,
  data = excluded.data
WHERE locks.holder = excluded.holder OR (locks.expires_at IS NOT NULL AND locks.expires_at <= $now)
RETURNING ${LOCK_COLUMNS}` as const;

export const SELECT_LOCK = `SELECT ${LOCK_COLUMNS} FROM locks WHERE name = $name` as const;

/** Only a lease its holder still has at $now. */
export const RENEW_LOCK = `UPDATE locks SET renewed_at = $renewed_at, expires_at = $expires_at
WHERE name = $name AND holder = $holder AND expires_at IS NOT NULL AND expires_at > $now
RETURNING ${LOCK_COLUMNS}` as const;

export const RELEASE_LOCK =
  `DELETE FROM locks WHERE name = $name AND holder = $holder RETURNING ${LOCK_COLUMNS}` as const;

/** Whoever holds it. */
export const FORCE_RELEASE_LOCK = `DELETE FROM locks WHERE name = $name RETURNING ${LOCK_COLUMNS}` as const;

/** Locks held at $now: expired leases are left out. */
export const SELECT_LOCKS = `SELECT ${LOCK_COLUMNS} FROM locks
WHERE expires_at IS NULL OR expires_at > $now ORDER BY name` as const;
