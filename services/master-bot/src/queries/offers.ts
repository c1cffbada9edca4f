import type { Db } from '@fs/db';
import { OPEN_OFFER_STATES } from '@fs/domain';
import { sql } from 'kysely';

/** An offer with whether it can still be answered (by the database clock). */
export async function findOffer(db: Db, offerId: number) {
  const row = await db
    .selectFrom('offers')
    .select(['id', 'order_id', 'master_id', 'state', sql<boolean>`expires_at > now()`.as('unexpired')])
    .where('id', '=', offerId)
    .executeTakeFirst();
  if (!row) return undefined;
  const open = (OPEN_OFFER_STATES as readonly string[]).includes(row.state) && row.unexpired;
  return { id: row.id, orderId: row.order_id, masterId: row.master_id, open };
}
