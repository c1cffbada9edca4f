import { type Kysely, sql } from 'kysely';

/**
 * Notification events of the bots' later flows: a profile sent to moderation, a reported /
 * checked commission payment, an order taken off or moved for its master.
 */
const EVENTS = [
  'moderation_submitted',
  'commission_reported',
  'commission_approved',
  'commission_rejected',
  'order_canceled',
  'order_rescheduled',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const e of EVENTS) {
    await sql`ALTER TYPE notification_event ADD VALUE IF NOT EXISTS ${sql.lit(e)}`.execute(db);
  }
}

/** Postgres cannot drop enum values; rows using them would block it anyway. */
export async function down(_db: Kysely<unknown>): Promise<void> {}
