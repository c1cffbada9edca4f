/**
 * Fault: Redis is killed in the middle of a burst of 1,000 pushes and comes back ~2 s later
 * empty (no persistence: every queued job is gone). Postgres holds the truth, so the outbox
 * relay must put the lost jobs back, and every outbox row must reach Telegram exactly once.
 * The sender runs in-process and keeps running, so there is no window for a duplicate (the row
 * stays locked from the send to the commit, and a Redis error never loses a commit).
 *
 * FIXED (OUTBOX_RELAY_STALE_MS, default 15 s, now reaches both relay loops; the first test guards it): the rows that were already
 * enqueued when Redis died carry `enqueued_at`, and relayOutbox (packages/queue/src/outbox.ts)
 * re-enqueues such rows only after `staleMs` = 10 minutes. The sender's relay loop
 * (then services/notifications-sender/src/relay-loop.ts, now @fs/runtime relay-loop.ts) calls relayOutbox without options and no
 * setting reaches staleMs, so after an empty Redis restart ~700 of the 1,000 rows wait 10
 * minutes. When the relay learns to recover lost jobs quickly (e.g. a configurable stale window,
 * passed here as OUTBOX_RELAY_STALE_MS, or a check that the job still exists), jest reports the
 * failing test as passing: remove `.failing` then.
 *
 * The second test drives relayOutbox with a short stale window itself, next to the real sender,
 * to show the rest of the path already holds: all rows sent, zero duplicates.
 */
import { parseConfig, senderSchema } from '@fs/config';
import { enqueueOutbox, relayOutbox } from '@fs/queue';
import { createTestDatabase, FakeTelegram, type TestDatabase } from '@fs/testkit';
import { type SenderHandle, startSender } from '../../services/notifications-sender/src/sender';
import {
  chatIdBase,
  duplicates,
  insertChatBurst,
  MASTER_TOKEN,
  outboxCounts,
  PrivateRedis,
  report,
  senderEnv,
  sleep,
  waitUntil,
} from './helpers';

jest.setTimeout(300_000);

const BURST = 1000;
const DOWN_MS = 2000;

/** One database per test: rows the first test leaves pending must not reach the second's relay. */
let tdb: TestDatabase;
const databases: TestDatabase[] = [];
let tg: FakeTelegram;
let redis: PrivateRedis;
let sender: SenderHandle | null = null;
let stopTestRelay: (() => Promise<void>) | null = null;
let consoleErrors: jest.SpyInstance;

beforeEach(() => {
  // BullMQ prints a Queue's connection errors with console.error when nobody listens for
  // 'error' (the producers' Queues don't): counted in the figures instead of flooding the output.
  consoleErrors = jest.spyOn(console, 'error').mockImplementation(() => {});
});

beforeAll(async () => {
  tg = new FakeTelegram();
  redis = new PrivateRedis();
  await Promise.all([tg.start(), redis.start()]);
});

afterEach(async () => {
  consoleErrors.mockRestore();
  await stopTestRelay?.();
  stopTestRelay = null;
  await sender?.stop();
  sender = null;
});

afterAll(async () => {
  await redis?.stop();
  await tg?.stop();
  await Promise.all(databases.map((d) => d.drop()));
});

/** A relay loop with explicit options (what a configurable sender relay would run). */
function startTestRelay(opts: { staleMs: number; graceMs: number; intervalMs: number }) {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await relayOutbox(tdb.db, sender!.base.queues, opts).catch(() => {}); // Redis down: next round
      await sleep(opts.intervalMs);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

async function burstThroughRedisRestart(name: string, o: { productRelay: boolean; recoverWithinMs: number }) {
  tdb = await createTestDatabase();
  databases.push(tdb);
  const env = senderEnv({
    databaseUrl: tdb.url,
    redisUrl: redis.url,
    prefix: `{faults-redis-${name}}`,
    apiRoot: tg.apiRoot,
    extra: {
      SENDER_RATE_PER_SECOND: '300',
      SENDER_CONCURRENCY: '20',
      OUTBOX_RELAY_INTERVAL_MS: '500',
      // Not a setting yet (see the header); harmless until it is.
      OUTBOX_RELAY_STALE_MS: '3000',
    },
  });
  sender = await startSender(parseConfig('notifications-sender', senderSchema, env), {
    listen: false,
    relay: o.productRelay,
  });
  if (!o.productRelay) stopTestRelay = startTestRelay({ staleMs: 3000, graceMs: 2000, intervalMs: 500 });

  const { refs, chatIds } = await insertChatBurst(tdb.db, { count: BURST, firstChatId: chatIdBase() });
  const ids = refs.map((r) => r.id);
  const chats = new Set(chatIds);
  const isBurstSend = (c: { token: string; method: string; params: { chat_id?: unknown } }) =>
    c.token === MASTER_TOKEN && c.method === 'sendMessage' && chats.has(Number(c.params.chat_id));
  await enqueueOutbox(tdb.db, sender.base.queues, refs);

  // Mid-burst: after 300 sends Redis dies; it comes back empty DOWN_MS later.
  await tg.waitForCalls(isBurstSend, 300, 120_000);
  await redis.kill();
  const killedAt = Date.now();
  const sentAtKill = tg.calls.filter(isBurstSend).length;
  expect(sentAtKill).toBeLessThan(BURST - 200); // Redis really died mid-burst
  await sleep(DOWN_MS); // the fault itself: Redis stays away this long
  await redis.restart();
  const restartedAt = Date.now();

  let recoveredAt: number | null = null;
  let failure: Error | null = null;
  try {
    await waitUntil(
      'every burst row sent',
      async () => (await outboxCounts(tdb.db, ids)).sent === BURST,
      o.recoverWithinMs,
      200,
    );
    recoveredAt = Date.now();
  } catch (err) {
    failure = err as Error;
  }
  const counts = await outboxCounts(tdb.db, ids);
  const dups = duplicates(tg, MASTER_TOKEN, chatIds);
  report(`redis-restart (${name})`, {
    rows: BURST,
    sent_at_kill: sentAtKill,
    sent: counts.sent ?? 0,
    still_pending: counts.pending ?? 0,
    duplicates: dups,
    redis_down_ms: restartedAt - killedAt,
    recover_after_restart_ms: recoveredAt === null ? `>${o.recoverWithinMs}` : recoveredAt - restartedAt,
    queue_console_errors: consoleErrors.mock.calls.length,
  });
  if (failure) throw new Error(`${failure.message}: ${JSON.stringify(counts)}`);
  expect(dups).toBe(0);
  // Every chat got its message (the fake accepted exactly one send per chat).
  expect(new Set(tg.calls.filter(isBurstSend).map((c) => Number(c.params.chat_id))).size).toBe(BURST);
}

it('Redis killed mid-burst and restarted empty: the sender as configured sends every row once', () =>
  burstThroughRedisRestart('product-relay', { productRelay: true, recoverWithinMs: 120_000 }));

it('Redis killed mid-burst and restarted empty: with a 3 s relay stale window every row is sent once', () =>
  burstThroughRedisRestart('stale-3s-relay', { productRelay: false, recoverWithinMs: 120_000 }));
