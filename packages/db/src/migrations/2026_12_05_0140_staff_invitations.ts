import { type Kysely, sql } from 'kysely';

/**
 * Staff pre-created by @username are invitations: they expire like access codes
 * (invite_expires_at) and record when and by whom they were taken (linked_at; tg_user_id and
 * full_name are the taker's). Invitations still pending get a full lifetime from now.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE staff_users ADD COLUMN invite_expires_at timestamptz, ADD COLUMN linked_at timestamptz`.execute(
    db,
  );
  await sql`UPDATE staff_users SET invite_expires_at = now() + interval '72 hours'
    WHERE tg_user_id IS NULL AND username IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE staff_users DROP COLUMN invite_expires_at, DROP COLUMN linked_at`.execute(db);
}
