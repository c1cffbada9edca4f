import type { Db } from './db';

/**
 * A person who blocked the bot was marked unreachable by the sender (403). Writing to the bot
 * again means they unblocked it: make them reachable again. Touches the row only when the flag
 * is set, so the common case is a cheap indexed read. `id` is the Telegram user (master, staff)
 * or the client's chat.
 */
export async function markReachableAgain(
  db: Db,
  kind: 'master' | 'staff' | 'client',
  id: number,
): Promise<boolean> {
  if (kind === 'client') {
    const res = await db
      .updateTable('client_chats')
      .set({ unreachable_at: null, updated_at: new Date() })
      .where('chat_id', '=', id)
      .where('unreachable_at', 'is not', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }
  const table = kind === 'master' ? 'masters' : 'staff_users';
  const res = await db
    .updateTable(table)
    .set({ is_unreachable: false, updated_at: new Date() })
    .where('tg_user_id', '=', id)
    .where('is_unreachable', '=', true)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
