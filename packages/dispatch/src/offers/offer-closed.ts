import {
  DISTRIBUTABLE_STATUSES,
  type OfferClosedPayload,
  type OfferClosedReason,
  type OfferState,
  OPEN_OFFER_STATES,
  type OrderSnapshot,
  type OrderStatus,
} from '@fs/domain';
import type { OutboxInsert } from '@fs/queue';
import { sql } from 'kysely';
import { loadOrderSnapshot } from '../orders/order-snapshot';
import type { Executor } from '../shared/deps';

/** `offer_closed` rows: the sender edits each master's push to say why the offer is gone. */
export function offerClosedRows(
  offers: readonly { id: number; master_id: number }[],
  orderId: number,
  reason: OfferClosedReason,
): OutboxInsert[] {
  return offers.map((o) => ({
    bot: 'master',
    event: 'offer_closed',
    master_id: o.master_id,
    order_id: orderId,
    offer_id: o.id,
    payload: { offer_id: o.id, order_id: orderId, reason } satisfies OfferClosedPayload,
    dedup_key: `offer-closed-${o.id}`,
  }));
}

/** What decides why an offer is closed: the offer's row and its order's. */
export interface OfferFacts {
  state: OfferState;
  closeReason: string | null;
  /** expires_at has passed (by the database clock). */
  due: boolean;
  /** Neither delivered nor viewed: past its deadline it is withdrawn, not expired (offer-clock.ts). */
  unseen: boolean;
  orderStatus: OrderStatus;
  assignedMasterId: number | null;
  masterId: number;
}

const isOpen = (s: OfferState) => (OPEN_OFFER_STATES as readonly OfferState[]).includes(s);
const isDistributable = (s: OrderStatus) => (DISTRIBUTABLE_STATUSES as readonly OrderStatus[]).includes(s);

/**
 * Why an offer can no longer be answered, in the terms of the `offer_closed` rows written when it
 * was closed (offerClosedRows callers); null while it is open. An offer still open in its row
 * but past its deadline, or whose order moved on, is judged as the next run will close it.
 */
export function offerClosedReason(f: OfferFacts): OfferClosedReason | null {
  switch (f.closeReason) {
    case 'taken':
      return 'taken';
    case 'assigned_by_staff':
      return f.state === 'accepted' ? 'accepted' : 'taken';
    case 'order_canceled':
    case 'returned_to_search':
      return 'canceled';
    case 'undelivered':
      return 'withdrawn';
  }
  switch (f.state) {
    case 'accepted':
      return 'accepted';
    case 'declined':
      return 'declined';
    case 'withdrawn':
      return 'withdrawn';
    case 'expired':
      return 'expired';
    case 'canceled':
      return f.assignedMasterId !== null && f.assignedMasterId !== f.masterId ? 'taken' : 'canceled';
  }
  if (!isOpen(f.state)) return 'expired';
  if (f.assignedMasterId !== null) return f.assignedMasterId === f.masterId ? 'accepted' : 'taken';
  if (!isDistributable(f.orderStatus)) return 'canceled';
  if (f.due) return f.unseen ? 'withdrawn' : 'expired';
  return null;
}

export interface ClosedOffer {
  orderId: number;
  masterId: number;
  reason: OfferClosedReason;
  /**
   * The `offer_closed` message for this offer: every copy of its push (the one the sender
   * recorded and edits, and any copy it never learned of) is edited into this same message.
   */
  payload: OfferClosedPayload;
}

/**
 * A closed offer and the message its push copies close into; null when the offer is still open
 * or does not exist. The order lines are those of the push the master saw (its `new_offer` row),
 * else the order's current ones.
 */
export async function closedOffer(db: Executor, offerId: number): Promise<ClosedOffer | null> {
  const row = await db
    .selectFrom('offers as f')
    .innerJoin('orders as o', 'o.id', 'f.order_id')
    .select([
      'f.order_id',
      'f.master_id',
      'f.state',
      'f.close_reason',
      'o.status',
      'o.assigned_master_id',
      sql<boolean>`f.expires_at <= now()`.as('due'),
      sql<boolean>`f.delivered_at IS NULL AND f.viewed_at IS NULL`.as('unseen'),
      sql<OrderSnapshot | null>`(SELECT q.payload FROM notifications_outbox q
        WHERE q.offer_id = f.id AND q.event = 'new_offer' ORDER BY q.id DESC LIMIT 1)`.as('push'),
    ])
    .where('f.id', '=', offerId)
    .executeTakeFirst();
  if (!row) return null;
  const reason = offerClosedReason({
    state: row.state,
    closeReason: row.close_reason,
    due: row.due,
    unseen: row.unseen,
    orderStatus: row.status,
    assignedMasterId: row.assigned_master_id,
    masterId: row.master_id,
  });
  if (!reason) return null;
  const order = row.push ?? (await loadOrderSnapshot(db, row.order_id));
  return {
    orderId: row.order_id,
    masterId: row.master_id,
    reason,
    payload: { offer_id: offerId, order_id: row.order_id, reason, ...(order ? { order } : {}) },
  };
}
