/**
 * Notifications sender throughput, run by `pnpm bench:sender` (bench/sender.ts). It lives here
 * so that it resolves the sender's own dependencies. Prints figures; not a test.
 *
 * 1. limited:   a fake Bot API answering 429 above 30 msg/s per token, the sender's limiter at
 *               its default → throughput as % of 30 msg/s and the number of 429s.
 * 2. unlimited: no limit at the fake, limiter raised far above 1000/s in one process → msg/s.
 *
 * Real Postgres and Redis (TEST_PG_URL / TEST_REDIS_URL); a throwaway database and key prefix.
 * Env: BENCH_LIMITED_N (default 1500), BENCH_UNLIMITED_N (default 10000),
 *      BENCH_LIMITED_RATE (override SENDER_RATE_PER_SECOND for scenario 1).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseConfig, type SenderConfig, senderSchema } from '@fs/config';
import { createDb, type Db, migrateToLatest, seed } from '@fs/db';
import { createLogger } from '@fs/observability';
import { createRedis } from '@fs/queue';
import { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from '@fs/testkit';
import { sql } from 'kysely';
import { startSender } from '../../src/sender';

const TELEGRAM_LIMIT = 30;

async function admin(statement: string): Promise<void> {
  const db = createDb(TEST_PG_ADMIN_URL, { poolSize: 1 });
  try {
    await sql.raw(statement).execute(db);
  } finally {
    await db.destroy();
  }
}

async function createBenchDb(): Promise<{ url: string; db: Db; drop(): Promise<void> }> {
  const name = `fs_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}"`);
  const u = new URL(TEST_PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const db = createDb(u.toString(), { poolSize: 5 });
  await migrateToLatest(db);
  await seed(db);
  return {
    url: u.toString(),
    db,
    async drop() {
      await db.destroy();
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** `n` masters, orders, open offers and their pending new_offer rows; returns the outbox ids. */
async function seedPushes(db: Db, n: number, tag: string): Promise<number[]> {
  const offset = tag === 'limited' ? 1_000_000_000 : 1_500_000_000;
  await sql`
    WITH city AS (SELECT id FROM cities WHERE name = 'Москва'),
    m AS (
      INSERT INTO masters (tg_user_id, full_name, city_id, moderation_status, verified, shift_status)
      SELECT ${offset}::bigint + g, 'Мастер ' || g, (SELECT id FROM city), 'approved', true, 'on'
      FROM generate_series(1, ${n}::int) g RETURNING id
    ),
    mm AS (SELECT id, row_number() OVER (ORDER BY id) rn FROM m),
    o AS (
      INSERT INTO orders (city_id, category, description, status, is_asap)
      SELECT (SELECT id FROM city), 'electrics', 'Бенчмарк ' || g, 'searching', true
      FROM generate_series(1, ${n}::int) g RETURNING id
    ),
    oo AS (SELECT id, row_number() OVER (ORDER BY id) rn FROM o),
    f AS (
      INSERT INTO offers (order_id, master_id, round_number, state, expires_at)
      SELECT oo.id, mm.id, 1, 'sent', now() + interval '1 hour' FROM oo JOIN mm USING (rn)
      RETURNING id, order_id, master_id, expires_at
    )
    INSERT INTO notifications_outbox (bot, event, master_id, order_id, offer_id, payload, dedup_key)
    SELECT 'master', 'new_offer', f.master_id, f.order_id, f.id,
      jsonb_build_object(
        'order_id', f.order_id, 'offer_id', f.id, 'expires_at', f.expires_at,
        'city', 'Москва', 'timezone', 'Europe/Moscow', 'district', 'ЦАО', 'street', null,
        'category', 'electrics', 'description', 'Бенчмарк', 'timeslot_start', null, 'timeslot_end', null,
        'is_asap', true, 'type', 'normal'),
      ${`bench-${tag}-`}::text || f.id
    FROM f
  `.execute(db);
  const rows = await db
    .selectFrom('notifications_outbox')
    .select('id')
    .where('dedup_key', 'like', `bench-${tag}-%`)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

interface FakeStats {
  at: number[];
  rateLimited: number;
}

/** Starts the fake Bot API in a child process; `stats()` fetches what it accepted. */
async function startFake(
  limit: number | null,
): Promise<{ url: string; stats(): Promise<FakeStats>; stop(): void }> {
  const child: ChildProcess = fork(
    join(__dirname, 'fake-process.ts'),
    [limit === null ? 'none' : String(limit)],
    {
      execArgv: process.execArgv,
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url));
    child.once('error', reject);
  });
  return {
    url,
    stats: () =>
      new Promise<FakeStats>((resolve) => {
        child.once('message', (m) => resolve(m as FakeStats));
        child.send('stats');
      }),
    stop: () => child.send('exit'),
  };
}

