import type { Database, Db } from '@fs/db';
import { type Selectable, sql } from 'kysely';

/** Every SQL statement on notifications_outbox and offers that the sender runs. */

export type OutboxRow = Selectable<Database['notifications_outbox']>;

/** The row, locked for this transaction; null when missing or another sender holds it. */
export async function lockOutboxRow(trx: Db, id: number): Promise<OutboxRow | null> {
  const row = await trx
    .selectFrom('notifications_outbox')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  return row ?? null;
}

export async function outboxRowExists(db: Db, id: number): Promise<boolean> {
  const row = await db
    .selectFrom('notifications_outbox')
    .select('id')
    .where('id', '=', id)
    .executeTakeFirst();
  return row !== undefined;
}

export async function markSent(trx: Db, id: number, messageId: number | null): Promise<void> {
  await trx
    .updateTable('notifications_outbox')
    .set((eb) => ({
      status: 'sent',
      sent_at: sql<Date>`now()`,
      tg_message_id: messageId,
      attempts: eb('attempts', '+', 1),
      last_error: null,
      updated_at: sql<Date>`now()`,
    }))
    .where('id', '=', id)
    .execute();
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

export interface OfferForPush {
  state: string;
  expires_at: Date;
  /** expires_at > now() by the database clock. */
  is_open_in_time: boolean;
  tg_chat_id: number | null;
  tg_message_id: number | null;
}

export async function findOffer(trx: Db, offerId: number): Promise<OfferForPush | null> {
  const row = await trx
    .selectFrom('offers')
    .select([
      'state',
      'expires_at',
      'tg_chat_id',
      'tg_message_id',
      sql<boolean>`expires_at > now()`.as('is_open_in_time'),
    ])
    .where('id', '=', offerId)
    .executeTakeFirst();
  return row ?? null;
}

/** Remembers where the push went, so offer_closed can edit it later. */
export async function savePushMessage(
  trx: Db,
  offerId: number,
  chatId: number,
  messageId: number,
): Promise<void> {
  await trx
    .updateTable('offers')
    .set({ tg_chat_id: chatId, tg_message_id: messageId })
    .where('id', '=', offerId)
    .execute();
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
