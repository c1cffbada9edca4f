import type { Db } from '@fs/db';

/** Minimal rows for the offer flow (testkit factories will replace these). */
let tg = 7_000_000 + Math.floor(Math.random() * 1_000_000);

export async function moscow(db: Db) {
  const city = await db
    .selectFrom('cities')
    .select(['id'])
    .where('name', '=', 'Москва')
    .executeTakeFirstOrThrow();
  const district = await db
    .selectFrom('districts')
    .select(['id', 'name'])
    .where('city_id', '=', city.id)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  return { cityId: city.id, districtId: district.id, districtName: district.name };
}

export async function insertMaster(
  db: Db,
  cityId: number,
  patch: { max_active_orders_override?: number } = {},
) {
  const tgUserId = tg++;
  const row = await db
    .insertInto('masters')
    .values({
      tg_user_id: tgUserId,
      full_name: `Мастер ${tgUserId}`,
      phone: '+79990000000',
      city_id: cityId,
      moderation_status: 'approved',
      verified: true,
      shift_status: 'on',
      ...patch,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, tgUserId };
}

export async function insertOrder(
  db: Db,
  geo: { cityId: number; districtId: number },
  patch: { status?: 'searching' | 'assigned'; assigned_master_id?: number } = {},
) {
  const row = await db
    .insertInto('orders')
    .values({
      city_id: geo.cityId,
      district_id: geo.districtId,
      street: 'ул. Тверская',
      house: '7',
      apartment: '12',
      address_comment: 'Домофон 12К',
      client_name: 'Анна <Клиент>',
      client_phone: '+79161234567',
      category: 'electrics',
      description: 'Не работает розетка на кухне',
      status: patch.status ?? 'searching',
      assigned_master_id: patch.assigned_master_id ?? null,
      timeslot_start: new Date('2030-01-10T11:00:00Z'),
      timeslot_end: new Date('2030-01-10T13:00:00Z'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertOffer(db: Db, orderId: number, masterId: number, expiresInSeconds = 120) {
  const row = await db
    .insertInto('offers')
    .values({
      order_id: orderId,
      master_id: masterId,
      round_number: 1,
      state: 'sent',
      expires_at: new Date(Date.now() + expiresInSeconds * 1000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
