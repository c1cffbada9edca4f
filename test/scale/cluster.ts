/**
 * A whole cluster in one process for scale checks: N distribution-scheduler replicas and M
 * notifications-sender replicas (each with its own Postgres pool, Redis connections and BullMQ
 * workers, exactly as separate containers would have) on one Postgres and one Redis, against
 * the fake Telegram Bot API. Seeds cities, masters on shift and searching orders, wakes every
 * order through every scheduler replica (so they race), and waits until every order has its
 * offer and every push is delivered. Used by test/scale/cluster.test.ts and bench/scale.ts.
 */
import { parseConfig, schedulerSchema, senderSchema } from '@fs/config';
import type { Db } from '@fs/db';
import { type FakeCall, FakeTelegram } from '@fs/testkit';
import { sql } from 'kysely';
import { type SchedulerHandle, startScheduler } from '../../services/distribution-scheduler/src/scheduler';
import { type SenderHandle, startSender } from '../../services/notifications-sender/src/sender';

export const MASTER_TOKEN = '111111:scale-master-token';
export const ADMIN_TOKEN = '222222:scale-admin-token';

export interface ClusterOptions {
  dbUrl: string;
  db: Db;
  redisUrl: string;
  redisPrefix: string;
  schedulers: number;
  senders: number;
  orders: number;
  cities?: number;
  mastersPerCity?: number;
  timeoutMs?: number;
}

export interface ClusterResult {
  orders: number;
  seconds: number;
  ordersPerSecond: number;
  pushesPerSecond: number;
  /** Orders with more than one offer (offers per round is 1 and nobody answers). */
  doubleOffers: number;
  /** Offers to the same master for the same order (the schema forbids it; counted anyway). */
  repeatedMasterOffers: number;
  /** new_offer outbox rows not in status sent. */
  unsent: number;
  /** Pushes Telegram received more than once (same chat, same order). */
  duplicateSends: number;
  /** Pushes Telegram received in all. */
  pushes: number;
  /** Job Scheduler ids registered in Redis for the distribution queue (must be one each). */
  jobSchedulers: string[];
}

const ORDER_IN_PUSH = /Новый заказ #(\d+)/;

/**
 * Cities with masters on shift and `orders` searching orders (offers per round 1, a long SLA so
 * no offer expires: every order gets exactly one offer). Returns the new orders' ids.
 */
