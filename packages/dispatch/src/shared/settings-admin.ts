import { type City, writeSetting } from '@fs/db';
import type { SettingKey } from '@fs/domain';
import { sql } from 'kysely';
import { audit } from './audit';
import type { DispatchDeps } from './deps';

/**
 * What global admins change in ⚙️ Настройки: a business setting, a city's working hours, a
 * new district, a city's timezone. Each is one transaction with its audit row.
 */

type Deps = Pick<DispatchDeps, 'db' | 'settings' | 'logger'>;

/** Writes a setting (already validated) and drops the cache, so this process sees it at once. */
export async function updateSetting(
  deps: Deps,
  staffId: number,
  key: SettingKey,
  value: number | string | boolean,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .forUpdate()
      .executeTakeFirst();
    await writeSetting(trx, key, value, staffId);
    await audit(trx, {
      staffId,
      action: 'setting.update',
      entityType: 'setting',
      entityId: null,
      payload: { key, from: before?.value ?? null, to: value },
    });
  });
  deps.settings.invalidate();
  deps.logger.info({ staff_id: staffId, key }, 'setting changed');
}

type CitySetting = Pick<City, 'timezone' | 'working_hours_start' | 'working_hours_end'>;

/**
 * Writes a city's setting columns with the `city.<what>` audit row, whose payload `describe`
 * makes from the row as it was (locked first).
 */
async function updateCity(
  deps: Pick<DispatchDeps, 'db'>,
  staffId: number,
  cityId: number,
  what: 'working_hours' | 'timezone',
  set: Partial<CitySetting>,
  describe: (was: CitySetting | undefined) => Record<string, unknown>,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const was = await trx
      .selectFrom('cities')
      .select(['timezone', 'working_hours_start', 'working_hours_end'])
      .where('id', '=', cityId)
      .forUpdate()
      .executeTakeFirst();
    await trx
      .updateTable('cities')
      .set({ ...set, updated_at: sql<Date>`now()` })
      .where('id', '=', cityId)
      .execute();
    await audit(trx, {
      staffId,
      action: `city.${what}`,
      entityType: 'city',
      entityId: cityId,
      payload: describe(was),
    });
  });
}

/** A city's own working hours ("HH:MM" pair), or null to use the global ones. */
export function setCityWorkingHours(
  deps: Pick<DispatchDeps, 'db'>,
  staffId: number,
  cityId: number,
  hours: [string, string] | null,
): Promise<void> {
  const set = { working_hours_start: hours?.[0] ?? null, working_hours_end: hours?.[1] ?? null };
  return updateCity(deps, staffId, cityId, 'working_hours', set, (was) => ({
    from: hoursOf(was),
    to: hours,
  }));
}

/** The city's own hours as an "HH:MM" pair (the columns hold times), null when it has none. */
function hoursOf(city: CitySetting | undefined): [string, string] | null {
  const hhmm = (t: string) => t.slice(0, 5).padStart(5, '0');
  return city?.working_hours_start && city.working_hours_end
    ? [hhmm(city.working_hours_start), hhmm(city.working_hours_end)]
    : null;
}

/** Adds a district to a city; null when the city already has one of that name (any case). */
export async function addDistrict(
  deps: Pick<DispatchDeps, 'db'>,
  staffId: number,
  cityId: number,
  name: string,
): Promise<number | null> {
  return deps.db.transaction().execute(async (trx) => {
    const exists = await trx
      .selectFrom('districts')
      .select('id')
      .where('city_id', '=', cityId)
      .where(sql<string>`lower(name)`, '=', name.toLowerCase())
      .executeTakeFirst();
    if (exists) return null;
    const row = await trx
      .insertInto('districts')
      .values({ city_id: cityId, name })
      .onConflict((oc) => oc.constraint('uq_districts__city_name').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) return null;
    await audit(trx, {
      staffId,
      action: 'city.district_add',
      entityType: 'city',
      entityId: cityId,
      payload: { district_id: row.id, name },
    });
    return row.id;
  });
}

/** A city's IANA timezone (already canonical). */
export function setCityTimezone(
  deps: Pick<DispatchDeps, 'db'>,
  staffId: number,
  cityId: number,
  timezone: string,
): Promise<void> {
  return updateCity(deps, staffId, cityId, 'timezone', { timezone }, (was) => ({
    from: was?.timezone ?? null,
    to: timezone,
  }));
}
