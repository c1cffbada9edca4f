import type { Database, Db } from '@fs/db';
import { ANSWER_UNTIL_SQL, DELIVERED_EXPIRES_AT_SQL, OFFER_CLOCK_NOT_STARTED_SQL } from '@fs/dispatch';
import { type Selectable, sql } from 'kysely';

/** Every SQL statement on notifications_outbox and offers that the sender runs. */

export type OutboxRow = Selectable<Database['notifications_outbox']>;

export interface MasterRecipient {
  id: number;
  tg_user_id: number;
  full_name: string;
  city_id: number | null;
  is_unreachable: boolean;
}
export interface StaffRecipient {
  id: number;
  tg_user_id: number | null;
  full_name: string;
  is_active: boolean;
  is_unreachable: boolean;
}
export interface OfferForPush {
  state: string;
  expires_at: Date;
  /** The end of the answer window as the push shows it (offer clock: a full SLA from delivery). */
  answer_until: Date;
  /** expires_at > now() by the database clock. */
  is_open_in_time: boolean;
  tg_chat_id: number | null;
  tg_message_id: number | null;
}

/** A locked outbox row with what delivery needs about its recipient and offer. */
export interface LockedOutbox {
  row: OutboxRow;
  master: MasterRecipient | null;
  staff: StaffRecipient | null;
  offer: OfferForPush | null;
}

/**
 * Locks the row for this transaction (null when missing or locked by someone else) and reads
 * its recipient and offer in the same round trip: the sender's throughput is bounded by
 * statements per message, so the hot path is BEGIN, this, one UPDATE, COMMIT.
 */
export async function lockForDelivery(trx: Db, id: number): Promise<LockedOutbox | null> {
  const r = await trx
    .selectFrom('notifications_outbox as o')
    .leftJoin('masters as m', 'm.id', 'o.master_id')
    .leftJoin('staff_users as s', 's.id', 'o.staff_user_id')
    .leftJoin('offers as f', 'f.id', 'o.offer_id')
    .selectAll('o')
    .select([
      'm.tg_user_id as m_tg_user_id',
      'm.full_name as m_full_name',
      'm.city_id as m_city_id',
      'm.is_unreachable as m_is_unreachable',
      's.tg_user_id as s_tg_user_id',
      's.full_name as s_full_name',
      's.is_active as s_is_active',
      's.is_unreachable as s_is_unreachable',
      'f.state as f_state',
      'f.expires_at as f_expires_at',
      sql<Date>`${sql.raw(ANSWER_UNTIL_SQL)}`.as('f_answer_until'),
      sql<boolean>`f.expires_at > now()`.as('f_is_open_in_time'),
      'f.tg_chat_id as f_tg_chat_id',
      'f.tg_message_id as f_tg_message_id',
    ])
    .where('o.id', '=', id)
    .forUpdate(['o'])
    .skipLocked()
    .executeTakeFirst();
  if (!r) return null;
  const {
    m_tg_user_id,
    m_full_name,
    m_city_id,
    m_is_unreachable,
    s_tg_user_id,
    s_full_name,
    s_is_active,
    s_is_unreachable,
    f_state,
    f_expires_at,
    f_answer_until,
    f_is_open_in_time,
    f_tg_chat_id,
    f_tg_message_id,
    ...row
  } = r;
  return {
    row,
    master:
      row.master_id !== null && m_tg_user_id !== null
        ? {
            id: row.master_id,
            tg_user_id: m_tg_user_id,
            full_name: m_full_name ?? '',
            city_id: m_city_id,
            is_unreachable: m_is_unreachable ?? false,
          }
        : null,
    staff:
      row.staff_user_id !== null && s_full_name !== null
        ? {
            id: row.staff_user_id,
            tg_user_id: s_tg_user_id,
            full_name: s_full_name,
            is_active: s_is_active ?? false,
            is_unreachable: s_is_unreachable ?? false,
          }
        : null,
    offer:
      f_state !== null && f_expires_at !== null
        ? {
            state: f_state,
            expires_at: f_expires_at,
            answer_until: f_answer_until,
            is_open_in_time: f_is_open_in_time,
            tg_chat_id: f_tg_chat_id,
            tg_message_id: f_tg_message_id,
          }
        : null,
  };
}

export async function outboxRowExists(db: Db, id: number): Promise<boolean> {
  const row = await db
    .selectFrom('notifications_outbox')
    .select('id')
    .where('id', '=', id)
    .executeTakeFirst();
  return row !== undefined;
}

