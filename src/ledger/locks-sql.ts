/** The locks store: named locks, with or without a lease (sql.ts has the schema). */

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
