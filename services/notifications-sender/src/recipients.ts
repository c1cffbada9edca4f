import type { Db } from '@fs/db';
import { maskPhone } from '@fs/domain';
import { sql } from 'kysely';
import type { ClaimedOutbox } from './outbox-store';

export interface Person {
  kind: 'master' | 'staff' | 'client';
  /** A master's or staff member's id; for a client, the order the notice was about. */
  id: number;
  name: string;
  cityId: number | null;
  /** A client's address that stopped working: their chat with the client bot, or their phone (SMS). */
  client?: { chatId: number } | { phone: string };
}

/** The client of an order as the staff alert names them (never the full phone number). */
export function clientPerson(
  orderId: number | null,
  address: { chatId: number } | { phone: string },
): Person {
  const via = 'phone' in address ? `SMS на ${maskPhone(address.phone)}` : 'клиент-бот';
  return {
    kind: 'client',
    id: orderId ?? 0,
    name: `клиент заказа #${orderId ?? '?'} (${via})`,
    cityId: null,
    client: address,
  };
}

export type Recipient =
  | { kind: 'chat'; chatId: number; person: Person | null }
  | { kind: 'skip'; reason: string };

/** The Telegram chat of an outbox row: a master, a staff member or a raw chat (the alerts channel). */
export function resolveRecipient({ row, master, staff }: ClaimedOutbox): Recipient {
  if (row.master_id !== null) {
    if (!master) return { kind: 'skip', reason: 'master not found' };
    if (master.is_unreachable) return { kind: 'skip', reason: 'master is unreachable (blocked the bot)' };
    return {
      kind: 'chat',
      chatId: master.tg_user_id,
      person: { kind: 'master', id: master.id, name: master.full_name, cityId: master.city_id },
    };
  }
  if (row.staff_user_id !== null) {
    if (!staff) return { kind: 'skip', reason: 'staff member not found' };
    if (!staff.is_active) return { kind: 'skip', reason: 'staff member is inactive' };
    if (staff.tg_user_id === null) return { kind: 'skip', reason: 'staff member has no Telegram chat' };
    if (staff.is_unreachable)
      return { kind: 'skip', reason: 'staff member is unreachable (blocked the bot)' };
    return {
      kind: 'chat',
      chatId: staff.tg_user_id,
      person: { kind: 'staff', id: staff.id, name: staff.full_name, cityId: null },
    };
  }
  if (row.chat_id !== null)
    return {
      kind: 'chat',
      chatId: row.chat_id,
      // A client's chat that blocks the client bot is flagged, so later notices go by SMS.
      person: row.bot === 'client' ? clientPerson(row.order_id, { chatId: row.chat_id }) : null,
    };
  return { kind: 'skip', reason: 'outbox row has no recipient' };
}

/**
 * Marks the person unreachable. True only for the transaction that flips the flag: concurrent
 * 403s for one person wait on the row lock and then see it already set, so a burst alerts once.
 */
export async function markUnreachable(trx: Db, person: Person): Promise<boolean> {
  if (person.kind === 'client') return person.client ? markClientUnreachable(trx, person.client) : false;
  const table = person.kind === 'master' ? 'masters' : 'staff_users';
  const flipped = await trx
    .updateTable(table)
    .set({ is_unreachable: true, updated_at: sql<Date>`now()` })
    .where('id', '=', person.id)
    .where('is_unreachable', '=', false)
    .returning('id')
    .executeTakeFirst();
  return flipped !== undefined;
}

/**
 * A client's chat that blocked the client bot (later notices go by SMS: dispatch routes by this
 * flag), or a phone the SMS provider refused (no more SMS to it). True when this call set it.
 */
async function markClientUnreachable(
  trx: Db,
  address: { chatId: number } | { phone: string },
): Promise<boolean> {
  if ('chatId' in address) {
    const flipped = await trx
      .updateTable('client_chats')
      .set({ unreachable_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
      .where('chat_id', '=', address.chatId)
      .where('unreachable_at', 'is', null)
      .returning('chat_id')
      .executeTakeFirst();
    return flipped !== undefined;
  }
  const flipped = await trx
    .insertInto('client_phones')
    .values({ phone: address.phone, sms_unreachable_at: sql<Date>`now()` })
    .onConflict((oc) =>
      oc
        .column('phone')
        .doUpdateSet({ sms_unreachable_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
        .where('client_phones.sms_unreachable_at', 'is', null),
    )
    .returning('phone')
    .executeTakeFirst();
  return flipped !== undefined;
}

/**
 * Why a client notice must not go out now (the client switched notices off after it was
 * written, or the address stopped working), or null.
 */
export async function clientHold(
  db: Db,
  address: { chatId: number } | { phone: string },
): Promise<string | null> {
  if ('chatId' in address) {
    const chat = await db
      .selectFrom('client_chats')
      .select(['opted_out_at', 'unreachable_at'])
      .where('chat_id', '=', address.chatId)
      .executeTakeFirst();
    if (chat?.opted_out_at) return 'the client switched notices off';
    if (chat?.unreachable_at) return 'the client blocked the client bot';
    return null;
  }
  const phone = await db
    .selectFrom('client_phones')
    .select(['opted_out_at', 'sms_unreachable_at'])
    .where('phone', '=', address.phone)
    .executeTakeFirst();
  if (phone?.opted_out_at) return 'the client opted out (STOP)';
  if (phone?.sms_unreachable_at) return 'the SMS provider refused this number before';
  return null;
}