/** An offer whose clock this delivery started: its expiry moved (schedule a wake-up at it). */
export interface StartedOffer {
  orderId: number;
  offerId: number;
  expiresAt: Date;
}

/**
 * Final success; for a push also remembers where it went (offer_closed edits it later) and
 * starts the offer's clock (packages/dispatch/src/offer-clock.ts).
 */
export async function markSent(
  trx: Db,
  id: number,
  messageId: number | null,
  push?: { offerId: number; chatId: number },
): Promise<StartedOffer | null> {
  const update = trx
    .updateTable('notifications_outbox')
    .set((eb) => ({
      status: 'sent',
      sent_at: sql<Date>`now()`,
      tg_message_id: messageId,
      attempts: eb('attempts', '+', 1),
      last_error: null,
      updated_at: sql<Date>`now()`,
    }))
    .where('id', '=', id);
  if (!push || messageId === null) {
    await update.execute();
    return null;
  }
  // One statement for both rows (a data-modifying CTE): one round trip fewer on the hot path.
  const { rows } = await sql<{ order_id: number; expires_at: Date; started: boolean }>`
    WITH sent AS (
      UPDATE notifications_outbox SET status = 'sent', sent_at = now(), tg_message_id = ${messageId}::bigint,
        attempts = attempts + 1, last_error = NULL, updated_at = now()
      WHERE id = ${id}::bigint
      RETURNING id
    ), clock AS (
      SELECT f.id, ${sql.raw(OFFER_CLOCK_NOT_STARTED_SQL)} AS start FROM offers f WHERE f.id = ${push.offerId}::int
    )
    UPDATE offers f SET tg_chat_id = ${push.chatId}::bigint, tg_message_id = ${messageId}::bigint,
      delivered_at = CASE WHEN clock.start THEN now() ELSE f.delivered_at END,
      expires_at = CASE WHEN clock.start THEN ${sql.raw(DELIVERED_EXPIRES_AT_SQL)} ELSE f.expires_at END
    FROM clock WHERE f.id = clock.id
    RETURNING f.order_id, f.expires_at, clock.start AS started
  `.execute(trx);
  const r = rows[0];
  return r?.started ? { orderId: r.order_id, offerId: push.offerId, expiresAt: r.expires_at } : null;
}

export async function markSkipped(trx: Db, id: number, reason: string): Promise<void> {
  await trx
    .updateTable('notifications_outbox')
    .set({ status: 'skipped', last_error: reason, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/** A failed try: counts the attempt; `final` makes the row `failed` for good. Returns the count. */
export async function recordFailedAttempt(
  trx: Db,
  id: number,
  error: string,
  final: boolean,
): Promise<number> {
  const row = await trx
    .updateTable('notifications_outbox')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_error: error.slice(0, 2000),
      updated_at: sql<Date>`now()`,
      ...(final ? { status: 'failed' as const } : {}),
    }))
    .where('id', '=', id)
    .returning('attempts')
    .executeTakeFirstOrThrow();
  return row.attempts;
}

export async function findOffer(trx: Db, offerId: number): Promise<OfferForPush | null> {
  const row = await trx
    .selectFrom('offers as f')
    .select([
      'f.state',
      'f.expires_at',
      sql<Date>`${sql.raw(ANSWER_UNTIL_SQL)}`.as('answer_until'),
      'f.tg_chat_id',
      'f.tg_message_id',
      sql<boolean>`f.expires_at > now()`.as('is_open_in_time'),
    ])
    .where('f.id', '=', offerId)
    .executeTakeFirst();
  return row ?? null;
}

/** The offer's new_offer outbox row (the push that offer_closed edits). */
export async function findPushRow(
  trx: Db,
  offerId: number,
): Promise<Pick<OutboxRow, 'id' | 'status' | 'payload'> | null> {
  const row = await trx
    .selectFrom('notifications_outbox')
    .select(['id', 'status', 'payload'])
    .where('offer_id', '=', offerId)
    .where('event', '=', 'new_offer')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row ?? null;
}

/** Backlog figures for the gauges: one index-backed query on the pending partial index. */
export async function pendingStats(db: Db): Promise<{ count: number; oldestAgeS: number }> {
  const row = await db
    .selectFrom('notifications_outbox')
    .select([
      sql<string>`count(*)`.as('count'),
      sql<number | null>`extract(epoch from now() - min(created_at))::float8`.as('oldest'),
    ])
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), oldestAgeS: Math.max(0, Number(row.oldest ?? 0)) };
}
