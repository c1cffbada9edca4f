/**
 * Fault: Telegram answers every sendMessage of the master bot with 429 (retry_after 2) for 10 s
 * in the middle of a burst. No message may be lost or sent twice, a 429 must not count as a
 * failed attempt, and retry_after must be honoured for the whole token: after a 429 the fake
 * must see no new send on that token until retry_after has passed.
 *
 * The second test guards a fixed gap: a 429 used to pause only the BullMQ queue, so jobs already
 * waiting for their SendGate slot still called Telegram during retry_after. Now the worker also
 * pauses the token in the SendGate (Redis), which refuses new slots and is checked again right
 * before each send.
 */
import { parseConfig, senderSchema } from '@fs/config';
import { enqueueOutbox } from '@fs/queue';
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

jest.setTimeout(60_000);

const BURST = 300;
const RETRY_AFTER_S = 2;
const FAULT_MS = 10_000;
/** A send that reached the fake this soon after a 429 was already on its way: not counted. */
const IN_FLIGHT_MS = 50;

let tdb: TestDatabase;
let redis: TestRedis;
let tg: FakeTelegram;
let sender: SenderHandle | undefined;
/** Set by the first test, judged by the second. */
let outcome: { limited: FakeCall[]; early: FakeCall[] } | null = null;

beforeAll(async () => {
  tg = new FakeTelegram();
  [tdb, redis] = await Promise.all([createTestDatabase(), createTestRedis(), tg.start()]);
  const env = senderEnv({
    databaseUrl: tdb.url,
    redisUrl: redis.url,
    prefix: redis.prefix,
    apiRoot: tg.apiRoot,
    extra: { SENDER_RATE_PER_SECOND: '30', SENDER_CONCURRENCY: '20' },
  });
  sender = await startSender(parseConfig('notifications-sender', senderSchema, env), { listen: false });
});

afterAll(async () => {
  await sender?.stop();
  await tg?.stop();
  await redis?.cleanup();
  await tdb?.drop();
});

it('429 for 10 s mid-burst: nothing lost, nothing doubled, no attempt counted', async () => {
  const { refs, chatIds } = await insertChatBurst(tdb.db, { count: BURST, firstChatId: chatIdBase() });
  const ids = refs.map((r) => r.id);
  const chats = new Set(chatIds);
  const isSend = (c: FakeCall) =>
    c.token === MASTER_TOKEN && c.method === 'sendMessage' && chats.has(Number(c.params.chat_id));
  const enqueueStarted = Date.now();
  await enqueueOutbox(tdb.db, sender!.base.queues, refs);
  const enqueueMs = Date.now() - enqueueStarted;

  await tg.waitForCalls((c) => isSend(c) && c.response?.ok === true, 30, 15_000);
  const cancel = tg.failNext({
    token: MASTER_TOKEN,
    method: 'sendMessage',
    times: Number.POSITIVE_INFINITY,
    error: { kind: 'rate_limit', retryAfter: RETRY_AFTER_S },
  });
  const faultFrom = Date.now();
  expect(tg.calls.filter((c) => isSend(c) && c.response?.ok).length).toBeLessThan(BURST - 100); // mid-burst
  await sleep(FAULT_MS); // the fault itself: Telegram refuses this long
  cancel();
  const faultTo = Date.now();

  await waitUntil(
    'every burst row sent',
    async () => (await outboxCounts(tdb.db, ids)).sent === BURST,
    40_000,
    200,
  ).catch(async (err) => {
    throw new Error(`${err.message}: ${JSON.stringify(await outboxCounts(tdb.db, ids))}`);
  });
  const doneAt = Date.now();

  const sends = tg.calls.filter(isSend);
  const limited = sends.filter((c) => c.response?.ok === false && c.response.error_code === 429);
  // A send that reached the fake while an earlier 429's retry_after was still running.
  const early = sends.filter((s) =>
    limited.some((l) => s.at > l.at + IN_FLIGHT_MS && s.at < l.at + RETRY_AFTER_S * 1000),
  );
  outcome = { limited, early };
  const earlyBy = early.map((s) => {
    const l = limited.filter((x) => x.at < s.at).at(-1)!;
    return s.at - l.at;
  });
  const rows = await tdb.db
    .selectFrom('notifications_outbox')
    .select('attempts')
    .where('id', 'in', ids)
    .execute();
  const dups = duplicates(tg, MASTER_TOKEN, chatIds);

  report('telegram-429', {
    rows: BURST,
    sent: BURST,
    duplicates: dups,
    answers_429: limited.length,
    sends_inside_retry_after: early.length,
    sends_inside_retry_after_ms_after_429: earlyBy.length
      ? `${Math.min(...earlyBy)}..${Math.max(...earlyBy)}`
      : '-',
    enqueue_ms: enqueueMs,
    fault_ms: faultTo - faultFrom,
    all_sent_after_fault_ms: doneAt - faultTo,
  });
  expect(dups).toBe(0);
  expect(new Set(sends.filter((c) => c.response?.ok).map((c) => Number(c.params.chat_id))).size).toBe(BURST);
  // 429s are Telegram's pacing, not the message's fault: no attempt counted.
  expect(rows.every((r) => r.attempts === 1)).toBe(true);
});

it('429: retry_after is honoured for the whole token (no send until it has passed)', () => {
  const { limited, early } = outcome!;
  expect(early.map((c) => ({ chat: c.params.chat_id, at: c.at }))).toEqual([]);
  // About one probe per retry_after, not a hammering of the token.
  expect(limited.length).toBeLessThanOrEqual(Math.ceil(FAULT_MS / (RETRY_AFTER_S * 1000)) + 2);
});
