import type { Category, PayoutMethod } from '@fs/domain';
import { sql } from 'kysely';
import type { Db } from '../db';
import { DISTRICT_CENTRES } from './places';

/**
 * Demo data for the sandbox (`pnpm db:seed:demo`, run by `pnpm dev` without bot tokens): a
 * global admin and five approved, verified masters on shift in two cities with different
 * time zones, so a visitor can create an order as the admin and watch a master accept it.
 *
 * Each category has exactly one master per demo city, so the walkthrough is predictable: in
 * Москва an ⚡ Электрика order goes to Иван Петров, in Новосибирск to Алексей Иванов.
 *
 * Idempotent: re-running puts the same people back into the demo state (approved, on shift,
 * not blocked, the listed districts and skills) and leaves their orders alone. The owner's
 * payment requisites get demo values only while none are set.
 */

export const DEMO_ADMIN = { tgUserId: 700_000_001, fullName: 'Демо Админ', username: 'demo_admin' } as const;

/**
 * The demo cities work round the clock (00:00–00:00: equal start and end are the whole day), so distribution offers orders at
 * any hour of the visitor's day instead of deferring them to the next morning.
 */
export const DEMO_CITIES = ['Москва', 'Новосибирск'] as const;
export const DEMO_WORKING_HOURS = { start: '00:00', end: '00:00' } as const;

/** A master may hold this many active orders, so repeated walkthroughs never hit the limit. */
export const DEMO_MAX_ACTIVE_ORDERS = 20;

export interface DemoMaster {
  tgUserId: number;
  fullName: string;
  username: string;
  phone: string;
  city: (typeof DEMO_CITIES)[number];
  districts: string[];
  skills: Category[];
  vehiclePlate?: string;
  /**
   * The master's base point: the public point of this district (seed/places.ts), standing in
   * for a home address so the sandbox shows distances ("≈ 9,3 км от вас").
   */
  baseNear: string;
  /** `masters.payout_data` in the shape master registration stores (see @fs/dispatch PayoutDetails). */
  payout: { method: PayoutMethod; data: Record<string, string> };
}

export const DEMO_MASTERS: readonly DemoMaster[] = [
  {
    tgUserId: 700_000_101,
    fullName: 'Иван Петров',
    baseNear: 'САО',
    username: 'demo_ivan',
    phone: '+79000000101',
    city: 'Москва',
    districts: ['ЦАО', 'САО', 'СВАО'],
    skills: ['electrics', 'appliances'],
    payout: { method: 'card', data: { card_number: '2200 7001 2345 6781' } },
  },
  {
    tgUserId: 700_000_102,
    fullName: 'Ольга Смирнова',
    baseNear: 'ЮЗАО',
    username: 'demo_olga',
    phone: '+79000000102',
    city: 'Москва',
    districts: ['ЦАО', 'ЮАО', 'ЮЗАО'],
    skills: ['plumbing', 'handyman'],
    payout: { method: 'sbp', data: { sbp_phone: '+79000000102', sbp_bank: 'Сбер' } },
  },
  {
    tgUserId: 700_000_103,
    fullName: 'Дмитрий Козлов',
    baseNear: 'ЗАО',
    username: 'demo_dmitry',
    phone: '+79000000103',
    city: 'Москва',
    districts: [],
    skills: ['windows', 'roadside'],
    vehiclePlate: 'А123ВС777',
    payout: { method: 'yoomoney', data: { account: '4100117000000103' } },
  },
  {
    tgUserId: 700_000_201,
    fullName: 'Алексей Иванов',
    baseNear: 'Дзержинский',
    username: 'demo_alexey',
    phone: '+79000000201',
    city: 'Новосибирск',
    districts: ['Центральный', 'Железнодорожный'],
    skills: ['electrics', 'plumbing'],
    payout: { method: 'card', data: { card_number: '2200 7002 0100 0006' } },
  },
  {
    tgUserId: 700_000_202,
    fullName: 'Сергей Кузнецов',
    baseNear: 'Ленинский',
    username: 'demo_sergey',
    phone: '+79000000202',
    city: 'Новосибирск',
    districts: ['Ленинский', 'Октябрьский', 'Центральный'],
    skills: ['appliances', 'handyman', 'windows', 'roadside'],
    vehiclePlate: 'О777ОО154',
    payout: { method: 'bank_account', data: { account_number: '40817810000000000202' } },
  },
];

/**
 * Where demo masters pay commissions (`owner_requisites`, edited by global admins in the admin
 * bot): plausible but fake, in the shape the admin bot stores (card in groups of four, phone
 * +7…), so a commission card shows where to pay instead of "уточните в поддержке".
 */
export const DEMO_OWNER_REQUISITES = {
  card_number: '2200 7000 0000 0017',
  card_holder: 'ООО «Демо Сервис»',
  bank: 'Демо-банк',
  sbp_phone: '+79000000001',
  sbp_bank: 'Сбер',
  comment: 'Демо-реквизиты песочницы: настоящие платежи сюда не отправляйте',
} as const;

