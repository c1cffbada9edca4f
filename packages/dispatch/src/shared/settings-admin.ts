import { writeSetting } from '@fs/db';
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

/** A city's own working hours ("HH:MM" pair), or null to use the global ones. */
export async function setCityWorkingHours(
  deps: Pick<DispatchDeps, 'db'>,
  staffId: number,
  cityId: number,
  hours: [string, string] | null,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const city = await trx
      .selectFrom('cities')
      .select(['working_hours_start', 'working_hours_end'])
      .where('id', '=', cityId)
      .forUpdate()
      .executeTakeFirst();
    await trx
      .updateTable('cities')
      .set({
        working_hours_start: hours?.[0] ?? null,
        working_hours_end: hours?.[1] ?? null,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', cityId)
      .execute();
    const hhmm = (t: string) => t.slice(0, 5).padStart(5, '0');
    const from =
      city?.working_hours_start && city.working_hours_end
        ? [hhmm(city.working_hours_start), hhmm(city.working_hours_end)]
        : null;
    await audit(trx, {
      staffId,
      action: 'city.working_hours',
      entityType: 'city',
      entityId: cityId,
      payload: { from, to: hours },
    });
  });
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
export async function setCityTimezone(
  deps: Pick<DispatchDeps, 'db'>,
  staffId: number,
  cityId: number,
  timezone: string,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('cities')
      .select('timezone')
      .where('id', '=', cityId)
      .forUpdate()
      .executeTakeFirst();
    await trx
      .updateTable('cities')
      .set({ timezone, updated_at: sql<Date>`now()` })
      .where('id', '=', cityId)
      .execute();
    await audit(trx, {
      staffId,
      action: 'city.timezone',
      entityType: 'city',
      entityId: cityId,
      payload: { from: before?.timezone ?? null, to: timezone },
    });
  });
}
