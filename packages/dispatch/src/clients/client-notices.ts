import { randomBytes } from 'node:crypto';
import {
  type Category,
  type ClientEvent,
  type ClientNoticeBase,
  citySmsQuietWindow,
  type EtaEstimate,
  firstNameOf,
  maskPhone,
  type NotificationPayloads,
  type OrderType,
  type Settings,
  smsQuietUntil,
} from '@fs/domain';
import type { OutboxInsert } from '@fs/queue';
import { sql } from 'kysely';
import type { Executor } from '../shared/deps';

/**
 * The client's notices (issue 17), written as outbox rows in the transaction of the change
 * that causes them, like every other message. The rules, in one place:
 *
 * - Nothing before a master accepts: the first notice (`client_order_accepted`) creates the
 *   order's client link; every later event is sent only when the order has one.
 * - Where it goes: the order's chat with the client bot (the client opened the link), or a
 *   chat whose verified phone is the order's client phone; otherwise an SMS to that phone.
 *   A chat that blocked the bot falls back to SMS; a number the provider refused gets nothing.
 * - Opt-out (the chat's button, or STOP by SMS to that phone) stops every notice.
 * - Quiet hours: an SMS due at night in the city's zone waits (`not_before`) until morning,
 *   unless the order is "as soon as possible"; a night "мастер едет к вам" SMS is dropped (by
 *   morning it is stale).
 * - Without an SMS provider (SMS_PROVIDER=none) the sender skips SMS rows: the link row still
 *   exists, so staff can hand the client bot's link out themselves.
 */

/** The link lives this long after the latest notice (setting client_link_ttl_days). */
export const linkExpiry = (ttlDays: number) => sql<Date>`now() + make_interval(days => ${ttlDays}::int)`;

/** 24 random bytes as base64url: 32 characters, fits Telegram's 64-character start parameter. */
export function newClientToken(): string {
  return randomBytes(24).toString('base64url');
}

interface NoticeSource {
  id: number;
  client_phone: string | null;
  category: Category;
  type: OrderType;
  timeslot_start: Date | null;
  timeslot_end: Date | null;
  is_asap: boolean;
  total_amount_kopecks: number | null;
  timezone: string;
  sms_quiet_start: string | null;
  sms_quiet_end: string | null;
  master_id: number | null;
  master_name: string | null;
  master_phone: string | null;
  token: string | null;
  link_chat_id: number | null;
  /** The master the client was last told about (the accepted notice). */
  link_master_id: number | null;
}

async function loadSource(trx: Executor, orderId: number): Promise<NoticeSource | undefined> {
  const { rows } = await sql<NoticeSource>`
    SELECT o.id, o.client_phone, o.category, o.type, o.timeslot_start, o.timeslot_end, o.is_asap,
      o.total_amount_kopecks, c.timezone, c.sms_quiet_start, c.sms_quiet_end,
      m.id AS master_id, m.full_name AS master_name, m.phone AS master_phone,
      l.token, l.chat_id AS link_chat_id, l.master_id AS link_master_id
    FROM orders o
    JOIN cities c ON c.id = o.city_id
    LEFT JOIN masters m ON m.id = o.assigned_master_id
    LEFT JOIN order_client_links l ON l.order_id = o.id
    WHERE o.id = ${orderId}::int
  `.execute(trx);
  return rows[0];
}

/** Where a notice for this order goes now, or null (opted out, or no way to reach the client). */
type Route = { channel: 'telegram'; chatId: number } | { channel: 'sms'; phone: string } | null;

async function routeOf(trx: Executor, src: NoticeSource, orderId: number): Promise<Route> {
  const phone = src.client_phone;
  const chatQuery = trx.selectFrom('client_chats').select(['chat_id', 'opted_out_at', 'unreachable_at']);
  const chat =
    src.link_chat_id !== null
      ? await chatQuery.where('chat_id', '=', src.link_chat_id).executeTakeFirst()
      : phone
        ? await chatQuery.where('phone', '=', phone).executeTakeFirst()
        : undefined;
  const phoneRow = phone
    ? await trx
        .selectFrom('client_phones')
        .select(['opted_out_at', 'sms_unreachable_at'])
        .where('phone', '=', phone)
        .executeTakeFirst()
    : undefined;
  if (chat?.opted_out_at || phoneRow?.opted_out_at) return null;
  if (chat && !chat.unreachable_at) {
    // A chat found by the client's verified phone becomes the order's chat: its buttons
    // (feedback, status) are then accepted from it like from a chat that opened the link.
    if (src.link_chat_id === null)
      await trx
        .updateTable('order_client_links')
        .set({ chat_id: chat.chat_id })
        .where('order_id', '=', orderId)
        .where('chat_id', 'is', null)
        .execute();
    return { channel: 'telegram', chatId: chat.chat_id };
  }
  if (phone && !phoneRow?.sms_unreachable_at) return { channel: 'sms', phone };
  return null;
}

