/** The bot's claims: each webhook delivery, or each thing a webhook acts on, claimed once (sql.ts has the schema). */

/** Returns a row only for a claim not made before. */
export const CLAIM_DELIVERY = `INSERT INTO bot_deliveries (delivery_id, repo, event, received_at)
VALUES ($delivery_id, $repo, $event, $received_at)
ON CONFLICT (delivery_id) DO NOTHING
RETURNING delivery_id` as const;

/** A claim given up (its work failed), so a redelivery is handled. */
export const FORGET_DELIVERY = 'DELETE FROM bot_deliveries WHERE delivery_id = $delivery_id' as const;

/**
 * The claims a prune keeps, by event: those keyed by what they act on rather than by a delivery,
 * or the act would be repeated when the same thing comes again. The bot's own one-time acts (a
 * verdict's reaction, a promotion's deploys), and its commands, claimed once per comment
 * (bot/github/webhook-identity.ts): a comment's signed body sent again must not run it again.
 */
const KEPT_CLAIM_EVENTS = "('verdict', 'promotion', 'issue_comment')";

/** Claims made before $before that a prune removes. */
export const COUNT_PRUNABLE_DELIVERIES = `SELECT COUNT(*) AS n FROM bot_deliveries
WHERE received_at < $before AND event NOT IN ${KEPT_CLAIM_EVENTS}` as const;

export const PRUNE_DELIVERIES = `DELETE FROM bot_deliveries
WHERE received_at < $before AND event NOT IN ${KEPT_CLAIM_EVENTS}` as const;
