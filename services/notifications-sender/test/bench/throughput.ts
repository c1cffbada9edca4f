/**
 * Notifications sender throughput, run by `pnpm bench:sender` (bench/sender.ts). It lives here
 * so that it resolves the sender's own dependencies. Prints figures; not a test.
 *
 * Scenarios (BENCH_ONLY=ceiling,unlimited,processes,limited,slow picks some; default all):
 * 1. ceiling:   a bare BullMQ worker doing one loopback HTTP call (sendMessage) per job against
 *               the same fake Bot API process, same Redis, same concurrency → msg/s. The sender's
 *               figures are printed as a share of this same-run ceiling.
 * 2. unlimited: the sender in one process, no limit at the fake, pace raised far above 1000/s.
 * 3. processes: the same with 2 and 3 sender processes (BENCH_PROCESSES=2,3).
 * 4. limited:   the fake answers 429 above 30 msg/s per token, modelled as a token bucket that
 *               saves up at most BENCH_FAKE_BURST (10) sends; the sender at SENDER_RATE_PER_SECOND
 *               (BENCH_LIMITED_RATE, default: the config default) for BENCH_LIMITED_SECONDS (60),
 *               in BENCH_LIMITED_PROCESSES (1) processes. Printed beside the figure: the most
 *               arrivals in any second, the smallest bucket burst that would have admitted them
 *               all, the time in gaps, and the send slots the sender gave up (it woke too late).
 *               BENCH_FAKE_LIMIT=none: the same without the fake's 429s (the sender's own pace).
 * 5. slow:      as 4, but the fake answers every call after 5 s (BENCH_SLOW_LATENCY_MS); the
 *               sender's /health/ready is probed every 500 ms throughout.
 *
 * Real Postgres and Redis (TEST_PG_URL / TEST_REDIS_URL); a throwaway database and key prefix.
 * Env: BENCH_UNLIMITED_N (10000), BENCH_CONCURRENCY (the sender default), BENCH_LIMITED_SECONDS,
 * BENCH_SLOW_SECONDS (60 each). Short run: BENCH_UNLIMITED_N=3000 BENCH_LIMITED_SECONDS=15
 * BENCH_SLOW_SECONDS=15 pnpm bench:sender.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseConfig, type SenderConfig, senderSchema } from '@fs/config';
import { createDb, type Db, migrateToLatest, seed } from '@fs/db';
import { createLogger } from '@fs/observability';
import { createRedis, Queues } from '@fs/queue';
import { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from '@fs/testkit';
import { Queue, Worker } from 'bullmq';
import { sql } from 'kysely';
import { startSender } from '../../src/sender';

const TELEGRAM_LIMIT = 30;
/**
 * The fake's model of Telegram's flood control: a token bucket refilled at TELEGRAM_LIMIT per
 * second that saves up at most this many sends (see testkit's FakeTelegram.setRateLimit).
 */
const FAKE_BURST = Number(process.env.BENCH_FAKE_BURST ?? 10);
const TOKEN = '111111:bench-master-token';
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

let tgIdOffset = 1_000_000_000;

