import type { Db } from '@fs/db';
import { sql } from 'kysely';
import {
  createCity,
  createOrder,
  type DispatchTestEnv,
  setOrderPoint,
  setupDispatchEnv,
} from '../../test/fixtures';
import { type CandidateOrder, distanceTerms, selectCandidates, selectCandidatesSql } from './candidates';

/**
 * The candidate query at the benchmark's scale (50,000 masters): with the order's point and a
 * radius, the planner must read masters through the GiST index on their point (issue 18), not
 * scan the city. The rows are made by one INSERT … SELECT generate_series (a few seconds).
 */
let env: DispatchTestEnv;
let db: Db;
const MASTERS = 50_000;
const CITIES = 10;

beforeAll(async () => {
  env = await setupDispatchEnv();
  db = env.db;
});
afterAll(() => env.close());

it('reads the masters within the radius through ix_masters__candidates_geo at 50,000 masters', async () => {
  const cities: number[] = [];
  for (let i = 0; i < CITIES; i++) cities.push((await createCity(db)).cityId);
  // A bulk load: the masters' indexes (other than constraints) are built once afterwards from
  // their migrations' own definitions; 50,000 single inserts into the cube GiST index alone take
  // ten times longer.
  const { rows: defs } = await sql<{ name: string; def: string }>`
    SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
    FROM pg_index i WHERE i.indrelid = 'masters'::regclass
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`.execute(db);
  expect(defs.map((d) => d.name)).toContain('ix_masters__candidates_geo');
  for (const d of defs) await sql`DROP INDEX ${sql.id(d.name)}`.execute(db);
  // City k is centred at (50 + k, 37): 111 km apart; masters within ±0.2° (~20 km) of the centre,
  // one in 20 without a point.
  await sql`
    INSERT INTO masters (tg_user_id, full_name, city_id, moderation_status, verified, shift_status, rating,
      has_vehicle, skill_codes, base_lat, base_lon)
    SELECT 8800000000 + g, 'Plan ' || g, (${cities}::int[])[1 + g % ${CITIES}], 'approved', true, 'on',
      4 + (g % 10) / 10.0, g % 3 = 0, '{electrics,plumbing}',
      CASE WHEN g % 20 <> 0 THEN 50 + g % ${CITIES} + (random() - 0.5) * 0.4 END,
      CASE WHEN g % 20 <> 0 THEN 37 + (random() - 0.5) * 0.4 END
    FROM generate_series(1, ${MASTERS}) g
  `.execute(db);
  for (const d of defs) await sql.raw(d.def).execute(db);
  await sql`ANALYZE masters`.execute(db);

  const cityIndex = 3;
  const orderId = await createOrder(db, { cityId: cities[cityIndex]! });
  await setOrderPoint(db, orderId, 50 + cityIndex, 37);
  const order = await db
    .selectFrom('orders')
    .select(['id', 'city_id', 'district_id', 'category', 'type', 'preferred_master_id', 'lat', 'lon'])
    .where('id', '=', orderId)
    .executeTakeFirstOrThrow();
  const distance = { distance_weight: 5, distance_max_km: 5 };
  const opts = { limit: 9, lock: 1, maxActiveOrders: 1, distance };
  const query = selectCandidatesSql(order as CandidateOrder, opts, await distanceTerms(db, opts));

  const { rows } = await sql<{ 'QUERY PLAN': string }>`EXPLAIN (FORMAT TEXT) ${query}`.execute(db);
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  // The radius search is an index condition on the GiST index (not a filter after a city scan).
  expect(plan).toMatch(/Index Scan on ix_masters__candidates_geo[^\n]*\n\s*Index Cond: \(geo_point <@/);
  if (process.env.PRINT_PLAN) console.log(plan);

  // And it answers: the nearest masters within 5 km, each one closer than 5 km or without a point.
  await db.transaction().execute(async (trx) => {
    const sel = await selectCandidates(trx, order as CandidateOrder, opts);
    expect(sel.candidates).toHaveLength(9);
    for (const c of sel.candidates) expect(c.distanceM === null || c.distanceM <= 5000).toBe(true);
  });
});
