import type { Db } from '@fs/db';
import { cityFilter } from '../scope';
import { type Page, readPage } from './page';
import type { StaffMember } from './staff';

/** Cities as the admin screens read them: a staff member's zone, one city, a page of their cities. */

export const DEFAULT_TIMEZONE = 'Europe/Moscow';
export const CITIES_PER_PAGE = 10;

/** The zone for lists shown to a staff member: their first city's, else Moscow. */
export async function staffTimezone(db: Db, staff: StaffMember): Promise<string> {
  const first = staff.cityIds[0];
  if (first === undefined) return DEFAULT_TIMEZONE;
  const row = await db.selectFrom('cities').select('timezone').where('id', '=', first).executeTakeFirst();
  return row?.timezone ?? DEFAULT_TIMEZONE;
}

export interface CityRow {
  id: number;
  name: string;
  timezone: string;
  working_hours_start: string | null;
  working_hours_end: string | null;
}

export async function loadCity(db: Db, cityId: number): Promise<CityRow | undefined> {
  return db
    .selectFrom('cities')
    .select(['id', 'name', 'timezone', 'working_hours_start', 'working_hours_end'])
    .where('id', '=', cityId)
    .executeTakeFirst();
}

/** One page of the cities the staff member sees, by name; the page is clamped to the last one. */
export async function cityPage(
  db: Db,
  staff: StaffMember,
  page: number,
  perPage = CITIES_PER_PAGE,
): Promise<{ cities: CityRow[]; page: number; pages: number; total: number }> {
  const inScope = db.selectFrom('cities').where(cityFilter('id', staff));
  const count = inScope.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const { rows: cities, ...p } = await readPage(count, page, perPage, (offset, limit) =>
    inScope
      .select(['id', 'name', 'timezone', 'working_hours_start', 'working_hours_end'])
      .orderBy('name')
      .offset(offset)
      .limit(limit)
      .execute(),
  );
  return { cities, ...p };
}

export const DISTRICTS_PER_PAGE = 10;

/** One page of a city's districts, by name. */
export async function cityDistricts(
  db: Db,
  cityId: number,
  page: number,
  perPage = DISTRICTS_PER_PAGE,
): Promise<Page<{ id: number; name: string }>> {
  const districts = db.selectFrom('districts').where('city_id', '=', cityId);
  const count = districts.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
  return readPage(count, page, perPage, (offset, limit) =>
    districts.select(['id', 'name']).orderBy('name').orderBy('id').offset(offset).limit(limit).execute(),
  );
}
