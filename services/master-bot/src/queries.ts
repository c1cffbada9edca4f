import type { Db } from '@fs/db';
import { OPEN_OFFER_STATES } from '@fs/domain';
import { sql } from 'kysely';
import type { AssignedOrderCard } from './texts';

/** The master behind a Telegram user (deleted masters count as unknown). */
export async function findMasterByTgId(db: Db, tgUserId: number) {
  return db
    .selectFrom('masters')
    .select(['id', 'full_name', 'moderation_status', 'moderation_reason', 'is_blocked', 'blocked_reason'])
    .where('tg_user_id', '=', tgUserId)
    .where('is_deleted', '=', false)
    .executeTakeFirst();
}

export type MasterRow = NonNullable<Awaited<ReturnType<typeof findMasterByTgId>>>;

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

/** Everything the assigned master sees on the order card. */
export async function loadOrderCard(db: Db, orderId: number): Promise<AssignedOrderCard | undefined> {
  const o = await db
    .selectFrom('orders as o')
    .innerJoin('cities as c', 'c.id', 'o.city_id')
    .leftJoin('districts as d', 'd.id', 'o.district_id')
    .leftJoin('streets as s', 's.id', 'o.street_id')
    .select([
      'o.id',
      'c.name as city',
      'c.timezone',
      'd.name as district',
      's.name as street_name',
      'o.street',
      'o.house',
      'o.apartment',
      'o.address_comment',
      'o.client_name',
      'o.client_phone',
      'o.category',
      'o.description',
      'o.timeslot_start',
      'o.timeslot_end',
      'o.is_asap',
    ])
    .where('o.id', '=', orderId)
    .executeTakeFirst();
  if (!o) return undefined;
  return {
    id: o.id,
    city: o.city,
    timezone: o.timezone,
    district: o.district,
    street: o.street_name ?? o.street,
    house: o.house,
    apartment: o.apartment,
    addressComment: o.address_comment,
    clientName: o.client_name,
    clientPhone: o.client_phone,
    category: o.category,
    description: o.description,
    timeslotStart: o.timeslot_start,
    timeslotEnd: o.timeslot_end,
    isAsap: o.is_asap,
  };
}
