/**
 * Batch rounds with several scheduler replicas (issue 12): 2,000 orders, fewer free slots than
 * orders. The safety tick is 600 s, so everything below happens through wake-ups alone: every
 * free slot gets an order, no master goes over their limit, no order holds two offers; masters
 * coming on shift later take the orders that were left waiting.
 */

import { startShift } from '@fs/dispatch';
import { createCity, type DispatchTestEnv, setSettings, setupDispatchEnv } from '@fs/dispatch/test/fixtures';
import { sql } from 'kysely';
import type { SchedulerHandle } from '../../services/distribution-scheduler/src/scheduler';
import { eventually, startTestScheduler } from '../../services/distribution-scheduler/test/helpers';

const CITIES = 4;
const ORDERS_PER_CITY = 500;
/** On shift per city: a quarter with a limit of 2, so 375 slots per city, 1,500 in all. */
const ON_SHIFT = 300;
/** Off shift per city with a limit of 5, coming on later: 125 more slots per city, one per waiting order. */
const LATER = 25;

let env: DispatchTestEnv;
const schedulers: SchedulerHandle[] = [];

beforeEach(async () => {
  env = await setupDispatchEnv();
  await setSettings(env.db, {
    distribution_tick_seconds: 600,
    distribution_offers_per_round: 1,
    distribution_sla_seconds: 3600,
  });
});
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
  await env.close();
});

async function populate(): Promise<number[]> {
  for (let c = 0; c < CITIES; c++) {
    const { cityId } = await createCity(env.db);
    await sql`
      WITH m AS (
        INSERT INTO masters (tg_user_id, full_name, city_id, moderation_status, verified, shift_status, rating,
          has_vehicle, max_active_orders_override)
        SELECT ${cityId}::bigint * 100000 + g, 'Мастер ' || g, ${cityId}, 'approved', true,
          CASE WHEN g <= ${ON_SHIFT}::int THEN 'on'::shift_status ELSE 'off'::shift_status END,
          3 + (g % 20) / 10.0, g % 3 = 0,
          CASE WHEN g > ${ON_SHIFT}::int THEN 5 WHEN g % 4 = 0 THEN 2 END
        FROM generate_series(1, ${ON_SHIFT + LATER}::int) g
        RETURNING id
      )
      INSERT INTO master_skills (master_id, skill_code) SELECT id, 'electrics' FROM m
    `.execute(env.db);
    await sql`
      INSERT INTO orders (city_id, category, status, description)
      SELECT ${cityId}, 'electrics', 'searching', 'Заказ ' || g FROM generate_series(1, ${ORDERS_PER_CITY}::int) g
    `.execute(env.db);
  }
  return (await env.db.selectFrom('orders').select('id').where('status', '=', 'searching').execute()).map(
    (o) => o.id,
  );
}

/** No order job waiting, running or due for a retry (expiry jobs wait for the SLA, an hour). */
async function drained(): Promise<boolean> {
  const q = env.queues.distribution;
  if ((await q.getJobCountByTypes('waiting', 'active', 'prioritized')) > 0) return false;
  return (await q.getDelayed()).every((j) => j.name !== 'order');
}

async function count(query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  return (await query.execute(env.db)).rows[0]!.n;
}

/** Masters on shift with a free slot under their limit (open offers count against it). */
const freeSlots = () =>
  count(sql<{ n: number }>`
    SELECT coalesce(sum(coalesce(m.max_active_orders_override, 1) - (SELECT count(*) FROM offers f
      WHERE f.master_id = m.id AND f.state IN ('sent', 'viewed'))), 0)::int AS n
    FROM masters m WHERE m.shift_status = 'on'`);
const offeredOrders = () =>
  count(
    sql<{
      n: number;
    }>`SELECT count(DISTINCT order_id)::int AS n FROM offers WHERE state IN ('sent', 'viewed')`,
  );

async function assertInvariants() {
  const overLimit = await sql`
    SELECT m.id FROM masters m
    WHERE (SELECT count(*) FROM offers f WHERE f.master_id = m.id AND f.state IN ('sent', 'viewed'))
      > coalesce(m.max_active_orders_override, 1)`.execute(env.db);
  expect(overLimit.rows).toEqual([]);
  const twice = await sql`
    SELECT order_id FROM offers WHERE state IN ('sent', 'viewed') GROUP BY order_id HAVING count(*) > 1`.execute(
    env.db,
  );
  expect(twice.rows).toEqual([]);
  const offSeen = await sql`
    SELECT f.id FROM offers f JOIN masters m ON m.id = f.master_id WHERE m.shift_status <> 'on'`.execute(
    env.db,
  );
  expect(offSeen.rows).toEqual([]);
}

it.each([2, 3])(
  '%i schedulers in batch mode, 2,000 orders: every free slot used, nobody over limit, later masters take the rest',
  async (replicas) => {
    const orderIds = await populate();
    expect(orderIds).toHaveLength(CITIES * ORDERS_PER_CITY);
    for (let i = 0; i < replicas; i++)
      schedulers.push(
        await startTestScheduler(env, { DISTRIBUTION_CONCURRENCY: '8', DISTRIBUTION_BATCH_ORDERS: '50' }),
      );
    // Every order woken through every replica's producer, so the replicas race for the same orders.
    await Promise.all(schedulers.map((s) => s.base.queues.wakeOrders(orderIds, 'created')));

    const slots = CITIES * (ON_SHIFT + ON_SHIFT / 4);
    await eventually(async () => (await offeredOrders()) === slots, 60_000, 'every free slot offered');
    await eventually(drained, 60_000, 'the queue drained');
    expect(await offeredOrders()).toBe(slots);
    expect(await freeSlots()).toBe(0);
    await assertInvariants();

    // Masters coming on shift take the orders left waiting (no tick: the shift start wakes them).
    const later = await sql<{ id: number }>`SELECT id FROM masters WHERE shift_status = 'off'`.execute(
      env.db,
    );
    await Promise.all(later.rows.map((m) => startShift(schedulers[0]!.deps, m.id)));
    await eventually(async () => (await offeredOrders()) === orderIds.length, 60_000, 'every order offered');
    await eventually(drained, 60_000, 'the queue drained');
    expect(await freeSlots()).toBe(0);
    await assertInvariants();
  },
  150_000,
);
