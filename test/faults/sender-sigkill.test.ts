/**
 * Fault: notifications-sender, running as a real process (`node --import tsx …/main.ts`), is
 * killed with SIGKILL in the middle of a burst of 1,000 messages and started again. Nothing may
 * be lost. A duplicate is possible only for a message Telegram accepted while the process died
 * before recording `sent`, so duplicates ≤ rows the dead process held (`sending` under its lease).
 *
 * The rows the dead process held come back through their leases (SENDER_LEASE_MS, renewed every
 * tenth of it while the process lives): once a lease has run out more than the takeover grace
 * (half a lease) ago, the sweep of the replacement (every SENDER_SWEEP_INTERVAL_MS) claims the
 * row again. No wait on BullMQ's stall detection
 * (30-60 s): every held row must be delivered within 10 s of the replacement being ready.
 */
import type { Queues } from '@fs/queue';
import type { FakeTelegram, TestDatabase, TestRedis } from '@fs/testkit';
import { sql } from 'kysely';
import {
  chatIdBase,
  duplicates,
  freePort,
  insertChatBurst,
  MASTER_TOKEN,
  outboxCounts,
  report,
  senderEnv,
  spawnSender,
  startSenderProcessBase,
  stopSenderProcessBase,
  waitAllSent,
  waitReady,
  within,
} from './helpers';

jest.setTimeout(300_000); // a loaded machine takes 10-60 s to start the replacement process

const BURST = 1000;

let tdb: TestDatabase;
let redis: TestRedis;
let tg: FakeTelegram;
let queues: Queues;

beforeAll(async () => {
  ({ tdb, redis, tg, queues } = await startSenderProcessBase());
});

afterAll(() => stopSenderProcessBase({ tdb, redis, tg, queues }));

it('sender SIGKILLed mid-burst and restarted: nothing lost, held rows delivered within 10 s of the replacement being ready, duplicates only for rows it held', async () => {
  // Telegram answers after 20-40 ms, so some sends are in the air when the process dies.
  tg.setLatency(20, 20);
  const port = await freePort();
  const env = senderEnv({
    databaseUrl: tdb.url,
    redisUrl: redis.url,
    prefix: redis.prefix,
    apiRoot: tg.apiRoot,
    extra: {
      HTTP_PORT: String(port),
      DATABASE_POOL_SIZE: '10',
      SENDER_RATE_PER_SECOND: '200',
      SENDER_CONCURRENCY: '20',
      OUTBOX_RELAY_INTERVAL_MS: '500',
    },
  });
  const first = spawnSender(env);
  await waitReady(first, port, 120_000);

  const { refs, chatIds } = await insertChatBurst(tdb.db, { count: BURST, firstChatId: chatIdBase() });
  const ids = refs.map((r) => r.id);
  const chats = new Set(chatIds);
  const isBurstSend = (c: { token: string; method: string; params: { chat_id?: unknown } }) =>
    c.token === MASTER_TOKEN && c.method === 'sendMessage' && chats.has(Number(c.params.chat_id));
  await queues.enqueueOutbox(refs);

  await tg.waitForCalls(isBurstSend, 300, 120_000);
  first.child.kill('SIGKILL');
  await within(first.exited, 5000, 'sender exit after SIGKILL');
  const killedAt = Date.now();
  const countsAtKill = await outboxCounts(tdb.db, ids);
  expect(countsAtKill.sent ?? 0).toBeLessThan(BURST - 200); // the kill really landed mid-burst
  // Nothing moves these rows until their leases run out: exactly what the dead process held.
  const held = (
    await tdb.db
      .selectFrom('notifications_outbox')
      .select('id')
      .where('id', 'in', ids)
      .where('status', '=', 'sending')
      .execute()
  ).map((r) => r.id);
  expect(held.length).toBeGreaterThan(0); // the kill caught sends in flight

  const second = spawnSender(env);
  await waitReady(second, port, 120_000);
  const restartedAt = Date.now();

  await waitAllSent(tdb.db, ids, 120_000, () => second.output());
  const doneAt = Date.now();
  // Each held row's delivery, in ms after the replacement was ready (host clock, as restartedAt).
  const heldSentAt = await tdb.db
    .selectFrom('notifications_outbox')
    .select(sql<number>`(extract(epoch FROM sent_at) * 1000)::float8`.as('at'))
    .where('id', 'in', held)
    .execute();
  const heldAfterReadyMs = Math.max(...heldSentAt.map((r) => r.at - restartedAt));

  const dups = duplicates(tg, MASTER_TOKEN, chatIds);
  report('sender-sigkill', {
    rows: BURST,
    sent_before_kill: countsAtKill.sent ?? 0,
    held_at_kill: held.length,
    held_delivered_after_ready_ms: Math.round(heldAfterReadyMs),
    sent: (await outboxCounts(tdb.db, ids)).sent ?? 0,
    duplicates: dups,
    restart_to_ready_ms: restartedAt - killedAt,
    all_sent_after_restart_ms: doneAt - restartedAt,
  });
  expect(dups).toBeLessThanOrEqual(held.length);
  expect(heldAfterReadyMs).toBeLessThanOrEqual(10_000);
  expect(new Set(tg.calls.filter(isBurstSend).map((c) => Number(c.params.chat_id))).size).toBe(BURST);

  second.child.kill('SIGTERM');
  const { code } = await within(second.exited, 60_000, 'sender exit after SIGTERM');
  expect(code).toBe(0);
});
