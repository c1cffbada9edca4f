import type { Db } from '@fs/db';
import { CATEGORIES, type Category } from '@fs/domain';
import { sql } from 'kysely';
import { cityFilter } from '../scope';
import { readPage } from './page';
import type { StaffMember } from './staff';

/** Reads of the order creation wizard; every city read is scoped to the staff member. */

export const CITY_PAGE_SIZE = 10;
export const SEARCH_LIMIT = 10;

export interface NamedRow {
  id: number;
  name: string;
}

/** `%` and `_` typed by staff match literally. */
const likePattern = (query: string) => `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function cityPage(db: Db, staff: StaffMember, page: number) {
  const base = db.selectFrom('cities').where('is_active', '=', true).where(cityFilter('id', staff));
  const count = base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
  return readPage<NamedRow>(count, page, CITY_PAGE_SIZE, (offset, limit) =>
    base.select(['id', 'name']).orderBy('name').orderBy('id').limit(limit).offset(offset).execute(),
  );
}

export async function searchCities(db: Db, staff: StaffMember, query: string): Promise<NamedRow[]> {
  return db
    .selectFrom('cities')
    .select(['id', 'name'])
    .where('is_active', '=', true)
    .where(cityFilter('id', staff))
    .where('name', 'ilike', likePattern(query))
    .orderBy('name')
    .limit(SEARCH_LIMIT)
    .execute();
}

export interface CityInfo {
  id: number;
  name: string;
  timezone: string;
  working_hours_start: string | null;
  working_hours_end: string | null;
}

/** An active city in the staff member's scope, or undefined (forged or out-of-scope id). */
export async function scopedCity(db: Db, staff: StaffMember, cityId: number): Promise<CityInfo | undefined> {
  return db
    .selectFrom('cities')
    .select(['id', 'name', 'timezone', 'working_hours_start', 'working_hours_end'])
    .where('id', '=', cityId)
    .where('is_active', '=', true)
    .where(cityFilter('id', staff))
    .executeTakeFirst();
}

export async function searchDistricts(db: Db, cityId: number, query: string): Promise<NamedRow[]> {
  return db
    .selectFrom('districts')
    .select(['id', 'name'])
    .where('city_id', '=', cityId)
    .where('name', 'ilike', likePattern(query))
    .orderBy('name')
    .limit(SEARCH_LIMIT)
    .execute();
}

/** A district of the given city (undefined when it belongs to another city or is gone). */
export async function districtOfCity(db: Db, cityId: number, districtId: number) {
  return db
    .selectFrom('districts')
    .select(['id', 'name'])
    .where('id', '=', districtId)
    .where('city_id', '=', cityId)
    .executeTakeFirst();
}

export interface StreetRow {
  id: number;
  name: string;
  district_id: number | null;
  district_name: string | null;
}

/** Streets of the city whose name contains the query; names starting with it first. */
export async function searchStreets(db: Db, cityId: number, query: string): Promise<StreetRow[]> {
  return db
    .selectFrom('streets as s')
    .leftJoin('districts as d', 'd.id', 's.district_id')
    .select(['s.id', 's.name', 's.district_id', 'd.name as district_name'])
    .where('s.city_id', '=', cityId)
    .where('s.name', 'ilike', likePattern(query))
    .orderBy(sql`(s.name ilike ${`${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}) desc`)
    .orderBy('s.name')
    .limit(SEARCH_LIMIT)
    .execute();
}

export async function streetOfCity(db: Db, cityId: number, streetId: number): Promise<StreetRow | undefined> {
  return db
    .selectFrom('streets as s')
    .leftJoin('districts as d', 'd.id', 's.district_id')
    .select(['s.id', 's.name', 's.district_id', 'd.name as district_name'])
    .where('s.id', '=', streetId)
    .where('s.city_id', '=', cityId)
    .executeTakeFirst();
}

/** Categories staff may choose: active skills, in the canonical order. */
export async function activeCategories(db: Db): Promise<Category[]> {
  const rows = await db.selectFrom('skills').select('code').where('is_active', '=', true).execute();
  const active = new Set(rows.map((r) => r.code));
  return CATEGORIES.filter((c) => active.has(c));
}

/** The client's latest order in the staff member's (active) cities, for quick create. */
export async function lastOrderByPhone(db: Db, staff: StaffMember, phone: string) {
  return db
    .selectFrom('orders as o')
    .innerJoin('cities as c', 'c.id', 'o.city_id')
    .leftJoin('districts as d', (j) =>
      j.onRef('d.id', '=', 'o.district_id').onRef('d.city_id', '=', 'o.city_id'),
    )
    .select([
      'o.id',
      'o.city_id',
      'c.name as city_name',
      'o.district_id',
      'd.name as district_name',
      'o.street_id',
      'o.street',
      'o.house',
      'o.apartment',
      'o.client_name',
    ])
    .where('o.client_phone', '=', phone)
    .where('c.is_active', '=', true)
    .where(cityFilter('o.city_id', staff))
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
