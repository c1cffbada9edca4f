import type { Db } from '@fs/db';

/** Reads of ⚙️ Настройки → 🗺 Гео: districts per city. */

/** How many districts each of these cities has. */
export async function cityDistrictCounts(db: Db, cityIds: readonly number[]): Promise<Map<number, number>> {
  const counts = await db
    .selectFrom('districts')
    .select(['city_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('city_id', 'in', cityIds.length > 0 ? [...cityIds] : [0])
    .groupBy('city_id')
    .execute();
  return new Map(counts.map((c) => [c.city_id, Number(c.n)]));
}

/** A city's district names, by name. */
export async function cityDistrictNames(db: Db, cityId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('districts')
    .select('name')
    .where('city_id', '=', cityId)
    .orderBy('name')
    .execute();
  return rows.map((r) => r.name);
}
