/**
 * Distribution throughput (run by `pnpm bench:distribution`, see bench/distribution.ts): a
 * fresh database with 100 cities, 50,000 masters and 10,000 searching orders (points around
 * each city's centre unless --no-distance); N in-process scheduler instances with production
 * settings (batch rounds, the 15 s tick); time until every order is decided (offered, or
 * waiting because every qualifying master is busy, or escalated). A pgbench TPC-B run on a
 * scratch database in the same window gives the machine's ceiling. Prints its figures and
 * cleans up.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseConfig, schedulerSchema } from '@fs/config';
import { createDb, type Db, migrateToLatest, seed } from '@fs/db';
import { createRedis, Queues } from '@fs/queue';
import { sql } from 'kysely';
import { type SchedulerHandle, startScheduler } from '../../src/scheduler';

const PG_ADMIN_URL =
  process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** `--orders 1000 --masters 5000 --no-distance`; env BENCH_* as before. */
function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const CITIES = Number(flag('cities') ?? process.env.BENCH_CITIES ?? 100);
const MASTERS = Number(flag('masters') ?? process.env.BENCH_MASTERS ?? 50_000);
const ORDERS = Number(flag('orders') ?? process.env.BENCH_ORDERS ?? 10_000);
const INSTANCES = Number(flag('instances') ?? process.env.BENCH_INSTANCES ?? 2);
const CONCURRENCY = Number(flag('concurrency') ?? process.env.BENCH_CONCURRENCY ?? 8);
const DISTANCE = !process.argv.includes('--no-distance');
const PGBENCH_SECONDS = Number(flag('pgbench-seconds') ?? 10);
// Batch rounds (issue 12) unless --no-batch (the per-order path).
const BATCH_ORDERS = process.argv.includes('--no-batch')
  ? '1'
  : (flag('batch') ?? process.env.DISTRIBUTION_BATCH_ORDERS ?? '50');
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
  // City g's centre: a 10 × 10 grid, 1.5° of latitude and 3° of longitude apart (100+ km).
  await sql`
    INSERT INTO cities (name, timezone, centroid_lat, centroid_lon)
    SELECT 'Bench ' || g, (${ZONES}::text[])[1 + g % ${ZONES.length}], 44 + (g % 10) * 1.5, 30 + (g / 10 % 10) * 3
    FROM generate_series(1, ${CITIES}) g
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
  // Base points within ~15 km of the city centre (one master in ten without a point).
  if (DISTANCE)
    await sql`
      UPDATE masters m SET base_lat = c.centroid_lat + (random() - 0.5) * 0.27,
        base_lon = c.centroid_lon + (random() - 0.5) * 0.45
      FROM cities c WHERE c.id = m.city_id AND c.name LIKE 'Bench %' AND random() < 0.9
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
  if (DISTANCE)
    await sql`
      UPDATE orders o SET lat = c.centroid_lat + (random() - 0.5) * 0.27, lon = c.centroid_lon + (random() - 0.5) * 0.45,
        geo_precision = 'house', geo_source = 'geocoder'
      FROM cities c WHERE c.id = o.city_id AND o.status = 'searching' AND c.name LIKE 'Bench %'
    `.execute(db);
  // Steady state of a live database (autovacuum has run): statistics and the visibility map,
  // which index-only scans rely on.
  await sql`VACUUM ANALYZE`.execute(db);
}

/**
 * The machine's ceiling in this window: pgbench's TPC-B (5 statements per transaction, the
 * default script) with 8 clients on a scratch database, scale 10.
 */