export async function seedWorld(
  db: Db,
  cities: number,
  mastersPerCity: number,
  orders: number,
): Promise<number[]> {
  const ids: number[] = [];
  // A long SLA so no offer expires during the run: every order gets exactly one offer.
  for (const [key, value] of Object.entries({
    distribution_offers_per_round: 1,
    distribution_sla_seconds: 3600,
    distribution_tick_seconds: 600,
    max_active_orders: 1000,
  })) {
    await db
      .updateTable('settings')
      .set({ value: JSON.stringify(value) })
      .where('key', '=', key)
      .execute();
  }
  for (let c = 0; c < cities; c++) {
    const city = await db
      .insertInto('cities')
      .values({
        name: `Scale ${c} ${Date.now()}`,
        timezone: 'Europe/Moscow',
        working_hours_start: '00:00',
        working_hours_end: '00:00',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`
      WITH m AS (
        INSERT INTO masters (tg_user_id, full_name, city_id, moderation_status, verified, shift_status, rating, has_vehicle)
        SELECT ${city.id}::bigint * 100000 + g, 'Мастер ' || g, ${city.id}, 'approved', true, 'on', 3 + (g % 20) / 10.0, false
        FROM generate_series(1, ${mastersPerCity}::int) g
        RETURNING id
      )
      INSERT INTO master_skills (master_id, skill_code) SELECT id, 'electrics' FROM m
    `.execute(db);
    const share = Math.floor(orders / cities) + (c < orders % cities ? 1 : 0);
    const { rows } = await sql<{ id: number }>`
      INSERT INTO orders (city_id, category, status, description)
      SELECT ${city.id}, 'electrics', 'searching', 'Заказ ' || g FROM generate_series(1, ${share}::int) g
      RETURNING id
    `.execute(db);
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

export interface OfferCounts {
  /** Orders with more than one offer (offers per round is 1 and nobody answers). */
  doubleOffers: number;
  /** Offers to the same master for the same order (the schema forbids it; counted anyway). */
  repeatedMasterOffers: number;
  /** new_offer outbox rows not in status sent. */
  unsent: number;
}

/** Double offers and undelivered pushes in the whole database. */
export async function offerCounts(db: Db): Promise<OfferCounts> {
  return {
    doubleOffers: await count(
      db,
      sql<{
        n: string;
      }>`SELECT count(*) AS n FROM (SELECT order_id FROM offers GROUP BY order_id HAVING count(*) > 1) x`,
    ),
    repeatedMasterOffers: await count(
      db,
      sql<{
        n: string;
      }>`SELECT count(*) AS n FROM (SELECT 1 FROM offers GROUP BY order_id, master_id HAVING count(*) > 1) x`,
    ),
    unsent: await count(
      db,
      sql<{
        n: string;
      }>`SELECT count(*) AS n FROM notifications_outbox WHERE event = 'new_offer' AND status <> 'sent'`,
    ),
  };
}

/**
 * Pushes per (chat, order) among successful sendMessage calls; `orders` limits it to those orders.
 * `duplicateSends` counts the pairs Telegram received more than once.
 */
export function pushCounts(
  calls: readonly FakeCall[],
  orders?: ReadonlySet<number>,
): { perPush: Map<string, number>; duplicateSends: number; pushes: number } {
  const perPush = new Map<string, number>();
  for (const call of calls) {
    if (call.method !== 'sendMessage' || !call.response?.ok) continue;
    const m = ORDER_IN_PUSH.exec(String((call.params as { text?: unknown }).text ?? ''));
    if (!m || (orders && !orders.has(Number(m[1])))) continue;
    const key = `${String((call.params as { chat_id?: unknown }).chat_id)}:${m[1]}`;
    perPush.set(key, (perPush.get(key) ?? 0) + 1);
  }
  const counts = [...perPush.values()];
  return {
    perPush,
    duplicateSends: counts.filter((n) => n > 1).length,
    pushes: counts.reduce((a, b) => a + b, 0),
  };
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const count = async (db: Db, query: ReturnType<typeof sql<{ n: string }>>) =>
  Number((await query.execute(db)).rows[0]?.n ?? 0);

export async function runCluster(opts: ClusterOptions): Promise<ClusterResult> {
  const { db } = opts;
  const cities = opts.cities ?? 4;
  const mastersPerCity = opts.mastersPerCity ?? 100;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  await seedWorld(db, cities, mastersPerCity, opts.orders);

  const tg = new FakeTelegram();
  const apiRoot = await tg.start();
  const pushes: FakeCall[] = [];
  tg.onCall((call) => {
    if (call.method === 'sendMessage' && call.response?.ok) pushes.push(call);
  });
  const env = {
    DATABASE_URL: opts.dbUrl,
    DATABASE_POOL_SIZE: '10',
    REDIS_URL: opts.redisUrl,
    REDIS_PREFIX: opts.redisPrefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LOG_PRETTY: 'false',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    TELEGRAM_API_ROOT: apiRoot,
    MASTER_BOT_TOKEN: MASTER_TOKEN,
    ADMIN_BOT_TOKEN: ADMIN_TOKEN,
    SETTINGS_CACHE_MS: '0',
    OUTBOX_RELAY_INTERVAL_MS: '1000',
    DISTRIBUTION_CONCURRENCY: '8',
    // The fake has no rate limit here: this measures the cluster, not Telegram's 30/s.
    SENDER_RATE_PER_SECOND: '1000',
    SENDER_CONCURRENCY: '20',
    SENDER_PER_CHAT_INTERVAL_MS: '0',
  };

  const schedulers: SchedulerHandle[] = [];
  const senders: SenderHandle[] = [];
  try {
    for (let i = 0; i < opts.schedulers; i++) {
      schedulers.push(await startScheduler(parseConfig('distribution-scheduler', schedulerSchema, env)));
    }
    for (let i = 0; i < opts.senders; i++) {
      senders.push(
        await startSender(parseConfig('notifications-sender', senderSchema, env), { listen: false }),
      );
    }
    const orderIds = (
      await db.selectFrom('orders').select('id').where('status', '=', 'searching').execute()
    ).map((o) => o.id);
    const started = performance.now();
    // Every replica's producer wakes every order: the workers really race for the same orders.
    await Promise.all(schedulers.map((s) => s.base.queues.wakeOrders(orderIds, 'created')));

    await waitUntil(
      async () =>
        (await count(
          db,
          sql<{ n: string }>`SELECT count(*) AS n FROM orders WHERE first_offer_at IS NULL`,
        )) === 0,
      timeoutMs,
      'every order to get its offer',
    );
    await waitUntil(
      async () =>
        (await count(
          db,
          sql<{
            n: string;
          }>`SELECT count(*) AS n FROM notifications_outbox WHERE event = 'new_offer' AND status <> 'sent'`,
        )) === 0,
      timeoutMs,
      'every push to be delivered',
    );
    const seconds = (performance.now() - started) / 1000;
    // A moment for any late duplicate to show up before counting.
    await new Promise((r) => setTimeout(r, 500));

    const sent = pushCounts(pushes);
    const jobSchedulers = (await schedulers[0]!.base.queues.distribution.getJobSchedulers()).map(
      (s) => s.key,
    );
    return {
      orders: orderIds.length,
      seconds,
      ordersPerSecond: orderIds.length / seconds,
      pushesPerSecond: sent.perPush.size / seconds,
      ...(await offerCounts(db)),
      duplicateSends: sent.duplicateSends,
      pushes: sent.pushes,
      jobSchedulers,
    };
  } finally {
    await Promise.all([...senders.map((s) => s.stop()), ...schedulers.map((s) => s.stop())]);
    await tg.stop();
  }
}
