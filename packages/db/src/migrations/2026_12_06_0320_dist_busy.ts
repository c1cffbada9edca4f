import { type Kysely, sql } from 'kysely';

/**
 * Batch rounds (issue 12), wake-ups that are never lost:
 * - `orders.dist_considered_at` becomes `dist_busy_at`: when a batch round found every qualifying
 *   master busy for the waiting order (old stamps meant "considered", whatever the verdict: dropped);
 * - `cities.dist_freed_at`: when a master of the city last became available (an offer closed, an
 *   order ended, a shift began…). A wake-up job is skipped only when the order's verdict is newer
 *   than both the job and this.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE orders RENAME COLUMN dist_considered_at TO dist_busy_at`.execute(db);
  await sql`UPDATE orders SET dist_busy_at = NULL WHERE dist_busy_at IS NOT NULL`.execute(db);
  await sql`ALTER TABLE cities ADD COLUMN dist_freed_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE cities DROP COLUMN IF EXISTS dist_freed_at`.execute(db);
  await sql`ALTER TABLE orders RENAME COLUMN dist_busy_at TO dist_considered_at`.execute(db);
}
