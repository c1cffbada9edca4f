import { type Kysely, sql } from 'kysely';

/**
 * The offer clock starts at delivery (packages/dispatch/src/offer-clock.ts): `offers.delivered_at`
 * and the `withdrawn` state of an offer whose push never reached the master in time.
 *
 * The migrator runs pending migrations in one transaction, where Postgres does not allow a new
 * enum value to be used; nothing here (or in a later migration of the same run) may use it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TYPE offer_state ADD VALUE IF NOT EXISTS 'withdrawn'`.execute(db);
  await sql`ALTER TABLE offers ADD COLUMN IF NOT EXISTS delivered_at timestamptz`.execute(db);
  // Offers whose push was sent before this change: delivered when their push was recorded.
  await sql`
    UPDATE offers f SET delivered_at = coalesce(
      (SELECT min(o.sent_at) FROM notifications_outbox o
        WHERE o.offer_id = f.id AND o.event = 'new_offer' AND o.status = 'sent'),
      f.sent_at)
    WHERE f.tg_message_id IS NOT NULL AND f.delivered_at IS NULL
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Postgres cannot drop enum values.
  await sql`ALTER TABLE offers DROP COLUMN IF EXISTS delivered_at`.execute(db);
}
