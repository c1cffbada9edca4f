import { type Kysely, sql } from 'kysely';

/**
 * Batch rounds (issue 12): when a batch round last considered a waiting order. A wake-up job
 * requested before that moment has nothing new to show the order (the round already saw the
 * state that prompted it) and is skipped instead of ranking the city again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE orders ADD COLUMN dist_considered_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE orders DROP COLUMN IF EXISTS dist_considered_at`.execute(db);
}
