import { type Kysely, sql } from 'kysely';

/** System log lines are copied to the logs channel (setting logs_channel_id) as this event. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TYPE notification_event ADD VALUE IF NOT EXISTS 'system_event'`.execute(db);
}

/** Postgres cannot drop enum values. */
export async function down(_db: Kysely<unknown>): Promise<void> {}