/** `n` masters, orders, open offers and their pending new_offer rows; returns the outbox ids. */
async function seedPushes(db: Db, n: number): Promise<number[]> {
  const offset = tgIdOffset;
  tgIdOffset += n;
  const { rows } = await sql<{ id: number }>`
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
    INSERT INTO notifications_outbox (bot, event, master_id, order_id, offer_id, payload)
    SELECT 'master', 'new_offer', f.master_id, f.order_id, f.id,
      jsonb_build_object(
        'order_id', f.order_id, 'offer_id', f.id, 'expires_at', f.expires_at,
        'city', 'Москва', 'timezone', 'Europe/Moscow', 'district', 'ЦАО', 'street', null,
        'category', 'electrics', 'description', 'Бенчмарк', 'timeslot_start', null, 'timeslot_end', null,
        'is_asap', true, 'type', 'normal')
    FROM f
    RETURNING id
  `.execute(db);
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

interface FakeStats {
  at: number[];
  limitedAt: number[];
  rateLimited: number;
}

/**
 * How the accepted sends arrived at the fake: the smallest token-bucket burst that admits them
 * all at `rate` per second, the most in any sliding second, and the time lost in gaps between
 * sends longer than 3 slots (the pipeline not keeping the pace fed).
 */
export function arrivalShape(
  at: number[],
  rate: number,
): { burst: number; maxPerSecond: number; idleMs: number } {
  const a = [...at].sort((x, y) => x - y);
  let best = Number.NEGATIVE_INFINITY;
  let burst = 0;
  let maxPerSecond = 0;
  let idleMs = 0;
  const slot = 1000 / rate;
  for (let j = 0, i = 0; j < a.length; j++) {
    // Sends i..j need (j - i + 1) tokens; the bucket refilled rate·(a_j - a_i) in between.
    best = Math.max(best, (rate * a[j]!) / 1000 - j);
    burst = Math.max(burst, j + 1 - (rate * a[j]!) / 1000 + best);
    while (a[j]! - a[i]! >= 1000) i++;
    maxPerSecond = Math.max(maxPerSecond, j - i + 1);
    if (j > 0 && a[j]! - a[j - 1]! > 3 * slot) idleMs += a[j]! - a[j - 1]! - slot;
  }
  return { burst: Math.ceil(burst - 1e-9), maxPerSecond, idleMs: Math.round(idleMs) };
}

/** Starts the fake Bot API in a child process; `stats()` fetches what it accepted. */
async function startFake(
  limit: number | null,
  latencyMs = 0,
): Promise<{ url: string; stats(): Promise<FakeStats>; stop(): void }> {
  const child: ChildProcess = fork(
    join(__dirname, 'fake-process.ts'),
    [limit === null ? 'none' : String(limit), String(latencyMs), String(FAKE_BURST)],
    { execArgv: process.execArgv },
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

function rateOf(at: number[]): { perSecond: number; seconds: number } {
  const first = Math.min(...at);
  const last = Math.max(...at);
  // n messages span n-1 intervals between the first and the last accepted send.
  const seconds = (last - first) / 1000;
  return { perSecond: (at.length - 1) / seconds, seconds };
}

async function waitDelivered(db: Db, ids: number[], limitMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const { count } = await db
      .selectFrom('notifications_outbox')
      .select(sql<string>`count(*)`.as('count'))
      .where('id', '>=', ids[0]!)
      .where('id', '<=', ids.at(-1)!)
      .where('status', 'in', ['pending', 'sending'])
      .executeTakeFirstOrThrow();
    if (Number(count) === 0) return;
    if (Date.now() - started > limitMs) throw new Error(`not delivered after ${limitMs / 1000} s`);
    await sleep(100);
  }
}

interface Run {
  perSecond: number;
  seconds: number;
  delivered: number;
  rateLimited: number;
  loadavg: string;
  /** Every metered arrival at the fake (accepted and 429) against Telegram's 30/s. */
  shape?: ReturnType<typeof arrivalShape>;
  /** Send slots the sender gave up because it woke too late for them (in-process sender only). */
  missedSlots?: number;
}

/** The ceiling: a bare BullMQ worker, one loopback HTTP call per job, against the fake. */
async function runCeiling(n: number, concurrency: number, prefix: string): Promise<Run> {
  const api = await startFake(null);
  const producer = createRedis(TEST_REDIS_URL);
  const queue = new Queue('ceiling', { connection: producer, prefix });
  for (let i = 0; i < n; i += 1000)
    await queue.addBulk(
      Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ name: 'send', data: { chat: 1 + i + k } })),
    );
  let done = 0;
  let allDone: () => void = () => {};
  const finished = new Promise<void>((r) => {
    allDone = r;
  });
  const url = `${api.url}/bot${TOKEN}/sendMessage`;
  const worker = new Worker(
    'ceiling',
    async (job) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: job.data.chat, text: 'ceiling' }),
      });
      await res.json();
    },
    { connection: createRedis(TEST_REDIS_URL), prefix, concurrency },
  );
  worker.on('completed', () => {
    if (++done === n) allDone();
  });
  await finished;
  const load = loadavg();
  await worker.close();
  await queue.close();
  producer.disconnect();
  const { at, rateLimited } = await api.stats();
  api.stop();
  return { ...rateOf(at), delivered: at.length, rateLimited, loadavg: load };
}

interface SenderScenario {
  db: Db;
  dbUrl: string;
  prefix: string;
  n: number;
  fakeLimit: number | null;
  fakeLatencyMs?: number;
  processes: number;
  env: Record<string, string>;
  rateOverride?: number;
  /** Probe /health/ready every 500 ms (one in-process sender only). */
  probeReadiness?: boolean;
}

