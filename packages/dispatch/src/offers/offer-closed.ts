import type { OfferClosedPayload, OfferClosedReason } from '@fs/domain';
import type { OutboxInsert } from '@fs/queue';

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
