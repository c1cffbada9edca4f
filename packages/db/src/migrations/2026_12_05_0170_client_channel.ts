import { type Kysely, sql } from 'kysely';

/**
 * The client's channels (issue 17). Outbox rows get a `channel` (`telegram` as before, or `sms`),
 * an SMS recipient `phone` and `not_before` (an SMS held back by the city's quiet hours is not
 * sent, nor relayed, before it). The client bot is a third bot kind with its own token and
 * queue. New events: the client's notices and the staff alert about a poor review.
 *
 * Enum values added here are not used in this transaction (Postgres refuses that); fresh
 * databases get them from the initial migration's arrays.
 */
const EVENTS = [
  'client_order_accepted',
  'client_master_en_route',
  'client_order_rescheduled',
  'client_order_canceled',
  'client_feedback_request',
  'review_alert',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TYPE bot_kind ADD VALUE IF NOT EXISTS 'client'`.execute(db);
  for (const e of EVENTS) {
    await sql`ALTER TYPE notification_event ADD VALUE IF NOT EXISTS ${sql.lit(e)}`.execute(db);
  }
  await sql`
    CREATE TYPE outbox_channel AS ENUM ('telegram', 'sms');
    ALTER TABLE notifications_outbox
      ADD COLUMN channel outbox_channel NOT NULL DEFAULT 'telegram',
      ADD COLUMN phone varchar(16),
      ADD COLUMN not_before timestamptz,
      DROP CONSTRAINT ck_outbox__recipient,
      ADD CONSTRAINT ck_outbox__recipient
        CHECK (master_id IS NOT NULL OR staff_user_id IS NOT NULL OR chat_id IS NOT NULL OR phone IS NOT NULL),
      ADD CONSTRAINT ck_outbox__sms_phone CHECK (channel <> 'sms' OR phone IS NOT NULL);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DELETE FROM notifications_outbox WHERE channel = 'sms';
    ALTER TABLE notifications_outbox
      DROP CONSTRAINT ck_outbox__sms_phone,
      DROP CONSTRAINT ck_outbox__recipient,
      ADD CONSTRAINT ck_outbox__recipient CHECK (master_id IS NOT NULL OR staff_user_id IS NOT NULL OR chat_id IS NOT NULL),
      DROP COLUMN not_before,
      DROP COLUMN phone,
      DROP COLUMN channel;
    DROP TYPE outbox_channel;
  `.execute(db);
}
