/**
 * Distribution throughput (run by `pnpm bench:distribution`, see bench/distribution.ts): a
 * fresh database with 100 cities, 50,000 masters and 10,000 searching orders; N in-process
 * scheduler instances; time until every order has its first offer. Prints its figures and
 * cleans up.
 */
import { parseConfig, schedulerSchema } from '@fs/config';
import { createDb, type Db, migrateToLatest, seed, writeSetting } from '@fs/db';
import { createRedis, Queues } from '@fs/queue';
import { sql } from 'kysely';
import { type SchedulerHandle, startScheduler } from '../../src/scheduler';

const PG_ADMIN_URL =
  process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CITIES = Number(process.env.BENCH_CITIES ?? 100);
const MASTERS = Number(process.env.BENCH_MASTERS ?? 50_000);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 10_000);
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const POOL = Number(process.env.BENCH_POOL ?? CONCURRENCY + 4);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 120_000);
/** Share of masters on shift: the candidate query scans a city's on-shift masters per order. */
const ON_SHIFT = Number(process.env.BENCH_ON_SHIFT ?? 0.9);

const ZONES = [
  'Europe/Kaliningrad',
  'Europe/Moscow',
  'Europe/Samara',
  'Asia/Yekaterinburg',
  'Asia/Omsk',
  'Asia/Novosibirsk',
  'Asia/Krasnoyarsk',
  'Asia/Irkutsk',
  'Asia/Yakutsk',
  'Asia/Vladivostok',
];

/** CREATE/DROP DATABASE on the maintenance database (outside any transaction). */
async function adminQuery(statement: string): Promise<void> {
  const admin = createDb(PG_ADMIN_URL, { poolSize: 1, applicationName: 'bench-admin' });
  try {
    await sql.raw(statement).execute(admin);
  } finally {
    await admin.destroy();
  }
}

function dbUrl(name: string): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const v = await fn();
  console.log(`  ${label}: ${((performance.now() - t) / 1000).toFixed(2)} s`);
  return v;
}

