import type { Db } from '@fs/db';
import {
  hasTemplate,
  type NewOfferPayload,
  type NotificationPayloads,
  type OfferClosedPayload,
  OPEN_OFFER_STATES,
  type OrderSnapshot,
  type RenderedNotification,
  renderNotification,
  type TemplatedEvent,
} from '@fs/domain';
import { type ClaimedOutbox, findOffer, findPushRow, type OfferForPush } from './outbox-store';

/** What to do with one pending outbox row, decided before anything goes to Telegram. */
export type Plan =
  | { kind: 'send'; message: RenderedNotification; offerId?: number }
  | { kind: 'edit'; message: RenderedNotification; chatId: number; messageId: number }
  | { kind: 'skip'; reason: string }
  | { kind: 'delay'; ms: number; reason: string }
  | { kind: 'fail'; reason: string };

/** An offer_closed waits this long for its push to go out before giving up on the edit. */
const PUSH_WAIT_MAX_MS = 10 * 60_000;
const PUSH_WAIT_RETRY_MS = 1000;

function render<E extends TemplatedEvent>(
  event: E,
  payload: NotificationPayloads[E],
  now: Date,
): Plan | RenderedNotification {
  try {
    return renderNotification(event, payload, now);
  } catch (err) {
    return { kind: 'fail', reason: `cannot render ${event}: ${(err as Error).message}` };
  }
}

function isPlan(x: Plan | RenderedNotification): x is Plan {
  return 'kind' in x;
}

/** The offer joined to the row, or looked up by the payload's offer_id when the row has none. */
async function offerOf(
  db: Db,
  claimed: ClaimedOutbox,
  offerId: number | undefined,
): Promise<OfferForPush | null> {
  if (claimed.row.offer_id !== null) return claimed.offer;
  return offerId ? findOffer(db, offerId) : null;
}

async function planNewOffer(db: Db, claimed: ClaimedOutbox, now: Date): Promise<Plan> {
  const payload = claimed.row.payload as unknown as NewOfferPayload;
  const offerId = claimed.row.offer_id ?? payload.offer_id;
  const offer = await offerOf(db, claimed, offerId);
  const open =
    offer && (OPEN_OFFER_STATES as readonly string[]).includes(offer.state) && offer.is_open_in_time;
  // A push for an offer that already expired or was answered would only confuse the master.
  if (!offer || !open) return { kind: 'skip', reason: `offer ${offerId} is no longer open` };
  const message = render(
    'new_offer',
    { ...payload, offer_id: offerId, expires_at: offer.answer_until.toISOString() },
    now,
  );
  return isPlan(message) ? message : { kind: 'send', message, offerId };
}

async function planOfferClosed(db: Db, claimed: ClaimedOutbox, now: Date): Promise<Plan> {
  const { row } = claimed;
  const payload = row.payload as unknown as OfferClosedPayload;
  const offerId = row.offer_id ?? payload.offer_id;
  const offer = await offerOf(db, claimed, offerId);
  const push = offerId ? await findPushRow(db, offerId) : null;
  if (offer?.tg_chat_id && offer.tg_message_id) {
    const order = payload.order ?? (push?.payload as unknown as OrderSnapshot | undefined);
    const message = render(
      'offer_closed',
      { ...payload, offer_id: offerId, ...(order ? { order } : {}) },
      now,
    );
    if (isPlan(message)) return message;
    return { kind: 'edit', message, chatId: offer.tg_chat_id, messageId: offer.tg_message_id };
  }
  const pushWaiting = push?.status === 'pending' || push?.status === 'sending';
  if (pushWaiting && now.getTime() - row.created_at.getTime() < PUSH_WAIT_MAX_MS)
    return { kind: 'delay', ms: PUSH_WAIT_RETRY_MS, reason: 'the push is not sent yet' };
  return { kind: 'skip', reason: 'the push was never sent, nothing to edit' };
}

export async function planDelivery(db: Db, claimed: ClaimedOutbox, now: Date): Promise<Plan> {
  const { row } = claimed;
  switch (row.event) {
    case 'new_offer':
      return planNewOffer(db, claimed, now);
    case 'offer_closed':
      return planOfferClosed(db, claimed, now);
    default: {
      if (!hasTemplate(row.event)) return { kind: 'fail', reason: `no template for event ${row.event}` };
      const message = render(row.event, row.payload as never, now);
      return isPlan(message) ? message : { kind: 'send', message };
    }
  }
}
