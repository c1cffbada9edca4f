import type { Db } from '@fs/db';

/**
 * The master as both bots see them: who they are, their city, moderation, block, shift and
 * break, and their own order limit. The master bot loads it once per update (`identify`) for the
 * acting master; the admin bot's master card is this row plus the profile and the history around
 * it. Deleted masters are not found.
 */
function masterStateQuery(db: Db) {
  return db
    .selectFrom('masters as m')
    .leftJoin('cities as c', 'c.id', 'm.city_id')
    .select([
      'm.id',
      'm.tg_user_id',
      'm.full_name',
      'm.city_id',
      'c.name as city',
      'c.timezone',
      'm.moderation_status',
      'm.moderation_reason',
      'm.verified',
      'm.verified_at',
      'm.is_blocked',
      'm.blocked_reason',
      'm.blocked_at',
      'm.shift_status',
      'm.break_until',
      'm.max_active_orders_override',
    ])
    .where('m.is_deleted', '=', false);
}

/** The master behind a Telegram user (undefined: no such master, or deleted). */
export async function loadMasterState(db: Db, tgUserId: number) {
  return masterStateByTgUser(db, tgUserId).executeTakeFirst();
}

/** The same state by Telegram user; callers may select more (the master's stored profile). */
export function masterStateByTgUser(db: Db, tgUserId: number) {
  return masterStateQuery(db).where('m.tg_user_id', '=', tgUserId);
}

export type MasterState = NonNullable<Awaited<ReturnType<typeof loadMasterState>>>;

/** The same state by the master's id; callers may select more of the masters row (the admin card). */
export function masterStateById(db: Db, masterId: number) {
  return masterStateQuery(db).where('m.id', '=', masterId);
}