export interface DemoSeedResult {
  adminStaffId: number;
  masterIds: number[];
}

/**
 * Puts the demo admin, cities and masters in place (see the module comment). Needs `seed()` first.
 * long-function: demo data in one transaction, read top to bottom like the module comment.
 */
export async function seedDemo(db: Db): Promise<DemoSeedResult> {
  // long-function: the same demo data transaction (see above).
  return db.transaction().execute(async (trx) => {
    const cities = await trx
      .selectFrom('cities')
      .select(['id', 'name'])
      .where('name', 'in', [...DEMO_CITIES])
      .execute();
    const cityId = new Map(cities.map((c) => [c.name, c.id]));
    for (const name of DEMO_CITIES) {
      if (!cityId.has(name)) throw new Error(`seedDemo: no city "${name}"; run the reference seed first`);
    }
    await trx
      .updateTable('cities')
      .set({
        working_hours_start: DEMO_WORKING_HOURS.start,
        working_hours_end: DEMO_WORKING_HOURS.end,
        is_active: true,
        updated_at: sql<Date>`now()`,
      })
      .where('id', 'in', [...cityId.values()])
      .execute();

    const admin = await trx
      .insertInto('staff_users')
      .values({
        tg_user_id: DEMO_ADMIN.tgUserId,
        full_name: DEMO_ADMIN.fullName,
        username: DEMO_ADMIN.username,
        role: 'global_admin',
        is_active: true,
      })
      .onConflict((oc) =>
        oc.column('tg_user_id').doUpdateSet({
          full_name: DEMO_ADMIN.fullName,
          role: 'global_admin',
          is_active: true,
          is_unreachable: false,
          updated_at: sql<Date>`now()`,
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();

    const districts = await trx
      .selectFrom('districts')
      .select(['id', 'city_id', 'name'])
      .where('city_id', 'in', [...cityId.values()])
      .execute();
    const districtId = (city: number, name: string): number => {
      const d = districts.find((x) => x.city_id === city && x.name === name);
      if (!d) throw new Error(`seedDemo: no district "${name}" in city ${city}`);
      return d.id;
    };

    const masterIds: number[] = [];
    for (const m of DEMO_MASTERS) {
      const city = cityId.get(m.city)!;
      const base = DISTRICT_CENTRES[m.city]?.[m.baseNear];
      if (!base) throw new Error(`seedDemo: no public point for "${m.baseNear}" in ${m.city}`);
      const state = {
        full_name: m.fullName,
        username: m.username,
        phone: m.phone,
        city_id: city,
        has_vehicle: m.vehiclePlate !== undefined,
        vehicle_plate: m.vehiclePlate ?? null,
        moderation_status: 'approved' as const,
        moderation_reason: null,
        verified: true,
        verified_at: sql<Date>`now()`,
        verified_by_staff_id: admin.id,
        shift_status: 'on' as const,
        break_until: null,
        is_active: true,
        is_blocked: false,
        blocked_reason: null,
        blocked_at: null,
        is_deleted: false,
        is_unreachable: false,
        max_active_orders_override: DEMO_MAX_ACTIVE_ORDERS,
        payout_method: m.payout.method,
        payout_data: JSON.stringify(m.payout.data),
        pdn_accepted_at: sql<Date>`now()`,
        base_lat: base[0],
        base_lon: base[1],
        base_updated_at: sql<Date>`now()`,
      };
      const row = await trx
        .insertInto('masters')
        .values({ tg_user_id: m.tgUserId, ...state })
        .onConflict((oc) =>
          oc.column('tg_user_id').doUpdateSet({
            ...state,
            updated_at: sql<Date>`now()`,
            version: sql<number>`masters.version + 1`,
          }),
        )
        .returning('id')
        .executeTakeFirstOrThrow();
      masterIds.push(row.id);

      await trx.deleteFrom('master_districts').where('master_id', '=', row.id).execute();
      if (m.districts.length > 0) {
        await trx
          .insertInto('master_districts')
          .values(m.districts.map((name) => ({ master_id: row.id, district_id: districtId(city, name) })))
          .execute();
      }
      await trx.deleteFrom('master_skills').where('master_id', '=', row.id).execute();
      await trx
        .insertInto('master_skills')
        .values(m.skills.map((skill_code) => ({ master_id: row.id, skill_code })))
        .execute();
    }

    // Only while none are set: requisites a visitor edited in the sandbox stay.
    await trx
      .insertInto('owner_requisites')
      .values({ id: 1, data: JSON.stringify(DEMO_OWNER_REQUISITES) })
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet({ data: JSON.stringify(DEMO_OWNER_REQUISITES) })
          .where(sql<boolean>`owner_requisites.data = '{}'::jsonb`),
      )
      .execute();
    return { adminStaffId: admin.id, masterIds };
  });
}