function payloadOf<E extends ClientEvent>(
  event: E,
  src: NoticeSource,
  base: ClientNoticeBase,
  extra: { replaced: boolean; eta?: EtaEstimate | null },
): NotificationPayloads[E] {
  const master = firstNameOf(src.master_name);
  const slot = {
    timeslot_start: src.timeslot_start?.toISOString() ?? null,
    timeslot_end: src.timeslot_end?.toISOString() ?? null,
    is_asap: src.is_asap,
  };
  const payloads: { [K in ClientEvent]: () => NotificationPayloads[K] } = {
    client_order_accepted: () => ({
      ...base,
      ...slot,
      master_first_name: master,
      master_phone_masked: src.master_phone ? maskPhone(src.master_phone) : null,
      category: src.category,
      replaced: extra.replaced,
    }),
    client_master_en_route: () => ({
      ...base,
      master_first_name: master,
      ...(extra.eta ? { eta_minutes: extra.eta.minMinutes, eta_max_minutes: extra.eta.maxMinutes } : {}),
    }),
    client_order_rescheduled: () => ({ ...base, ...slot }),
    client_order_canceled: () => base,
    client_feedback_request: () => ({
      ...base,
      master_first_name: master,
      amount_kopecks: src.type === 'guarantee' ? null : src.total_amount_kopecks,
    }),
  };
  return payloads[event]();
}

export interface ClientNoticeInput {
  orderId: number;
  event: ClientEvent;
  /** The order's version after the change: one notice per change, however often the code runs. */
  version: number;
  /** Wall clock for quiet hours. */
  now: Date;
  /** client_master_en_route: the arrival estimate (dispatch estimateArrival), null when unknown. */
  eta?: EtaEstimate | null;
}

/**
 * The outbox row (zero or one) that tells the client about `event`. Call inside the
 * transaction that made the change, after it; insert the rows with the change's others.
 */
export async function clientNoticeRows(
  trx: Executor,
  settings: Pick<
    Settings,
    'client_link_ttl_days' | 'client_support_phone' | 'client_sms_quiet_start' | 'client_sms_quiet_end'
  >,
  input: ClientNoticeInput,
): Promise<OutboxInsert[]> {
  const src = await loadSource(trx, input.orderId);
  if (!src) return [];
  const accepted = input.event === 'client_order_accepted';
  // "Назначен другой мастер": the client was told about a different master before.
  const replaced = accepted && src.link_master_id !== null && src.link_master_id !== src.master_id;
  if (src.token === null) {
    if (!accepted) return [];
    src.token = newClientToken();
    await trx
      .insertInto('order_client_links')
      .values({
        order_id: src.id,
        token: src.token,
        expires_at: linkExpiry(settings.client_link_ttl_days),
        master_id: src.master_id,
      })
      .execute();
  } else {
    await trx
      .updateTable('order_client_links')
      .set({
        expires_at: sql<Date>`greatest(expires_at, ${linkExpiry(settings.client_link_ttl_days)})`,
        ...(accepted ? { master_id: src.master_id } : {}),
      })
      .where('order_id', '=', src.id)
      .execute();
  }
  const route = await routeOf(trx, src, src.id);
  if (!route) return [];

  const base: ClientNoticeBase = {
    order_id: src.id,
    link_token: src.token,
    timezone: src.timezone,
    support_phone: settings.client_support_phone.trim() || null,
  };
  const payload = payloadOf(input.event, src, base, { replaced, eta: input.eta ?? null });
  const common = {
    bot: 'client' as const,
    event: input.event,
    order_id: src.id,
    payload: payload as unknown as Record<string, unknown>,
    dedup_key: `client:${input.event}:${src.id}:v${input.version}`,
  };
  if (route.channel === 'telegram') return [{ ...common, channel: 'telegram', chat_id: route.chatId }];
  const quietUntil = src.is_asap
    ? null
    : smsQuietUntil(input.now, src.timezone, citySmsQuietWindow(src, settings));
  // "Выехал" held until morning would arrive after the master: such an SMS is not sent at all.
  if (quietUntil && input.event === 'client_master_en_route') return [];
  return [{ ...common, channel: 'sms', phone: route.phone, not_before: quietUntil }];
}
