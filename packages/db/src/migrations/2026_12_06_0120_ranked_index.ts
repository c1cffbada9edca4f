import { type Kysely, sql } from 'kysely';

/**
 * Distribution at scale (issue 12) with distance (issue 18): the city's available masters are
 * read from one covering partial index that also carries the master's point, so the batch round
 * (packages/dispatch/src/batch-round.ts) ranks a city with distance without visiting the heap,
 * and the single-order query's "masters without a point" arm is index-only too.
 * ix_masters__ranked replaces ix_masters__candidates (same predicate, one more INCLUDE column).
 * Dated after 0180 (which adds geo_point) so a fresh database runs it second.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX ix_masters__ranked ON masters (city_id)
      INCLUDE (id, skill_codes, has_vehicle, rating, max_active_orders_override, geo_point)
      WHERE verified AND moderation_status = 'approved' AND is_active AND NOT is_blocked AND NOT is_deleted
        AND NOT is_unreachable AND shift_status = 'on';
    DROP INDEX IF EXISTS ix_masters__candidates;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX ix_masters__candidates ON masters (city_id)
      INCLUDE (id, skill_codes, has_vehicle, rating, max_active_orders_override)
      WHERE verified AND moderation_status = 'approved' AND is_active AND NOT is_blocked AND NOT is_deleted
        AND NOT is_unreachable AND shift_status = 'on';
    DROP INDEX IF EXISTS ix_masters__ranked;
  `.execute(db);
}