async function runScenario(p: {
  name: string;
  dbUrl: string;
  db: Db;
  prefix: string;
  n: number;
  fakeLimit: number | null;
  env: Record<string, string>;
  rateOverride?: number;
}): Promise<{ perSecond: number; seconds: number; rateLimited: number; delivered: number }> {
  const api = await startFake(p.fakeLimit);
  const parsed = parseConfig('bench', senderSchema, {
    DATABASE_URL: p.dbUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: p.prefix,
    MASTER_BOT_TOKEN: '111111:bench-master-token',
    ADMIN_BOT_TOKEN: '222222:bench-admin-token',
    TELEGRAM_API_ROOT: api.url,
    LOG_LEVEL: 'error',
    ...p.env,
  });
  // The config caps the rate at 1000/s (Telegram's paid-broadcast limit); the bench goes past it.
  const config: SenderConfig = p.rateOverride
    ? { ...parsed, SENDER_RATE_PER_SECOND: p.rateOverride }
    : parsed;
  const ids = await seedPushes(p.db, p.n, p.name);
  const sender = await startSender(config, {
    listen: false,
    relay: false,
    logger: createLogger({ service: 'bench', level: 'error', pretty: false }),
  });
  const queues = sender.base.queues;
  const started = Date.now();
  for (let i = 0; i < ids.length; i += 1000)
    await queues.enqueueOutbox(ids.slice(i, i + 1000).map((id) => ({ id, bot: 'master' as const })));
  for (;;) {
    const { count } = await p.db
      .selectFrom('notifications_outbox')
      .select(sql<string>`count(*)`.as('count'))
      .where('dedup_key', 'like', `bench-${p.name}-%`)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    if (Number(count) === 0) break;
    if (Date.now() - started > 15 * 60_000) throw new Error(`${p.name}: not done after 15 min`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await sender.stop();
  const { at, rateLimited } = await api.stats();
  api.stop();
  const first = Math.min(...at);
  const last = Math.max(...at);
  // n messages span n-1 intervals between the first and the last accepted send.
  const seconds = (last - first) / 1000;
  return { perSecond: (at.length - 1) / seconds, seconds, rateLimited, delivered: at.length };
}

export async function runSenderBench(): Promise<void> {
  const limitedN = Number(process.env.BENCH_LIMITED_N ?? 1500);
  const unlimitedN = Number(process.env.BENCH_UNLIMITED_N ?? 10_000);
  const limitedRate = process.env.BENCH_LIMITED_RATE;
  const bench = await createBenchDb();
  const prefix = `{bench-${randomBytes(3).toString('hex')}}`;
  const defaults = senderSchema.shape;
  try {
    const rate = limitedRate ?? String(defaults.SENDER_RATE_PER_SECOND.parse(undefined));
    console.log(
      `[limited] ${limitedN} pushes (not 10,000: at ~30 msg/s that would take ~6 min), fake Bot API 429s above ${TELEGRAM_LIMIT} msg/s, SENDER_RATE_PER_SECOND=${rate}${limitedRate ? '' : ' (default)'} …`,
    );
    const a = await runScenario({
      name: 'limited',
      dbUrl: bench.url,
      db: bench.db,
      prefix,
      n: limitedN,
      fakeLimit: TELEGRAM_LIMIT,
      env: limitedRate ? { SENDER_RATE_PER_SECOND: limitedRate } : {},
    });
    console.log(
      `[limited] delivered ${a.delivered} in ${a.seconds.toFixed(1)} s: ${a.perSecond.toFixed(2)} msg/s = ${((100 * a.perSecond) / TELEGRAM_LIMIT).toFixed(1)} % of ${TELEGRAM_LIMIT} msg/s; 429s: ${a.rateLimited}`,
    );

    console.log(
      `[unlimited] ${unlimitedN} pushes, no limit at the fake, SENDER_RATE_PER_SECOND=100000, SENDER_CONCURRENCY=100 …`,
    );
    const b = await runScenario({
      name: 'unlimited',
      dbUrl: bench.url,
      db: bench.db,
      prefix,
      n: unlimitedN,
      fakeLimit: null,
      env: {
        SENDER_CONCURRENCY: process.env.BENCH_CONCURRENCY ?? '100',
        DATABASE_POOL_SIZE: process.env.BENCH_POOL ?? '60',
      },
      rateOverride: 100_000,
    });
    console.log(
      `[unlimited] delivered ${b.delivered} in ${b.seconds.toFixed(2)} s: ${Math.round(b.perSecond)} msg/s; 429s: ${b.rateLimited}`,
    );
  } finally {
    const redis = createRedis(TEST_REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
    await bench.drop();
  }
}
