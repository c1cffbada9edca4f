import type { OutboxInsert } from '@fs/queue';
import { sql } from 'kysely';
import type { Executor } from '../shared/deps';
import { offerClosedRows } from './offer-closed';

/**
 * The offer clock: an offer's answer window starts when the master can see it.
 *
 * - Insert (scheduler or staff): `state = 'sent'`, `sent_at = now()`, `expires_at = now() + SLA`,
 *   `delivered_at = NULL`. Until delivery, `expires_at` is the **delivery deadline**; the
 *   window's length is `expires_at - sent_at`. The inserter schedules the expiry job at it.
 * - Delivery (the sender, in the statement that records the push as sent): if the offer is
 *   still open and `delivered_at IS NULL`, `delivered_at = now()` and
 *   `expires_at = now() + (expires_at - sent_at)`: a full SLA from the moment Telegram accepted
 *   the push. The sender then schedules one more expiry job at the new `expires_at`.
 * - Due (`expires_at <= now()`, the per-order run): an offer the master saw (delivered or opened
 *   in the bot, `viewed_at`) becomes `expired`; one that never reached them becomes `withdrawn`.
 *   A withdrawn offer is not a refusal (the candidate query excludes only declined/expired), does
 *   not use up a round (the order's round counter goes back when every offer of its last round
 *   was withdrawn) and is left out of the accept/decline/expire figures.
 */

/** Postgres condition: offer `f` is open and its clock has not started yet. */
export const OFFER_CLOCK_NOT_STARTED_SQL = `(f.delivered_at IS NULL AND f.state IN ('sent', 'viewed'))`;

/** Postgres expression: offer `f`'s expires_at once its push is delivered now (a full SLA from now). */
export const DELIVERED_EXPIRES_AT_SQL = `now() + (f.expires_at - f.sent_at)`;

/** Postgres expression: the end of the answer window of offer `f` as a push rendered now shows it. */
export const ANSWER_UNTIL_SQL = `CASE WHEN f.delivered_at IS NULL THEN ${DELIVERED_EXPIRES_AT_SQL} ELSE f.expires_at END`;

export interface ClosedOffers {
  expired: { id: number; master_id: number }[];
  withdrawn: { id: number; master_id: number }[];
  /** The order's round counter after this step (lower than before when a round was withdrawn). */
  roundsUsed: number | null;
  /** offer_closed rows: every expired offer, and withdrawn ones whose push may be on its way. */
  outbox: OutboxInsert[];
}

/**
 * The expiry step of the per-order run (the caller holds the order row lock), one statement:
 * closes the order's due open offers (expired or withdrawn, see above), skips the pushes of
 * withdrawn offers that are still waiting (no sender has them), and gives the round back when
 * every offer of the order's last round was withdrawn.
 */
export async function closeDueOffers(trx: Executor, orderId: number): Promise<ClosedOffers> {
  const { rows } = await sql<{
    id: number | null;
    master_id: number | null;
    state: 'expired' | 'withdrawn' | null;
    push_skipped: boolean;
    rounds_used: number | null;
  }>`
    WITH due AS (
      UPDATE offers f SET
        state = CASE WHEN f.delivered_at IS NULL AND f.viewed_at IS NULL THEN 'withdrawn' ELSE 'expired' END::offer_state,
        close_reason = CASE WHEN f.delivered_at IS NULL AND f.viewed_at IS NULL THEN 'undelivered' ELSE 'expired' END,
        responded_at = now()
      WHERE f.order_id = ${orderId}::int AND f.state IN ('sent', 'viewed') AND f.expires_at <= now()
      RETURNING f.id, f.master_id, f.state, f.round_number
    ), skipped AS (
      UPDATE notifications_outbox o SET status = 'skipped', last_error = 'offer withdrawn before delivery',
        updated_at = now()
      FROM due
      WHERE o.offer_id = due.id AND due.state = 'withdrawn' AND o.event = 'new_offer' AND o.status = 'pending'
      RETURNING o.offer_id
    ), rounds AS (
      -- The statement sees offers as they were before it: the due ones are judged by their new state.
      UPDATE orders r SET dist_rounds_used = r.dist_rounds_used - 1
      WHERE r.id = ${orderId}::int AND r.dist_rounds_used > 0
        AND EXISTS (SELECT 1 FROM due WHERE due.round_number = r.dist_rounds_used)
        AND NOT EXISTS (SELECT 1 FROM due WHERE due.round_number = r.dist_rounds_used AND due.state <> 'withdrawn')
        AND NOT EXISTS (SELECT 1 FROM offers k WHERE k.order_id = r.id AND k.round_number = r.dist_rounds_used
          AND k.state <> 'withdrawn' AND k.id NOT IN (SELECT id FROM due))
      RETURNING r.dist_rounds_used
    )
    SELECT due.id, due.master_id, due.state::text AS state,
      EXISTS (SELECT 1 FROM skipped s WHERE s.offer_id = due.id) AS push_skipped,
      (SELECT dist_rounds_used FROM rounds) AS rounds_used
    FROM (SELECT 1) one LEFT JOIN due ON true
  `.execute(trx);
  const closed = rows.filter((r) => r.id !== null) as {
    id: number;
    master_id: number;
    state: 'expired' | 'withdrawn';
    push_skipped: boolean;
  }[];
  const expired = closed.filter((r) => r.state === 'expired').map(({ id, master_id }) => ({ id, master_id }));
  const withdrawn = closed
    .filter((r) => r.state === 'withdrawn')
    .map(({ id, master_id }) => ({ id, master_id }));
  // A withdrawn offer's push that a sender holds (or timed out on) may still land: close it too.
  const inFlight = closed.filter((r) => r.state === 'withdrawn' && !r.push_skipped);
  return {
    expired,
    withdrawn,
    roundsUsed: rows[0]?.rounds_used ?? null,
    outbox: [
      ...offerClosedRows(expired, orderId, 'expired'),
      ...offerClosedRows(inFlight, orderId, 'withdrawn'),
    ],
  };
}
