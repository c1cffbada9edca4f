import type { Db } from '@fs/db';
import { sql } from 'kysely';
import type { ClaimedOutbox } from './outbox-store';

export interface Person {
  kind: 'master' | 'staff';
  id: number;
  name: string;
  cityId: number | null;
}

export type Recipient =
  | { kind: 'chat'; chatId: number; person: Person | null }
  | { kind: 'skip'; reason: string };

/** The Telegram chat of an outbox row: a master, a staff member or a raw chat (the alerts channel). */
export function resolveRecipient({ row, master, staff }: ClaimedOutbox): Recipient {
  if (row.master_id !== null) {
    if (!master) return { kind: 'skip', reason: 'master not found' };
    if (master.is_unreachable) return { kind: 'skip', reason: 'master is unreachable (blocked the bot)' };
    return {
      kind: 'chat',
      chatId: master.tg_user_id,
      person: { kind: 'master', id: master.id, name: master.full_name, cityId: master.city_id },
    };
  }
  if (row.staff_user_id !== null) {
    if (!staff) return { kind: 'skip', reason: 'staff member not found' };
    if (!staff.is_active) return { kind: 'skip', reason: 'staff member is inactive' };
    if (staff.tg_user_id === null) return { kind: 'skip', reason: 'staff member has no Telegram chat' };
    if (staff.is_unreachable)
      return { kind: 'skip', reason: 'staff member is unreachable (blocked the bot)' };
    return {
      kind: 'chat',
      chatId: staff.tg_user_id,
      person: { kind: 'staff', id: staff.id, name: staff.full_name, cityId: null },
    };
  }
  if (row.chat_id !== null) return { kind: 'chat', chatId: row.chat_id, person: null };
  return { kind: 'skip', reason: 'outbox row has no recipient' };
}

/**
 * Marks the person unreachable. True only for the transaction that flips the flag: concurrent
 * 403s for one person wait on the row lock and then see it already set, so a burst alerts once.
 */
export async function markUnreachable(trx: Db, person: Person): Promise<boolean> {
  const table = person.kind === 'master' ? 'masters' : 'staff_users';
  const flipped = await trx
    .updateTable(table)
    .set({ is_unreachable: true, updated_at: sql<Date>`now()` })
    .where('id', '=', person.id)
    .where('is_unreachable', '=', false)
    .returning('id')
    .executeTakeFirst();
  return flipped !== undefined;
}
