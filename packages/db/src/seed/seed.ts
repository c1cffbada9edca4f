import { CATEGORIES, CATEGORY_LABELS, SETTINGS } from '@fs/domain';
import { sql } from 'kysely';
import { insertAccessCode } from '../access-codes';
import type { Db } from '../db';
import { SEED_CITIES } from './geo';
import { CITY_CENTRES, DISTRICT_CENTRES } from './places';

export interface SeedResult {
  cities: number;
  districts: number;
  /**
   * The one-time code of the first global admin, when this run created it: printed once, by
   * this run only (the logs of later runs never carry it).
   */
  firstAdminCode: string | null;
  /** Until when an earlier run's first-admin code is still valid (not printed again). */
  pendingFirstAdminCodeUntil: Date | null;
}

/** The first admin's code is used within minutes of the install; a lost one is reissued by `pnpm staff:code`. */
export const FIRST_ADMIN_CODE_TTL_HOURS = 24;

/** Idempotent reference data: skills, cities, districts, default settings, first admin code. */
export async function seed(db: Db): Promise<SeedResult> {
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('skills')
      .values(CATEGORIES.map((code) => ({ code, label: CATEGORY_LABELS[code] })))
      .onConflict((oc) => oc.column('code').doUpdateSet({ label: (eb) => eb.ref('excluded.label') }))
      .execute();

    // Centres (places.ts) fill empty coordinates only: a point staff corrected stays.
    const fillCentre = (table: 'cities' | 'districts') => ({
      centroid_lat: sql<number>`coalesce(${sql.ref(`${table}.centroid_lat`)}, excluded.centroid_lat)`,
      centroid_lon: sql<number>`coalesce(${sql.ref(`${table}.centroid_lon`)}, excluded.centroid_lon)`,
    });
    await trx
      .insertInto('cities')
      .values(
        SEED_CITIES.map((c) => ({
          name: c.name,
          timezone: c.timezone,
          centroid_lat: CITY_CENTRES[c.name]?.[0] ?? null,
          centroid_lon: CITY_CENTRES[c.name]?.[1] ?? null,
        })),
      )
      .onConflict((oc) => oc.column('name').doUpdateSet(fillCentre('cities')))
      .execute();
    const cities = await trx.selectFrom('cities').select(['id', 'name']).execute();
    const cityId = new Map(cities.map((c) => [c.name, c.id]));
    const districtRows = SEED_CITIES.flatMap((c) =>
      (c.districts ?? []).map((name) => ({
        city_id: cityId.get(c.name)!,
        name,
        centroid_lat: DISTRICT_CENTRES[c.name]?.[name]?.[0] ?? null,
        centroid_lon: DISTRICT_CENTRES[c.name]?.[name]?.[1] ?? null,
      })),
    );
    if (districtRows.length > 0) {
      await trx
        .insertInto('districts')
        .values(districtRows)
        .onConflict((oc) => oc.columns(['city_id', 'name']).doUpdateSet(fillCentre('districts')))
        .execute();
    }

    await trx
      .insertInto('settings')
      .values(
        Object.entries(SETTINGS).map(([key, def]) => ({
          key,
          value: JSON.stringify(def.default),
          description: def.description,
        })),
      )
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    await trx
      .insertInto('owner_requisites')
      .values({ data: '{}' })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();

    // The first global admin joins with a one-time code; issue one only while nobody can log in.
    const { count: staffCount } = await trx
      .selectFrom('staff_users')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('role', '=', 'global_admin')
      .where('is_active', '=', true)
      .executeTakeFirstOrThrow();
    let firstAdminCode: string | null = null;
    let pendingFirstAdminCodeUntil: Date | null = null;
    if (Number(staffCount) === 0) {
      const pending = await trx
        .selectFrom('staff_access_codes')
        .select('expires_at')
        .where('role', '=', 'global_admin')
        .where('issued_by_staff_id', 'is', null)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', sql<Date>`now()`)
        .orderBy('expires_at', 'desc')
        .executeTakeFirst();
      if (pending) {
        pendingFirstAdminCodeUntil = pending.expires_at;
      } else {
        const issued = await insertAccessCode(trx, {
          role: 'global_admin',
          ttlHours: FIRST_ADMIN_CODE_TTL_HOURS,
          comment: 'first global admin (seed)',
        });
        firstAdminCode = issued.code;
      }
    }
    const { count: districtCount } = await trx
      .selectFrom('districts')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow();
    return {
      cities: cities.length,
      districts: Number(districtCount),
      firstAdminCode,
      pendingFirstAdminCodeUntil,
    };
  });
}
