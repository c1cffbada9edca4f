/**
 * Fault: a burst of 403s. 50 masters have blocked the bot (every call to their chat answers
 * "Forbidden: bot was blocked by the user") and each has several messages queued at once.
 * Each master is marked unreachable, the city's staff get exactly one `recipient_unreachable`
 * alert per master, and no message to a blocked master is tried twice: a 403 is final, and the
 * master's later messages are skipped without calling Telegram once the flag is set.
 */
import { parseConfig, senderSchema } from '@fs/config';
import { enqueueOutbox, insertOutbox } from '@fs/queue';
import {
  createCity,
  createMaster,
  createStaff,
  createTestDatabase,
  createTestRedis,
  FakeTelegram,
  type TestDatabase,
  type TestRedis,
} from '@fs/testkit';
import { type SenderHandle, startSender } from '../../services/notifications-sender/src/sender';
import { ADMIN_TOKEN, MASTER_TOKEN, report, senderEnv, waitUntil } from './helpers';

jest.setTimeout(300_000);

const MASTERS = 50;
const PER_MASTER = 3;

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
    // 50 alerts go to one staff chat: a short per-chat interval keeps the test short.
    extra: { SENDER_RATE_PER_SECOND: '200', SENDER_CONCURRENCY: '20', SENDER_PER_CHAT_INTERVAL_MS: '20' },
  });
  sender = await startSender(parseConfig('notifications-sender', senderSchema, env), { listen: false });
});

afterAll(async () => {
  await sender?.stop();
  await tg?.stop();
  await redis?.cleanup();
  await tdb?.drop();
});

it('50 masters who blocked the bot: each marked unreachable, one staff alert each, no retries', async () => {
  const { city } = await createCity(tdb.db, { districts: [] });
  const logist = await createStaff(tdb.db, { role: 'logist', cityIds: [city.id], fullName: 'Логист Ольга' });
  const masters = [];
  for (let i = 0; i < MASTERS; i++)
    masters.push(await createMaster(tdb.db, { cityId: city.id, fullName: `Блокер ${i + 1}` }));
  for (const m of masters)
    tg.failNext({ chatId: m.tg_user_id, times: Number.POSITIVE_INFINITY, error: { kind: 'blocked' } });

  const refs = await insertOutbox(
    tdb.db,
    masters.flatMap((m) =>
      Array.from({ length: PER_MASTER }, (_, k) => ({
        bot: 'master' as const,
        event: 'staff_message' as const,
        master_id: m.id,
        payload: { from: 'Диспетчер', text: `Сообщение ${k + 1}` },
      })),
    ),
  );
  const ids = refs.map((r) => r.id);
  const started = Date.now();
  await enqueueOutbox(tdb.db, sender!.base.queues, refs);

  const masterIds = masters.map((m) => m.id);
  const alertRows = () =>
    tdb.db
      .selectFrom('notifications_outbox')
      .select(['id', 'status', 'staff_user_id', 'chat_id', 'payload'])
      .where('event', '=', 'recipient_unreachable')
      .execute();
  await waitUntil(
    'every message final and every alert sent',
    async () => {
      const pending = await tdb.db
        .selectFrom('notifications_outbox')
        .select('id')
        .where('id', 'in', ids)
        .where('status', '=', 'pending')
        .execute();
      const alerts = await alertRows();
      return pending.length === 0 && alerts.length >= MASTERS && alerts.every((a) => a.status === 'sent');
    },
    120_000,
    100,
  );
  const doneMs = Date.now() - started;

  // Every master is flagged.
  const flagged = await tdb.db
    .selectFrom('masters')
    .select(['id', 'is_unreachable'])
    .where('id', 'in', masterIds)
    .execute();
  expect(flagged.every((m) => m.is_unreachable)).toBe(true);

  // Exactly one alert per master, to the city's logist, delivered once through the admin bot.
  const alerts = await alertRows();
  const perMaster = new Map<number, number>();
  for (const a of alerts) {
    const id = Number((a.payload as { recipient_id?: number }).recipient_id);
    perMaster.set(id, (perMaster.get(id) ?? 0) + 1);
  }
  expect(alerts).toHaveLength(MASTERS);
  expect(masterIds.every((id) => perMaster.get(id) === 1)).toBe(true);
  expect(alerts.every((a) => a.staff_user_id === logist.id)).toBe(true);
  const alertSends = tg.calls.filter(
    (c) =>
      c.token === ADMIN_TOKEN &&
      c.method === 'sendMessage' &&
      c.response?.ok === true &&
      Number(c.params.chat_id) === logist.tg_user_id,
  );
  expect(alertSends).toHaveLength(MASTERS);
  for (const m of masters) {
    const about = `Мастер ${m.full_name} (#${m.id})`;
    expect(alertSends.filter((c) => String(c.params.text).includes(about))).toHaveLength(1);
  }

  // No retries: every message to a blocked master reached Telegram at most once; a 403 is final
  // (failed after 1 attempt), the rest were skipped without a call.
  const rows = await tdb.db
    .selectFrom('notifications_outbox')
    .select(['status', 'attempts'])
    .where('id', 'in', ids)
    .execute();
  const failed = rows.filter((r) => r.status === 'failed');
  const skipped = rows.filter((r) => r.status === 'skipped');
  expect(failed.length + skipped.length).toBe(MASTERS * PER_MASTER);
  expect(failed.every((r) => r.attempts === 1)).toBe(true);
  expect(skipped.every((r) => r.attempts === 0)).toBe(true);
  const chats = new Set(masters.map((m) => m.tg_user_id));
  const calls403 = tg.calls.filter(
    (c) => c.token === MASTER_TOKEN && chats.has(Number(c.params.chat_id)) && c.method === 'sendMessage',
  );
  expect(calls403.every((c) => c.response?.ok === false && c.response.error_code === 403)).toBe(true);
  expect(calls403).toHaveLength(failed.length);

  report('telegram-403', {
    masters: MASTERS,
    messages: MASTERS * PER_MASTER,
    answers_403: calls403.length,
    rows_failed: failed.length,
    rows_skipped: skipped.length,
    unreachable_flagged: flagged.filter((m) => m.is_unreachable).length,
    staff_alerts: alertSends.length,
    all_final_ms: doneMs,
  });
});
