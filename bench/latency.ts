/**
 * Push latency: order creation → `sendMessage` received by the fake Telegram, with the real
 * scheduler and sender in this process against a fresh database. Orders arrive at a steady
 * rate (default 10/s for 60 s); prints p50/p90/p99/max. Not a test.
 *
 * Beside it, a reference path measured in the same run against the same fake: a job added to a
 * bare BullMQ queue → its worker makes one HTTP sendMessage call (what any queue-fed sender pays),
 * at the same rate for BENCH_REF_SECONDS (default: as long as the main run, at most 20 s).
 *
 *   pnpm bench:latency
 *   BENCH_RATE=10 BENCH_SECONDS=60 BENCH_REF_SECONDS=20 pnpm bench:latency
 */

import { readFileSync } from 'node:fs';
import { parseConfig, schedulerSchema, senderSchema } from '@fs/config';
import { createDb, migrateToLatest, SettingsCache, seed } from '@fs/db';
import { createOrder, type DispatchDeps } from '@fs/dispatch';
import { createLogger } from '@fs/observability';
import { createRedis, Queues } from '@fs/queue';
import { FakeTelegram } from '@fs/testkit';
import { sql } from 'kysely';
import { startScheduler } from '../services/distribution-scheduler/src/scheduler';
import { startSender } from '../services/notifications-sender/src/sender';
import { referencePath } from '../services/notifications-sender/test/bench/reference-path';

const RATE = Number(process.env.BENCH_RATE ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const REF_SECONDS = Number(process.env.BENCH_REF_SECONDS ?? Math.min(SECONDS, 20));
const CITIES = 10;
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const MASTERS_PER_CITY = Math.ceil((RATE * SECONDS * 1.5) / CITIES);

function urlFor(db: string): string {
  const u = new URL(PG);
  u.pathname = `/${db}`;
  return u.toString();
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  if (sorted.length === 0) return 'nothing received';
  return `p50 ${pct(sorted, 50)} ms, p90 ${pct(sorted, 90)} ms, p99 ${pct(sorted, 99)} ms, max ${sorted.at(-1)} ms`;
}

async function main(): Promise<void> {
  const name = `fs_bench_latency_${Date.now()}`;
  const prefix = `{bench-${Date.now()}}`;
  const admin = createDb(PG, { poolSize: 1 });
  await sql.raw(`CREATE DATABASE "${name}"`).execute(admin);
  const db = createDb(urlFor(name), { poolSize: 4 });
  const tg = new FakeTelegram();
  const redis = createRedis(REDIS_URL);
  const stops: (() => Promise<unknown>)[] = [];
  try {
    await migrateToLatest(db);
    await seed(db);
    // Cities open around the clock, masters on shift; offers are never answered, so each
    // order needs a master of its own (an open offer counts against the master's limit).
    const cities = await db
      .insertInto('cities')
      .values(
        Array.from({ length: CITIES }, (_, i) => ({
          name: `Бенч ${i}`,
          timezone: 'Europe/Moscow',
          working_hours_start: '00:00',
          working_hours_end: '00:00',
        })),
      )
      .returning('id')
      .execute();
    for (const c of cities) {
      await sql`
        WITH m AS (
          INSERT INTO masters (tg_user_id, full_name, city_id, moderation_status, verified, shift_status)
          SELECT ${c.id}::bigint * 1000000 + g, 'Мастер ' || g, ${c.id}, 'approved', true, 'on'
          FROM generate_series(1, ${MASTERS_PER_CITY}) g
          RETURNING id
        )
        INSERT INTO master_skills (master_id, skill_code) SELECT id, 'electrics' FROM m`.execute(db);
    }
    const apiRoot = await tg.start();
    const env = {
      DATABASE_URL: urlFor(name),
      REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      TELEGRAM_API_ROOT: apiRoot,
      MASTER_BOT_TOKEN: '111111:bench-master-token',
      ADMIN_BOT_TOKEN: '222222:bench-admin-token',
    };
    const scheduler = await startScheduler(parseConfig('distribution-scheduler', schedulerSchema, env));
    stops.push(() => scheduler.stop());
    const sender = await startSender(parseConfig('notifications-sender', senderSchema, env), {
      listen: false,
    });
    stops.push(() => sender.stop());

    const queues = new Queues({ connection: redis, prefix });
    stops.push(() => queues.close());
    const deps: DispatchDeps = {
      db,
      queues,
      settings: new SettingsCache(db),
      logger: createLogger({ service: 'bench', level: 'warn', pretty: false }),
    };

    const createdAt = new Map<number, number>();
    const latencies: number[] = [];
    let allPushed: () => void = () => {};
    const total = RATE * SECONDS;
    const done = new Promise<void>((r) => {
      allPushed = r;
    });
    tg.onCall((call) => {
      if (call.method !== 'sendMessage') return;
      const m = /Новый заказ #(\d+)/.exec(String(call.params.text));
      const t0 = m ? createdAt.get(Number(m[1])) : undefined;
      if (t0 === undefined) return;
      latencies.push(call.at - t0);
      createdAt.delete(Number(m![1]));
      if (latencies.length === total) allPushed();
    });

    console.log(
      `latency bench: ${RATE} orders/s for ${SECONDS} s (${total} orders), ${CITIES * MASTERS_PER_CITY} masters; /proc/loadavg ${loadavg()}`,
    );
    const started = Date.now();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t0 = Date.now();
      const { orderId } = await createOrder(deps, {
        cityId: cities[i % CITIES]!.id,
        category: 'electrics',
        description: 'Не работает розетка',
      });
      createdAt.set(orderId, t0);
      tg.calls.length = 0; // the fake keeps every call; this run only needs the listener
    }
    await Promise.race([done, new Promise((r) => setTimeout(r, 15_000))]);

    const loadMain = loadavg();
    console.log(`pushes received: ${latencies.length}/${total}`);
    console.log(
      `order created → sendMessage at Telegram: ${summary(latencies)} (goal p99 ≤ 150 ms; loadavg ${loadMain})`,
    );
    const ref = await referencePath({
      tg,
      apiRoot,
      redisUrl: REDIS_URL,
      prefix,
      rate: RATE,
      seconds: REF_SECONDS,
    });
    console.log(
      `reference, same run: queue.add → bare BullMQ worker → one HTTP sendMessage (${ref.length}/${RATE * REF_SECONDS} at ${RATE}/s): ${summary(ref)} (loadavg ${loadavg()})`,
    );
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await tg.stop().catch(() => {});
    redis.disconnect();
    await db.destroy();
    await sql.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).execute(admin);
    await admin.destroy();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
