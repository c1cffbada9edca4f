import type { Db } from '@fs/db';
import { loadOrderSnapshot } from '@fs/dispatch';
import { type NewOfferPayload, renderNotification } from '@fs/domain';
import { sql } from 'kysely';
import { Telegram } from 'telegraf';

/** An open offer row (testkit has no offer factory). */
export async function insertOffer(db: Db, orderId: number, masterId: number, expiresInSeconds = 120) {
  const row = await db
    .insertInto('offers')
    .values({
      order_id: orderId,
      master_id: masterId,
      round_number: 1,
      state: 'sent',
      expires_at: new Date(Date.now() + expiresInSeconds * 1000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Sends the new-offer push the way the notifications sender does (same template, HTML, the
 * accept/decline buttons) and returns its message id in the master's chat. Unless `unrecorded`
 * (a copy whose send timed out, so the sender never learned of it), the offer records the
 * delivery as the sender would: where the push went and when.
 */
export async function sendPush(
  db: Db,
  tg: Telegram,
  push: { chatId: number; orderId: number; offerId: number; expiresInSeconds?: number; unrecorded?: boolean },
): Promise<number> {
  const snapshot = await loadOrderSnapshot(db, push.orderId);
  if (!snapshot) throw new Error(`no order ${push.orderId}`);
  const now = new Date();
  const payload: NewOfferPayload = {
    ...snapshot,
    offer_id: push.offerId,
    expires_at: new Date(now.getTime() + (push.expiresInSeconds ?? 120) * 1000).toISOString(),
  };
  const rendered = renderNotification('new_offer', payload, now);
  const message = await tg.sendMessage(push.chatId, rendered.text, {
    parse_mode: 'HTML',
    ...(rendered.buttons ? { reply_markup: { inline_keyboard: rendered.buttons as never } } : {}),
  });
  if (!push.unrecorded) {
    await db
      .updateTable('offers')
      .set({
        tg_chat_id: push.chatId,
        tg_message_id: message.message_id,
        delivered_at: sql<Date>`coalesce(delivered_at, now())`,
      })
      .where('id', '=', push.offerId)
      .execute();
  }
  return message.message_id;
}

export { Telegram };
