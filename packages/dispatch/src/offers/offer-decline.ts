import { OPEN_OFFER_STATES } from '@fs/domain';
import { sql } from 'kysely';
import { runAfterCommit } from '../shared/after-commit';
import type { DispatchDeps, Executor } from '../shared/deps';

export type DeclineOfferOutcome = 'declined' | 'not_yours' | 'not_found' | 'already_closed';

export interface DeclineOfferResult {
  kind: DeclineOfferOutcome;
  orderId?: number;
}

/**
 * A master declines (after confirming in the bot): only that master's open offer becomes
 * `declined`, which also keeps them out of this order's candidates; the scheduler is woken
 * at once so the next master gets the order without waiting for the expiry.
 */
export async function declineOffer(
  deps: DispatchDeps,
  input: { offerId: number; masterId: number },
): Promise<DeclineOfferResult> {
  const declined = await deps.db
    .updateTable('offers')
    .set({ state: 'declined', responded_at: sql<Date>`now()`, close_reason: 'declined' })
    .where('id', '=', input.offerId)
    .where('master_id', '=', input.masterId)
    .where('state', 'in', OPEN_OFFER_STATES)
    .returning([
      'order_id',
      sql<number>`(SELECT o.city_id FROM orders o WHERE o.id = offers.order_id)`.as('city_id'),
    ])
    .executeTakeFirst();
  let result: DeclineOfferResult;
  if (declined) {
    result = { kind: 'declined', orderId: declined.order_id };
    // The order looks for its next master, and the master's slot is free for the city's other orders.
    await runAfterCommit(deps, {
      wake: { orderId: declined.order_id, reason: 'offer_declined' },
      freed: { cityId: declined.city_id, reason: 'offer_declined' },
    });
  } else {
    result = await explainNoChange(deps.db, input);
  }
  deps.logger.info(
    { order_id: result.orderId, master_id: input.masterId, offer_id: input.offerId, outcome: result.kind },
    'offer decline',
  );
  return result;
}

async function explainNoChange(
  db: Executor,
  input: { offerId: number; masterId: number },
): Promise<DeclineOfferResult> {
  const offer = await db
    .selectFrom('offers')
    .select(['order_id', 'master_id'])
    .where('id', '=', input.offerId)
    .executeTakeFirst();
  if (!offer) return { kind: 'not_found' };
  if (offer.master_id !== input.masterId) return { kind: 'not_yours' };
  return { kind: 'already_closed', orderId: offer.order_id };
}

/** The master opened the offer card: `sent` → `viewed`. Returns whether the offer changed. */
export async function markOfferViewed(
  deps: Pick<DispatchDeps, 'db'>,
  input: { offerId: number; masterId: number },
): Promise<boolean> {
  const row = await deps.db
    .updateTable('offers')
    .set({ state: 'viewed', viewed_at: sql<Date>`now()` })
    .where('id', '=', input.offerId)
    .where('master_id', '=', input.masterId)
    .where('state', '=', 'sent')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