async function runSender(
  s: SenderScenario,
): Promise<Run & { probes?: { total: number; not200: number; maxMs: number } }> {
  const api = await startFake(s.fakeLimit, s.fakeLatencyMs ?? 0);
  const env: Record<string, string> = {
    DATABASE_URL: s.dbUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: s.prefix,
    MASTER_BOT_TOKEN: TOKEN,
    ADMIN_BOT_TOKEN: '222222:bench-admin-token',
    TELEGRAM_API_ROOT: api.url,
    LOG_LEVEL: 'error',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    ...s.env,
  };
  const ids = await seedPushes(s.db, s.n);
  const stops: (() => Promise<void>)[] = [];
  let port = 0;
  let missedSlots: () => Promise<number> = async () => Number.NaN;
  if (s.processes === 1) {
    const parsed = parseConfig('bench', senderSchema, env);
    // The config caps the rate at 1000/s (Telegram's paid-broadcast limit); the bench goes past it.
    const config: SenderConfig = s.rateOverride
      ? { ...parsed, SENDER_RATE_PER_SECOND: s.rateOverride }
      : parsed;
    const sender = await startSender(config, {
      listen: s.probeReadiness === true,
      relay: false,
      logger: createLogger({ service: 'bench', level: 'error', pretty: false }),
    });
    if (s.probeReadiness) port = (sender.base.health.app.server.address() as AddressInfo).port;
    missedSlots = async () => {
      const m = await sender.base.registry.getSingleMetric('notifications_send_slots_missed_total')?.get();
      return (m?.values ?? []).reduce((sum, v) => sum + v.value, 0);
    };
    stops.push(() => sender.stop());
  } else {
    const children = await Promise.all(
      Array.from({ length: s.processes }, async () => {
        const child = fork(join(__dirname, 'sender-process.ts'), [], {
          execArgv: process.execArgv,
          env: {
            ...process.env,
            ...env,
            ...(s.rateOverride ? { BENCH_RATE_OVERRIDE: String(s.rateOverride) } : {}),
          },
        });
        await new Promise<void>((resolve, reject) => {
          child.once('message', () => resolve());
          child.once('exit', (code) => reject(new Error(`bench sender exited ${code}`)));
        });
        return child;
      }),
    );
    for (const child of children)
      stops.push(
        () =>
          new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.send('exit');
          }),
      );
  }
  const queues = new Queues({ connection: createRedis(TEST_REDIS_URL), prefix: s.prefix });
  for (let i = 0; i < ids.length; i += 1000)
    await queues.enqueueOutbox(ids.slice(i, i + 1000).map((id) => ({ id, bot: 'master' as const })));
  const probes = { total: 0, not200: 0, maxMs: 0 };
  let probing = true;
  const prober = (async () => {
    while (s.probeReadiness && probing) {
      const t0 = Date.now();
      const status = await fetch(`http://127.0.0.1:${port}/health/ready`, {
        signal: AbortSignal.timeout(5000),
      })
        .then((r) => r.status)
        .catch(() => 0);
      probes.total++;
      if (status !== 200) probes.not200++;
      probes.maxMs = Math.max(probes.maxMs, Date.now() - t0);
      await sleep(500);
    }
  })();
  await waitDelivered(s.db, ids, 20 * 60_000);
  probing = false;
  await prober;
  const load = loadavg();
  const missed = await missedSlots();
  for (const stop of stops) await stop();
  await queues.close();
  const { at, limitedAt, rateLimited } = await api.stats();
  api.stop();
  return {
    ...rateOf(at),
    delivered: at.length,
    rateLimited,
    loadavg: load,
    shape: arrivalShape([...at, ...limitedAt], TELEGRAM_LIMIT),
    missedSlots: missed,
    ...(s.probeReadiness ? { probes } : {}),
  };
}