async function populate(db: Db): Promise<void> {
  await sql`
    INSERT INTO cities (name, timezone)
    SELECT 'Bench ' || g, (${ZONES}::text[])[1 + g % ${ZONES.length}] FROM generate_series(1, ${CITIES}) g
  `.execute(db);
  await sql`
    INSERT INTO districts (city_id, name)
    SELECT c.id, 'Район ' || d FROM cities c, generate_series(1, 5) d WHERE c.name LIKE 'Bench %'
  `.execute(db);
  // Masters spread evenly over the cities; BENCH_ON_SHIFT of them on shift, two skills each, one or two districts.
  await sql`
    WITH c AS (SELECT array_agg(id ORDER BY id) AS ids FROM cities WHERE name LIKE 'Bench %')
    INSERT INTO masters (tg_user_id, full_name, city_id, moderation_status, verified, shift_status, rating, has_vehicle)
    SELECT 7000000000 + g, 'Мастер ' || g, c.ids[1 + g % ${CITIES}], 'approved', true,
      CASE WHEN random() < ${ON_SHIFT}::float8 THEN 'on'::shift_status ELSE 'off'::shift_status END,
      round((3.5 + random() * 1.5)::numeric, 2), random() < 0.3
    FROM generate_series(1, ${MASTERS}) g, c
  `.execute(db);
  await sql`
    INSERT INTO master_skills (master_id, skill_code)
    SELECT m.id, (enum_range(NULL::category))[1 + floor(random() * 6)::int] FROM masters m, generate_series(1, 2)
    ON CONFLICT DO NOTHING
  `.execute(db);
  await sql`
    INSERT INTO master_districts (master_id, district_id)
    SELECT m.id, d.ids[1 + floor(random() * array_length(d.ids, 1))::int]
    FROM masters m
    JOIN (SELECT city_id, array_agg(id ORDER BY id) AS ids FROM districts GROUP BY city_id) d ON d.city_id = m.city_id,
      generate_series(1, 2)
    ON CONFLICT DO NOTHING
  `.execute(db);
  // History that feeds the average check (closed orders of the last week).
  await sql`
    WITH ms AS (SELECT array_agg(id) AS ids FROM masters)
    INSERT INTO orders (city_id, category, status, assigned_master_id, total_amount_kopecks, closed_at, created_at)
    SELECT m.city_id, 'electrics', 'closed', m.id, (200000 + random() * 1500000)::bigint,
      now() - random() * interval '7 days', now() - interval '8 days'
    FROM ms CROSS JOIN generate_series(1, ${Math.floor(MASTERS / 2)}) g
    JOIN masters m ON m.id = ms.ids[1 + (g * 7919) % array_length(ms.ids, 1)]
  `.execute(db);
  await sql`
    WITH c AS (SELECT array_agg(id ORDER BY id) AS ids FROM cities WHERE name LIKE 'Bench %')
    INSERT INTO orders (city_id, district_id, category, status, description, street)
    SELECT c.ids[1 + g % ${CITIES}],
      CASE WHEN g % 10 < 7 THEN (SELECT d.id FROM districts d WHERE d.city_id = c.ids[1 + g % ${CITIES}]
        ORDER BY d.id OFFSET (g / ${CITIES}) % 5 LIMIT 1) END,
      (enum_range(NULL::category))[1 + (g / ${CITIES}) % 6], 'searching', 'Заказ ' || g, 'Ленина'
    FROM generate_series(1, ${ORDERS}) g, c
  `.execute(db);
  // Steady state of a live database (autovacuum has run): statistics and the visibility map,
  // which index-only scans rely on.
  await sql`VACUUM ANALYZE`.execute(db);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runDistributionBench(): Promise<void> {
  const name = `fs_bench_${Date.now()}`;
  const prefix = `{bench-${Date.now().toString(36)}}`;
  console.log(
    `distribution bench: ${CITIES} cities, ${MASTERS} masters, ${ORDERS} orders; ` +
      `${Math.round(ON_SHIFT * 100)} % on shift; ${INSTANCES} scheduler instance(s) × concurrency ${CONCURRENCY}`,
  );
  await adminQuery(`CREATE DATABASE "${name}"`);
  const db = createDb(dbUrl(name), { poolSize: 4, applicationName: 'bench' });
  const schedulers: SchedulerHandle[] = [];
  const redis = createRedis(REDIS_URL);
  const queues = new Queues({ connection: redis, prefix });
  try {
    await timed('migrate + seed', async () => {
      await migrateToLatest(db);
      await seed(db);
    });
    await timed('populate', () => populate(db));
    await writeSetting(db, 'distribution_tick_seconds', 600, null);
    await writeSetting(db, 'distribution_offers_per_round', 1, null);

    const runs: number[] = [];
    const outcomes = new Map<string, number>();
    const config = {
      ...parseConfig('distribution-scheduler', schedulerSchema, {
        DATABASE_URL: dbUrl(name),
        DATABASE_POOL_SIZE: String(POOL),
        REDIS_URL,
        REDIS_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        LOG_PRETTY: 'false',
        DISTRIBUTION_CONCURRENCY: String(CONCURRENCY),
      }),
      HTTP_PORT: 0,
      HTTP_HOST: '127.0.0.1',
    };
    for (let i = 0; i < INSTANCES; i++) {
      schedulers.push(
        await startScheduler(config, {
          onJob: (job, outcome, seconds) => {
            if (job === 'tick') return;
            runs.push(seconds * 1000);
            outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          },
        }),
      );
    }
    await Promise.all(schedulers.map((s) => s.worker.pause()));

    const orderIds = (
      await db.selectFrom('orders').select('id').where('status', '=', 'searching').orderBy('id').execute()
    ).map((o) => o.id);
    await timed(`enqueue ${orderIds.length} wake-ups`, async () => {
      for (let i = 0; i < orderIds.length; i += 1000)
        await queues.wakeOrders(orderIds.slice(i, i + 1000), 'bench');
    });

    const started = performance.now();
    for (const s of schedulers) s.worker.resume();
    let offered = orderIds.length;
    // The database is asked only when the runs say every order got its offer, or every 2 s
    // otherwise: a count over the searching orders 20 times a second would load Postgres too.
    let lastAsked = started;
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      const ranOut = performance.now() - started > TIMEOUT_MS;
      if ((outcomes.get('offered') ?? 0) < orderIds.length && performance.now() - lastAsked < 2000 && !ranOut)
        continue;
      lastAsked = performance.now();
      const { n } = await db
        .selectFrom('orders')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '=', 'searching')
        .where('first_offer_at', 'is', null)
        .executeTakeFirstOrThrow();
      if (Number(n) === 0) break;
      if (ranOut) {
        offered = orderIds.length - Number(n);
        console.log(`  TIMED OUT after ${TIMEOUT_MS / 1000} s: ${n} orders still without an offer`);
        break;
      }
    }
    const seconds = (performance.now() - started) / 1000;

    const check = await sql<{ orders: number; offers: number; masters: number; double: number }>`
      SELECT (SELECT count(*) FROM orders WHERE first_offer_at IS NOT NULL AND status = 'searching')::int AS orders,
        (SELECT count(*) FROM offers)::int AS offers,
        (SELECT count(DISTINCT master_id) FROM offers)::int AS masters,
        (SELECT count(*) FROM (SELECT master_id FROM offers GROUP BY 1 HAVING count(*) > 1) x)::int AS double
    `.execute(db);
    runs.sort((a, b) => a - b);
    console.log('');
    console.log(
      `  ${offered} orders offered in ${seconds.toFixed(2)} s → ${(offered / seconds).toFixed(0)} orders/s`,
    );
    console.log(
      `  per-order run (transaction + enqueue after commit): p50 ${percentile(runs, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(runs, 99).toFixed(1)} ms, max ${runs[runs.length - 1]?.toFixed(1)} ms (${runs.length} runs)`,
    );
    console.log(`  outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
    console.log(
      `  check: ${JSON.stringify(check.rows[0])} (offers = orders; double = masters offered twice)`,
    );
    const [load1] = (await import('node:os')).loadavg();
    console.log(`  machine load average (1 min) at the end: ${load1?.toFixed(2)}`);
  } finally {
    await Promise.all(schedulers.map((s) => s.stop()));
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await queues.close();
    redis.disconnect();
    await db.destroy();
    if (process.env.BENCH_KEEP_DB) console.log(`  kept database ${name}`);
    else await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}
