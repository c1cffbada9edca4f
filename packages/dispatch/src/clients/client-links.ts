import { normalizeRuPhone } from '@fs/domain';
import { sql } from 'kysely';
import type { Executor } from '../shared/deps';

/**
 * What the client does in the client bot besides feedback: open the order's deep link (binds
 * the chat to the order), share their own phone with the contact button (later orders with
 * that phone come to this chat instead of by SMS), and switch notices off or on again. STOP by
 * SMS switches a phone off.
 */

/** What a link token may look like (newClientToken makes 32 such characters). */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,64}$/;

export interface ClientChatIdentity {
  chatId: number;
  tgUserId: number;
  firstName?: string | null;
}

/** Remembers the chat (and that it can be written to again: the client is talking to the bot). */
export async function touchClientChat(db: Executor, who: ClientChatIdentity): Promise<void> {
  await db
    .insertInto('client_chats')
    .values({
      chat_id: who.chatId,
      tg_user_id: who.tgUserId,
      first_name: who.firstName?.slice(0, 128) ?? null,
    })
    .onConflict((oc) =>
      oc.column('chat_id').doUpdateSet({
        tg_user_id: who.tgUserId,
        ...(who.firstName ? { first_name: who.firstName.slice(0, 128) } : {}),
        unreachable_at: null,
        updated_at: sql<Date>`now()`,
      }),
    )
    .execute();
}

export type OpenLinkResult =
  | { kind: 'ok'; orderId: number; firstTime: boolean }
  /** Unknown or malformed token. */
  | { kind: 'not_found' }
  /** The link ran out before this chat opened it. */
  | { kind: 'expired' }
  /** The link was opened in another chat: it belongs there (a forwarded or guessed link). */
  | { kind: 'other_chat' };

/**
 * /start <token>: binds the chat to the token's order. The first chat to open a link keeps it;
 * that chat may open it again even after it expired, any other chat is refused.
 */
export async function openClientLink(
  db: Executor,
  input: ClientChatIdentity & { token: string },
): Promise<OpenLinkResult> {
  if (!TOKEN_SHAPE.test(input.token)) return { kind: 'not_found' };
  return db.transaction().execute(async (trx) => {
    await touchClientChat(trx, input);
    const link = await trx
      .selectFrom('order_client_links')
      .select(['order_id', 'chat_id', sql<boolean>`expires_at <= now()`.as('expired')])
      .where('token', '=', input.token)
      .forUpdate()
      .executeTakeFirst();
    if (!link) return { kind: 'not_found' as const };
    if (link.chat_id === input.chatId)
      return { kind: 'ok' as const, orderId: link.order_id, firstTime: false };
    if (link.chat_id !== null) return { kind: 'other_chat' as const };
    if (link.expired) return { kind: 'expired' as const };
    await trx
      .updateTable('order_client_links')
      .set({ chat_id: input.chatId, opened_at: sql<Date>`now()` })
      .where('order_id', '=', link.order_id)
      .where('chat_id', 'is', null)
      .execute();
    return { kind: 'ok' as const, orderId: link.order_id, firstTime: true };
  });
}

export type ShareContactResult =
  | { kind: 'ok'; phone: string }
  /** Someone else's contact: only the client's own number (Telegram checks it) is taken. */
  | { kind: 'not_own' }
  | { kind: 'invalid_phone' };

/** The contact button: this chat now stands for that phone (and no other chat does). */
export async function shareClientContact(
  db: Executor,
  input: ClientChatIdentity & { contactUserId: number | undefined; phoneNumber: string },
): Promise<ShareContactResult> {
  if (input.contactUserId !== input.tgUserId) return { kind: 'not_own' };
  const phone = normalizeRuPhone(input.phoneNumber);
  if (!phone) return { kind: 'invalid_phone' };
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('client_chats')
      .set({ phone: null, updated_at: sql<Date>`now()` })
      .where('phone', '=', phone)
      .where('chat_id', '<>', input.chatId)
      .execute();
    await touchClientChat(trx, input);
    await trx
      .updateTable('client_chats')
      .set({ phone, updated_at: sql<Date>`now()` })
      .where('chat_id', '=', input.chatId)
      .execute();
  });
  return { kind: 'ok', phone };
}

/**
 * 🔕 / 🔔 in the client bot (and "STOP" typed there): notices off or on for this chat and for
 * the phones it stands for (its verified number and the order the button was under), so an
 * opted-out client gets no SMS either.
 */
export async function setClientNotices(
  db: Executor,
  input: { chatId: number; enabled: boolean; orderId?: number },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const chat = await trx
      .updateTable('client_chats')
      .set({ opted_out_at: input.enabled ? null : sql<Date>`now()`, updated_at: sql<Date>`now()` })
      .where('chat_id', '=', input.chatId)
      .returning('phone')
      .executeTakeFirst();
    if (!chat) return;
    const phones = new Set<string>();
    if (chat.phone) phones.add(chat.phone);
    if (input.orderId !== undefined) {
      const order = await trx
        .selectFrom('order_client_links as l')
        .innerJoin('orders as o', 'o.id', 'l.order_id')
        .select('o.client_phone')
        .where('l.order_id', '=', input.orderId)
        .where('l.chat_id', '=', input.chatId)
        .executeTakeFirst();
      if (order?.client_phone) phones.add(order.client_phone);
    }
    for (const phone of phones) await setPhoneOptOut(trx, phone, !input.enabled);
  });
}

async function setPhoneOptOut(db: Executor, phone: string, optedOut: boolean): Promise<void> {
  await db
    .insertInto('client_phones')
    .values({ phone, opted_out_at: optedOut ? sql<Date>`now()` : null })
    .onConflict((oc) =>
      oc.column('phone').doUpdateSet({
        opted_out_at: optedOut ? sql<Date>`coalesce(client_phones.opted_out_at, now())` : null,
        updated_at: sql<Date>`now()`,
      }),
    )
    .execute();
}

/** "STOP" by SMS: no more notices to that number (in either channel). Returns false for a bad number. */
export async function optOutPhoneBySms(db: Executor, rawPhone: string): Promise<boolean> {
  const phone = normalizeRuPhone(rawPhone);
  if (!phone) return false;
  await setPhoneOptOut(db, phone, true);
  return true;
}
