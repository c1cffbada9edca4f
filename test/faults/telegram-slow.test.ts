/**
 * Fault: Telegram answers every call after 5 s. The sender holds no database connection while
 * it waits (claim, send, record: services/notifications-sender/src/engine.ts), so a slow Telegram
 * only slows the messages down: /health/ready stays 200 the whole time and every message goes
 * out once. (Before, each send kept a transaction open across the Telegram call: with pool 10
 * and concurrency 20 every connection sat "idle in transaction" and readiness answered 503.)
 *
 * The pool is 4 connections here and 150 sends are in flight at once.
 */
import type { AddressInfo } from 'node:net';
import { parseConfig, senderSchema } from '@fs/config';
import {
  createTestDatabase,
  createTestRedis,
  type FakeCall,
  FakeTelegram,
  type TestDatabase,
  type TestRedis,
} from '@fs/testkit';
import { type SenderHandle, startSender } from '../../services/notifications-sender/src/sender';
import {
  chatIdBase,
  duplicates,
  insertChatBurst,
  MASTER_TOKEN,
  outboxCounts,
  report,
  senderEnv,
  sleep,
  waitUntil,
} from './helpers';

jest.setTimeout(90_000);

const BURST = 150;
const LATENCY_MS = 5000;

let tdb: TestDatabase;
let redis: TestRedis;
let tg: FakeTelegram;
let sender: SenderHandle | undefined;

beforeAll(async () => {
  tg = new FakeTelegram();
  [tdb, redis] = await Promise.all([createTestDatabase(), createTestRedis(), tg.start()]);
  const env = senderEnv({
    databaseUrl: tdb.url,
    redisUrl: redis.url,
    prefix: redis.prefix,
    apiRoot: tg.apiRoot,
    extra: { DATABASE_POOL_SIZE: '4', SENDER_RATE_PER_SECOND: '100', SENDER_CONCURRENCY: '160' },
  });
  sender = await startSender(parseConfig('notifications-sender', senderSchema, env));
});

afterAll(async () => {
  await sender?.stop();
  await tg?.stop();
  await redis?.cleanup();
  await tdb?.drop();
});

it('Telegram answering after 5 s: /health/ready stays 200 while the sends go on, each message once', async () => {
  const { port } = sender!.base.health.app.server.address() as AddressInfo;
  const ready = async () => {
    const started = Date.now();
    const status = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(5000) })
      .then((r) => r.status)
      .catch(() => 0);
    return { status, ms: Date.now() - started };
  };
  expect((await ready()).status).toBe(200);

  tg.setLatency(LATENCY_MS);
  const { refs, chatIds } = await insertChatBurst(tdb.db, { count: BURST, firstChatId: chatIdBase() });
  const ids = refs.map((r) => r.id);
  const chats = new Set(chatIds);
  const isSend = (c: FakeCall) =>
    c.token === MASTER_TOKEN && c.method === 'sendMessage' && chats.has(Number(c.params.chat_id));
  const startedAt = Date.now();
  await sender!.base.queues.enqueueOutbox(refs);

  // Probe readiness the whole time, until every row is recorded as sent.
  const probes: { status: number; ms: number; inFlight: number }[] = [];
  let done = false;
  const probing = (async () => {
    while (!done) {
      const inFlight = (await outboxCounts(tdb.db, ids)).sending ?? 0;
      probes.push({ ...(await ready()), inFlight });
      await sleep(250);
    }
  })();
  await waitUntil(
    'every burst row sent',
    async () => (await outboxCounts(tdb.db, ids)).sent === BURST,
    60_000,
    200,
  ).finally(() => {
    done = true;
  });
  await probing;
  const allSentMs = Date.now() - startedAt;

  const notReady = probes.filter((p) => p.status !== 200);
  const maxInFlight = Math.max(...probes.map((p) => p.inFlight));
  report('telegram-slow', {
    rows: BURST,
    latency_ms: LATENCY_MS,
    pool: 4,
    readiness_probes: probes.length,
    readiness_not_200: notReady.length,
    readiness_max_ms: Math.max(...probes.map((p) => p.ms)),
    max_rows_in_flight: maxInFlight,
    all_sent_ms: allSentMs,
    duplicates: duplicates(tg, MASTER_TOKEN, chatIds),
  });
  expect(notReady).toEqual([]);
  // The probes really ran while sends were waiting for Telegram, far more of them than connections.
  expect(maxInFlight).toBeGreaterThan(4);
  expect(tg.calls.filter((c) => isSend(c) && c.response?.ok).length).toBe(BURST);
  expect(duplicates(tg, MASTER_TOKEN, chatIds)).toBe(0);
});
