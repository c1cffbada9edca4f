import { type Kysely, sql } from 'kysely';

/** Staff changed a master's districts or skills: the master is told (profile_updated). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TYPE notification_event ADD VALUE IF NOT EXISTS 'profile_updated'`.execute(db);
}

/** Postgres cannot drop enum values. */
export async function down(_db: Kysely<unknown>): Promise<void> {}
