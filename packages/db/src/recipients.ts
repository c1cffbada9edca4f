import type { Db } from './db';

/**
 * A person who blocked the bot was marked unreachable by the sender (403). Writing to the bot
 * again means they unblocked it: make them reachable again. Touches the row only when the flag
 * is set, so the common case is a cheap indexed read.
 */
export async function markReachableAgain(
  db: Db,
  kind: 'master' | 'staff',
  tgUserId: number,
): Promise<boolean> {
  const table = kind === 'master' ? 'masters' : 'staff_users';
  const res = await db
    .updateTable(table)
    .set({ is_unreachable: false, updated_at: new Date() })
    .where('tg_user_id', '=', tgUserId)
    .where('is_unreachable', '=', true)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