export async function runSenderBench(): Promise<void> {
  const only = new Set((process.env.BENCH_ONLY ?? 'ceiling,unlimited,processes,limited,slow').split(','));
  const unlimitedN = num('BENCH_UNLIMITED_N', 10_000);
  const defaults = senderSchema.shape;
  const concurrency = num('BENCH_CONCURRENCY', defaults.SENDER_CONCURRENCY.parse(undefined));
  const limitedRate = Number(
    process.env.BENCH_LIMITED_RATE ?? defaults.SENDER_RATE_PER_SECOND.parse(undefined),
  );
  const limitedSeconds = num('BENCH_LIMITED_SECONDS', 60);
  const slowSeconds = num('BENCH_SLOW_SECONDS', 60);
  const slowLatency = num('BENCH_SLOW_LATENCY_MS', 5000);
  const processes = (process.env.BENCH_PROCESSES ?? '2,3')
    .split(',')
    .map(Number)
    .filter((p) => p > 1);
  const bench = await createBenchDb();
  const tag = randomBytes(3).toString('hex');
  let scenario = 0;
  const prefix = () => `{bench-${tag}-${scenario++}}`;
  const base = { db: bench.db, dbUrl: bench.url };
  console.log(`/proc/loadavg at start: ${loadavg()} (other work shares this machine)`);
  try {
    let ceiling: Run | null = null;
    if (only.has('ceiling')) {
      ceiling = await runCeiling(unlimitedN, concurrency, prefix());
      console.log(
        `[ceiling] bare BullMQ worker, one loopback HTTP call per job, concurrency ${concurrency}: ${ceiling.delivered} in ${ceiling.seconds.toFixed(2)} s = ${Math.round(ceiling.perSecond)} msg/s (loadavg ${ceiling.loadavg})`,
      );
    }
    const shape = (r: Run) =>
      r.shape
        ? `; arrivals: ≤ ${r.shape.maxPerSecond} in any second, a token bucket at ${TELEGRAM_LIMIT}/s needs burst ${r.shape.burst}, ${r.shape.idleMs} ms in gaps; slots missed: ${r.missedSlots}`
        : '';
    const ofCeiling = (r: Run) =>
      ceiling ? ` = ${((100 * r.perSecond) / ceiling.perSecond).toFixed(0)} % of the same-run ceiling` : '';
    const unlimited = (n: number) => ({
      ...base,
      prefix: prefix(),
      n: unlimitedN,
      fakeLimit: null,
      processes: n,
      env: { SENDER_CONCURRENCY: String(concurrency), SENDER_PER_CHAT_INTERVAL_MS: '0' },
      rateOverride: 100_000,
    });
    if (only.has('unlimited')) {
      const r = await runSender(unlimited(1));
      console.log(
        `[unlimited] sender, 1 process, concurrency ${concurrency}: ${r.delivered} in ${r.seconds.toFixed(2)} s = ${Math.round(r.perSecond)} msg/s${ofCeiling(r)}; 429s: ${r.rateLimited}; slots missed: ${r.missedSlots} (loadavg ${r.loadavg})`,
      );
    }
    if (only.has('processes'))
      for (const p of processes) {
        const r = await runSender(unlimited(p));
        console.log(
          `[unlimited] sender, ${p} processes: ${r.delivered} in ${r.seconds.toFixed(2)} s = ${Math.round(r.perSecond)} msg/s${ofCeiling(r)}; duplicate sends: ${r.delivered - unlimitedN} (loadavg ${r.loadavg})`,
        );
      }
    const limited = (seconds: number, latencyMs: number) => ({
      ...base,
      prefix: prefix(),
      n: Math.round(TELEGRAM_LIMIT * seconds),
      fakeLimit: process.env.BENCH_FAKE_LIMIT === 'none' ? null : TELEGRAM_LIMIT,
      fakeLatencyMs: latencyMs,
      processes: num('BENCH_LIMITED_PROCESSES', 1),
      env: process.env.BENCH_CONCURRENCY
        ? { SENDER_CONCURRENCY: process.env.BENCH_CONCURRENCY }
        : ({} as Record<string, string>),
      rateOverride: limitedRate,
    });
    if (only.has('limited')) {
      const r = await runSender(limited(limitedSeconds, 0));
      console.log(
        `[limited] fake 429s above ${TELEGRAM_LIMIT} msg/s (burst ${FAKE_BURST}), ${num('BENCH_LIMITED_PROCESSES', 1)} process(es), SENDER_RATE_PER_SECOND=${limitedRate}: ${r.delivered} in ${r.seconds.toFixed(1)} s = ${r.perSecond.toFixed(2)} msg/s = ${((100 * r.perSecond) / TELEGRAM_LIMIT).toFixed(1)} % of ${TELEGRAM_LIMIT}; 429s: ${r.rateLimited}${shape(r)} (loadavg ${r.loadavg})`,
      );
    }
    if (only.has('slow')) {
      const r = await runSender({ ...limited(slowSeconds, slowLatency), processes: 1, probeReadiness: true });
      const p = r.probes!;
      console.log(
        `[slow] as [limited], the fake answering after ${slowLatency} ms: ${r.delivered} in ${r.seconds.toFixed(1)} s = ${r.perSecond.toFixed(2)} msg/s = ${((100 * r.perSecond) / TELEGRAM_LIMIT).toFixed(1)} % of ${TELEGRAM_LIMIT}; 429s: ${r.rateLimited}${shape(r)}; /health/ready ${p.total - p.not200}/${p.total} probes 200 (slowest ${p.maxMs} ms) (loadavg ${r.loadavg})`,
      );
    }
  } finally {
    const redis = createRedis(TEST_REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{bench-${tag}-*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
    await bench.drop();
  }
}
