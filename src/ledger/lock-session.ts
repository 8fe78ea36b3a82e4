/** Taking a lock inside a transaction: shared by acquireLock and the bot's lock commands. */
import type { SqlSession } from './connection.ts';
import { ACQUIRE_LOCK, SELECT_LOCK } from './locks-sql.ts';
import { toLock } from './rows.ts';
import type { LockOutcome, LockRequest } from './types.ts';

export async function acquireLockIn(
  session: SqlSession,
  name: string,
  holder: string,
  request: LockRequest,
  now: number,
): Promise<LockOutcome> {
  const expiresAt = request.ttlMs === undefined ? null : now + leaseMs(request.ttlMs);
  const data = request.data === undefined ? null : JSON.stringify(request.data);
  const [taken] = await session.query(ACQUIRE_LOCK, {
    name,
    holder,
    acquired_at: now,
    renewed_at: now,
    expires_at: expiresAt,
    reason: request.reason ?? null,
    data,
    now,
  });
  if (taken) return { acquired: true, lock: toLock(taken) };
  const [current] = await session.query(SELECT_LOCK, { name });
  // The upsert found the row and left it locked, so it is still there.
  if (!current) throw new Error(`lock ${name}: neither taken nor held; this is a bug in the ledger`);
  return { acquired: false, heldBy: toLock(current) };
}

export function leaseMs(ttlMs: number): number {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`a lease must last a whole number of milliseconds above 0, got ${ttlMs}`);
  }
  return ttlMs;
}
