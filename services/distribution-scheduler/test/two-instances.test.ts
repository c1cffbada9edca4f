import { createCity, type DispatchTestEnv, setSettings, setupDispatchEnv } from '@fs/dispatch/test/fixtures';
import { sql } from 'kysely';
import type { SchedulerHandle } from '../src/scheduler';
import { eventually, startTestScheduler } from './helpers';

let env: DispatchTestEnv;
const schedulers: SchedulerHandle[] = [];

beforeAll(async () => {
  env = await setupDispatchEnv();
  await setSettings(env.db, { distribution_tick_seconds: 600, distribution_offers_per_round: 1 });
});
afterAll(async () => {
  await Promise.all(schedulers.map((s) => s.stop()));
  await env.close();
});

it('two scheduler instances consuming one queue on 200 orders make exactly one offer per order, never the same order twice to a master', async () => {
  const cities = [await createCity(env.db), await createCity(env.db)];
  for (const { cityId } of cities) {
    await sql`
      WITH m AS (
        INSERT INTO masters (tg_user_id, full_name, city_id, moderation_status, verified, shift_status, rating, has_vehicle)
        SELECT ${cityId}::bigint * 100000 + g, 'Мастер ' || g, ${cityId}, 'approved', true, 'on', 3 + (g % 20) / 10.0, g % 3 = 0
        FROM generate_series(1, 150) g
        RETURNING id
      )
      INSERT INTO master_skills (master_id, skill_code) SELECT id, 'electrics' FROM m
    `.execute(env.db);
    await sql`
      INSERT INTO orders (city_id, category, status, description)
      SELECT ${cityId}, 'electrics', 'searching', 'Заказ ' || g FROM generate_series(1, 100) g
    `.execute(env.db);
  }
  const orderIds = (
    await env.db.selectFrom('orders').select('id').where('status', '=', 'searching').execute()
  ).map((o) => o.id);
  expect(orderIds).toHaveLength(200);

  schedulers.push(
    await startTestScheduler(env, { DISTRIBUTION_CONCURRENCY: '8' }),
    await startTestScheduler(env, { DISTRIBUTION_CONCURRENCY: '8' }),
  );
  // Every order woken through both instances' producers, plus expiry-style jobs that bypass the
  // per-order deduplication, so both workers really race for the same orders.
  await Promise.all([
    schedulers[0]!.base.queues.wakeOrders(orderIds, 'created'),
    schedulers[1]!.base.queues.wakeOrders(orderIds, 'created'),
    env.queues.distribution.addBulk(
      orderIds.map((orderId) => ({ name: 'offer-expiry', data: { orderId, reason: 'race' } })),
    ),
  ]);

  await eventually(
    async () => {
      const { n } = await env.db
        .selectFrom('orders')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('first_offer_at', 'is not', null)
        .executeTakeFirstOrThrow();
      return Number(n) === 200;
    },
    60_000,
    'every order offered',
  );
  // Let the remaining duplicate jobs drain; none may add an offer.
  await eventually(
    async () => (await env.queues.distribution.getJobCountByTypes('waiting', 'active', 'prioritized')) === 0,
  );

  const perOrder = await sql<{ order_id: number; n: number }>`
    SELECT order_id, count(*)::int AS n FROM offers GROUP BY order_id HAVING count(*) <> 1
  `.execute(env.db);
  expect(perOrder.rows).toEqual([]);
  const pairs = await sql`SELECT order_id, master_id FROM offers GROUP BY 1, 2 HAVING count(*) > 1`.execute(
    env.db,
  );
  expect(pairs.rows).toEqual([]);
  const rounds = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM orders WHERE dist_rounds_used <> 1`.execute(env.db);
  expect(rounds.rows[0]!.n).toBe(0);
  const pushes = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM notifications_outbox WHERE event = 'new_offer'`.execute(env.db);
  expect(pushes.rows[0]!.n).toBe(200);
  // Both instances ran on the same queue the whole time, and no job failed (a lock conflict
  // between them would fail a job). How the work split between them is timing: with batch rounds
  // (one round per city at a time) one instance may legitimately make every offer, so the test
  // asserts only that together they made each offer once.
  for (const s of schedulers) expect(s.worker.isRunning()).toBe(true);
  expect(await env.queues.distribution.getWorkersCount()).toBe(2);
  expect(await env.queues.distribution.getJobCountByTypes('failed')).toBe(0);
  const sent = await Promise.all(
    schedulers.map(async (s) => {
      const text = await s.base.registry.getSingleMetricAsString('fs_distribution_offers_total');
      return Number(/outcome="sent"[^}]*} (\d+)/.exec(text)?.[1] ?? 0);
    }),
  );
  expect(sent[0]! + sent[1]!).toBe(200);
});
