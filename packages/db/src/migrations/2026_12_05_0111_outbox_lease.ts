import { type Kysely, sql } from 'kysely';

/**
 * Delivery engine v2 (services/notifications-sender, issue 11): claim, send, record.
 *
 * A sender claims due rows in one autocommit statement: `status = 'sending'`, `lease_owner`
 * (its process) and `lease_until`; it sends outside any transaction and records the outcome of a
 * batch in one statement. A row whose lease ran out (its sender died) is claimed again.
 * `maybe_sent_at` marks a send that timed out (Telegram may have delivered it).
 *
 * The new enum value is not used in this transaction (Postgres refuses that): the lease index
 * is keyed on `lease_owner`, which is set exactly while a row is `sending`. Rows paused until
 * `not_before` (migration 0170, which runs after this one on a fresh database) are found through
 * the pending index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TYPE outbox_status ADD VALUE IF NOT EXISTS 'sending' BEFORE 'sent'`.execute(db);
  await sql`
    ALTER TABLE notifications_outbox
      ADD COLUMN IF NOT EXISTS lease_until timestamptz,
      ADD COLUMN IF NOT EXISTS lease_owner text,
      ADD COLUMN IF NOT EXISTS maybe_sent_at timestamptz;
    CREATE INDEX IF NOT EXISTS ix_outbox__lease ON notifications_outbox (lease_until)
      WHERE lease_owner IS NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Postgres cannot drop enum values; a row left `sending` goes back to `pending`.
  await sql`
    DROP INDEX IF EXISTS ix_outbox__lease;
    ALTER TABLE notifications_outbox
      DROP COLUMN IF EXISTS maybe_sent_at,
      DROP COLUMN IF EXISTS lease_owner,
      DROP COLUMN IF EXISTS lease_until;
  `.execute(db);
  await sql`UPDATE notifications_outbox SET status = 'pending' WHERE status::text = 'sending'`.execute(db);
}
