import { sql } from 'kysely';
import {
  createCity,
  createClosedOrder,
  createMaster,
  createOrder,
  createStaff,
  type DispatchTestEnv,
  expireOffersNow,
  setSettings,
  setupDispatchEnv,
} from '../../test/fixtures';
import { distributeOrder } from '../offers/distribute';
import { acceptOffer } from '../offers/offer-accept';
import { declineOffer } from '../offers/offer-decline';
import { cancelOrderByStaff, returnOrderToSearch } from '../orders/order-admin';
import { assignOrderToMaster } from '../orders/order-admin-assign';
import { advanceMasterOrder, closeOrderByMaster } from '../orders/order-close';
import type { StaffActor } from './master-admin';
import {
  activeOrderCountSql,
  avgCheckOf,
  avgCheckSql,
  pendingOfferCountSql,
  pendingOffersOf,
  refreshAgedMasterLoads,
} from './master-load';

/**
 * master_load (migration 0340) is kept by triggers in the writers' transactions: after a random
 * sequence of operations through dispatch's functions (several at a time), plus writes that
 * bypass dispatch (fixtures, hand-run SQL), every stored figure equals a fresh aggregate, and
 * what the candidate query reads from it equals what it used to count per master.
 */
let env: DispatchTestEnv;
let cityId: number;
let actor: StaffActor;
const masters: number[] = [];

beforeAll(async () => {
  env = await setupDispatchEnv({ poolSize: 20 });
  ({ cityId } = await createCity(env.db));
  await setSettings(env.db, { max_active_orders: 2, distribution_offers_per_round: 2 });
  const staffId = await createStaff(env.db, 'city_admin', [cityId]);
  actor = { staffId, staffName: 'Админ', inScope: () => true };
  for (let i = 0; i < 8; i++) masters.push(await createMaster(env.db, { cityId }));
});
afterAll(() => env.close());

/** Deterministic PRNG (mulberry32) so a failure replays. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Mismatch {
  master_id: number;
  [k: string]: unknown;
}

/** Stored vs fresh, per master of the city; empty when consistent. */
async function mismatches(): Promise<Mismatch[]> {
  const { rows } = await sql<Mismatch>`
    SELECT * FROM (
      SELECT l.master_id, l.active_orders, ${activeOrderCountSql(sql.ref('l.master_id'))} AS fresh_active,
        l.open_offers, (SELECT count(*)::int FROM offers f WHERE f.master_id = l.master_id
          AND f.state IN ('sent', 'viewed')) AS fresh_open,
        l.open_offers_until, (SELECT min(f.expires_at) FROM offers f WHERE f.master_id = l.master_id
          AND f.state IN ('sent', 'viewed')) AS fresh_until,
        ${pendingOffersOf('l', null)} AS pending, ${pendingOfferCountSql(sql.ref('l.master_id'), 0)} AS fresh_pending,
        ${avgCheckOf('l')} AS avg_check, ${avgCheckSql(sql.ref('l.master_id'))} AS fresh_avg_check
      FROM master_load l JOIN masters m ON m.id = l.master_id WHERE m.city_id = ${cityId}::int
    ) x
    WHERE active_orders <> fresh_active OR open_offers <> fresh_open
      OR open_offers_until IS DISTINCT FROM fresh_until OR pending <> fresh_pending
      OR abs(avg_check - fresh_avg_check) > 1e-6`.execute(env.db);
  return rows;
}

async function pick<T>(query: Promise<T[]>, r: () => number): Promise<T | undefined> {
  const rows = await query;
  return rows.length === 0 ? undefined : rows[Math.floor(r() * rows.length)];
}

const ordersIn = (statuses: string[]) =>
  sql<{ id: number; master_id: number | null; status: string }>`
    SELECT id, assigned_master_id AS master_id, status::text FROM orders
    WHERE city_id = ${cityId}::int AND status::text = ANY (${statuses}::text[]) ORDER BY id`
    .execute(env.db)
    .then((r) => r.rows);
