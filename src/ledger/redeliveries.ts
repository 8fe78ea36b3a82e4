/**
 * The bot_redeliveries table (migration 18; statements in redeliveries-sql.ts): webhooks whose
 * handlers failed, kept until the bot receives them again, so that they outlive its process.
 * Storage only: when and how often to try again is the bot's (bot/http/redeliveries.ts).
 */
import type { Row, SqlConnection } from './connection.ts';
import { leaseMs as lease } from './lock-session.ts';
import {
  CLAIM_REDELIVERY,
  COUNT_REDELIVERIES,
  DROP_REDELIVERY,
  INSERT_REDELIVERY,
  RETRY_REDELIVERY,
  SELECT_REDELIVERY,
} from './redeliveries-sql.ts';
import type { RedeliveryKept, WebhookRedelivery } from './redelivery-types.ts';

export function keepRedelivery(
  connection: SqlConnection,
  r: WebhookRedelivery,
  limit: number,
): Promise<RedeliveryKept> {
  return connection.transaction(async (session) => {
    if ((await session.query(SELECT_REDELIVERY, { delivery_id: r.deliveryId })).length > 0) {
      return 'waiting already';
    }
    const [waiting] = await session.query(COUNT_REDELIVERIES);
    if (Number(waiting?.n ?? 0) >= limit) return 'full';
    const kept = await session.query(INSERT_REDELIVERY, {
      delivery_id: r.deliveryId,
      event: r.event,
      payload: r.payload,
      tries: r.tries,
      due_at: r.dueAt,
    });
    return kept.length > 0 ? 'kept' : 'waiting already';
  });
}

export async function claimRedelivery(
  connection: SqlConnection,
  holder: string,
  leaseMs: number,
  now: number,
): Promise<WebhookRedelivery | null> {
  const [row] = await connection.query(CLAIM_REDELIVERY[connection.dialect.name], {
    holder,
    held_until: now + lease(leaseMs),
    now,
  });
  return row ? toRedelivery(row) : null;
}

export async function retryRedelivery(
  connection: SqlConnection,
  deliveryId: string,
  holder: string,
  dueAt: number,
): Promise<void> {
  await connection.query(RETRY_REDELIVERY, { due_at: dueAt, delivery_id: deliveryId, holder });
}

export async function dropRedelivery(
  connection: SqlConnection,
  deliveryId: string,
  holder: string,
): Promise<void> {
  await connection.query(DROP_REDELIVERY, { delivery_id: deliveryId, holder });
}

function toRedelivery(row: Row): WebhookRedelivery {
  return {
    deliveryId: String(row.delivery_id),
    event: String(row.event),
    payload: String(row.payload),
    tries: Number(row.tries),
    dueAt: Number(row.due_at),
  };
}