async function pgbench(): Promise<number> {
  const name = `fs_bench_pgbench_${Date.now()}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  try {
    const u = new URL(dbUrl(name));
    const args = [
      '-h',
      u.hostname,
      '-p',
      u.port || '5432',
      '-U',
      decodeURIComponent(u.username || 'postgres'),
    ];
    execFileSync('pgbench', [...args, '-i', '-q', '-s', '10', name], { stdio: 'ignore' });
    const out = execFileSync(
      'pgbench',
      [...args, '-c', '8', '-j', '2', '-T', String(PGBENCH_SECONDS), name],
      {
        encoding: 'utf8',
      },
    );
    const tps = /tps = ([\d.]+)/.exec(out);
    if (!tps) throw new Error(`pgbench printed no tps: ${out}`);
    return Number(tps[1]);
  } finally {
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
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
    // Production settings (seed defaults): 15 s safety tick, one master per round, batch rounds.
    const ceiling = await timed(`pgbench TPC-B (${PGBENCH_SECONDS} s, scratch database)`, () => pgbench());

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
        DISTRIBUTION_BATCH_ORDERS: BATCH_ORDERS,
      }),
      HTTP_PORT: 0,
      HTTP_HOST: '127.0.0.1',
    };
    for (let i = 0; i < INSTANCES; i++) {
      schedulers.push(
        await startScheduler(config, {
          onJob: (job, outcome, seconds, decided = 0) => {
            if (job === 'tick') return;
            // Each order a run decided waited for that whole run (a batch round decides many).
            for (let i = 0; i < decided; i++) runs.push(seconds * 1000);
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

    const loadBefore = readFileSync('/proc/loadavg', 'utf8').trim();
    const started = performance.now();
    for (const s of schedulers) s.worker.resume();
    let offered = orderIds.length;
    // The database is asked only when the runs say every order got its offer, or every 2 s
    // otherwise: a count over the searching orders 20 times a second would load Postgres too.
    let lastAsked = started;
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      const ranOut = performance.now() - started > TIMEOUT_MS;
      if (runs.length < orderIds.length && performance.now() - lastAsked < 2000 && !ranOut) continue;
      lastAsked = performance.now();
      // Undecided: no offer, no "all busy" verdict of a round, not escalated.
      const { n } = await db
        .selectFrom('orders')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '=', 'searching')
        .where('first_offer_at', 'is', null)
        .where('dist_busy_at', 'is', null)
        .where('escalated_logist_at', 'is', null)
        .executeTakeFirstOrThrow();
      if (Number(n) === 0) break;
      if (ranOut) {
        offered = orderIds.length - Number(n);
        console.log(`  TIMED OUT after ${TIMEOUT_MS / 1000} s: ${n} orders still undecided`);
        break;
      }
    }
    const seconds = (performance.now() - started) / 1000;

    const loadAfter = readFileSync('/proc/loadavg', 'utf8').trim();
    const check = await sql<{
      orders: number;
      offers: number;
      masters: number;
      double: number;
      waiting: number;
    }>`
      SELECT (SELECT count(*) FROM orders WHERE first_offer_at IS NOT NULL AND status = 'searching')::int AS orders,
        (SELECT count(*) FROM orders WHERE first_offer_at IS NULL AND status = 'searching')::int AS waiting,
        (SELECT count(*) FROM offers)::int AS offers,
        (SELECT count(DISTINCT master_id) FROM offers)::int AS masters,
        (SELECT count(*) FROM (SELECT master_id FROM offers GROUP BY 1 HAVING count(*) > 1) x)::int AS double
    `.execute(db);
    runs.sort((a, b) => a - b);
    console.log('');
    const rate = offered / seconds;
    console.log(
      `  ${offered} orders decided in ${seconds.toFixed(2)} s → ${rate.toFixed(0)} orders/s ` +
        `(${check.rows[0]!.orders} offered, ${check.rows[0]!.waiting} waiting for a busy master or escalated)`,
    );
    console.log(
      `  per order (the run that decided it, transaction + enqueue after commit): p50 ${percentile(runs, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(runs, 99).toFixed(1)} ms, max ${runs[runs.length - 1]?.toFixed(1)} ms (${runs.length} orders)`,
    );
    console.log(
      `  same-run ceiling: pgbench TPC-B ${ceiling.toFixed(0)} tps → distribution at ${((rate / ceiling) * 100).toFixed(0)} % of it`,
    );
    console.log(`  /proc/loadavg before: ${loadBefore}; after: ${loadAfter}`);
    console.log(`  distance: ${DISTANCE ? 'points on 90 % of masters and every order' : 'off (no points)'}`);
    console.log(`  outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
    console.log(
      `  check: ${JSON.stringify(check.rows[0])} (offers = orders; double = masters offered twice)`,
    );
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