const openOffers = () =>
  sql<{ id: number; master_id: number; order_id: number }>`
    SELECT f.id, f.master_id, f.order_id FROM offers f JOIN orders o ON o.id = f.order_id
    WHERE o.city_id = ${cityId}::int AND f.state IN ('sent', 'viewed') ORDER BY f.id`
    .execute(env.db)
    .then((r) => r.rows);

const act = { fileType: 'photo' as const, fileId: 'act-file' };

/** One random operation; each is a path that changes what master_load holds. */
async function step(r: () => number): Promise<void> {
  const op = Math.floor(r() * 11);
  const m = masters[Math.floor(r() * masters.length)]!;
  switch (op) {
    case 0:
      await createOrder(env.db, { cityId });
      return;
    case 1: {
      const o = await pick(ordersIn(['searching']), r);
      if (o) await distributeOrder(env.deps, o.id);
      return;
    }
    case 2: {
      const f = await pick(openOffers(), r);
      if (f) await acceptOffer(env.deps, { offerId: f.id, masterId: f.master_id });
      return;
    }
    case 3: {
      const f = await pick(openOffers(), r);
      if (f) await declineOffer(env.deps, { offerId: f.id, masterId: f.master_id });
      return;
    }
    case 4: {
      // Past the window but not yet closed by the clock (the query counts afresh), then the run closes them.
      const f = await pick(openOffers(), r);
      if (!f) return;
      await expireOffersNow(env.db, f.order_id);
      if (r() < 0.5) await distributeOrder(env.deps, f.order_id);
      return;
    }
    case 5: {
      const o = await pick(ordersIn(['searching']), r);
      if (o) await assignOrderToMaster(env.deps, actor, o.id, m);
      return;
    }
    case 6: {
      const o = await pick(ordersIn(['assigned', 'en_route']), r);
      if (o?.master_id)
        await advanceMasterOrder(env.deps, {
          orderId: o.id,
          masterId: o.master_id,
          from: o.status as 'assigned' | 'en_route',
        });
      return;
    }
    case 7: {
      const o = await pick(ordersIn(['working']), r);
      if (o?.master_id)
        await closeOrderByMaster(env.deps, {
          orderId: o.id,
          masterId: o.master_id,
          totalKopecks: 100_000 + Math.floor(r() * 900_000),
          act,
        });
      // The commission paid (hand-run here): payment → closed, now or 6–8 days ago (ageing).
      const p = await pick(ordersIn(['payment']), r);
      if (p)
        await sql`UPDATE orders SET status = 'closed',
          closed_at = now() - make_interval(days => ${r() < 0.3 ? 6 + Math.floor(r() * 3) : 0}::int)
          WHERE id = ${p.id}::int`.execute(env.db);
      return;
    }
    case 8: {
      const o = await pick(ordersIn(['searching', 'assigned', 'en_route', 'working']), r);
      if (o) await cancelOrderByStaff(env.deps, actor, o.id, 'тест');
      return;
    }
    case 9: {
      const o = await pick(ordersIn(['assigned', 'en_route']), r);
      if (o) await returnOrderToSearch(env.deps, actor, o.id, 'тест');
      return;
    }
    default:
      // A write that bypasses dispatch: a closed order from an import, inside or outside the window.
      await createClosedOrder(env.db, cityId, m, 50_000 + Math.floor(r() * 500_000));
      if (r() < 0.5)
        await sql`UPDATE orders SET closed_at = now() - interval '7 days' - interval '1 minute'
          WHERE id = (SELECT max(id) FROM orders WHERE assigned_master_id = ${m}::int)`.execute(env.db);
  }
}

it('equals a fresh aggregate after a random sequence of operations, four at a time', async () => {
  const r = rng(12);
  for (let i = 0; i < 8; i++) await createOrder(env.db, { cityId });
  for (let round = 0; round < 40; round++) {
    const results = await Promise.allSettled([step(r), step(r), step(r), step(r)]);
    for (const res of results) if (res.status === 'rejected') throw res.reason;
    expect(await mismatches()).toEqual([]);
  }
  // The run exercised every kind of figure.
  const { rows } = await sql<{ active: number; open: number; avg: number }>`
    SELECT count(*) FILTER (WHERE o.status = 'assigned')::int AS active,
      (SELECT count(*)::int FROM offers) AS open,
      count(*) FILTER (WHERE o.status = 'closed')::int AS avg
    FROM orders o WHERE o.city_id = ${cityId}::int`.execute(env.db);
  expect(rows[0]!.active + rows[0]!.open + rows[0]!.avg).toBeGreaterThan(0);
  expect(rows[0]!.open).toBeGreaterThan(0);
  expect(rows[0]!.avg).toBeGreaterThan(0);
});

it('is kept with constraints IMMEDIATE too (the flush fires at the end of each statement)', async () => {
  const orderId = await createOrder(env.db, { cityId });
  await env.db.transaction().execute(async (trx) => {
    await sql`SET CONSTRAINTS ALL IMMEDIATE`.execute(trx);
    await sql`INSERT INTO offers (order_id, master_id, round_number, state, expires_at)
      SELECT ${orderId}::int, unnest(${masters.slice(0, 3)}::int[]), 1, 'sent', now() + interval '2 minutes'`.execute(
      trx,
    );
    await sql`UPDATE orders SET status = 'assigned', assigned_master_id = ${masters[0]!}::int WHERE id = ${orderId}::int`.execute(
      trx,
    );
    const { rows } = await sql<{ master_id: number; open_offers: number; active_orders: number }>`
      SELECT l.master_id, l.open_offers, l.active_orders FROM master_load l
      WHERE l.master_id = ANY (${masters.slice(0, 3)}::int[])
        AND (l.open_offers, l.active_orders) IS DISTINCT FROM (
          (SELECT count(*)::int FROM offers f WHERE f.master_id = l.master_id AND f.state IN ('sent', 'viewed')),
          ${activeOrderCountSql(sql.ref('l.master_id'))})`.execute(trx);
    expect(rows).toEqual([]);
  });
  expect(await mismatches()).toEqual([]);
});

it('recomputes an average check whose oldest order left the 7-day window (timed job)', async () => {
  const m = await createMaster(env.db, { cityId });
  await createClosedOrder(env.db, cityId, m, 100_000);
  const recent = await createClosedOrder(env.db, cityId, m, 300_000);
  await sql`UPDATE orders SET closed_at = now() - interval '1 hour' WHERE id = ${recent}::int`.execute(
    env.db,
  );
  const stored = () =>
    env.db.selectFrom('master_load').selectAll().where('master_id', '=', m).executeTakeFirstOrThrow();
  expect((await stored()).avg_check_7d).toBe(200_000);
  // Eight days pass for the older order: its closed_at moves back (no trigger: time passing
  // changes no row), and the stored window end is what it then is, in the past.
  await sql`ALTER TABLE orders DISABLE TRIGGER USER`.execute(env.db);
  await sql`UPDATE orders SET closed_at = now() - interval '8 days'
    WHERE id <> ${recent}::int AND assigned_master_id = ${m}::int`.execute(env.db);
  await sql`ALTER TABLE orders ENABLE TRIGGER USER`.execute(env.db);
  await sql`UPDATE master_load SET avg_check_until = now() - interval '1 day' WHERE master_id = ${m}::int`.execute(
    env.db,
  );
  expect((await stored()).avg_check_7d).toBe(200_000);
  // Meanwhile the query counts afresh: 300,000 already.
  expect(await mismatches()).toEqual([]);
  expect(await refreshAgedMasterLoads(env.db)).toBeGreaterThanOrEqual(1);
  const after = await stored();
  expect(after.avg_check_7d).toBe(300_000);
  expect(after.avg_check_until!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
  expect(await mismatches()).toEqual([]);
});
