/**
 * Webhook-mode scale-out: two master-bot replicas behind a round-robin load balancer (as N
 * pods behind an ingress). Each update may land on either replica: two masters racing for one
 * order through different replicas get exactly one winner, and a wizard started on one replica
 * continues on the other (state in Redis). The webhook refuses updates without the secret.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { masterBotSchema, parseConfig } from '@fs/config';
import {
  createMaster,
  createOrder,
  createTestDatabase,
  createTestRedis,
  FakeTelegram,
  getCity,
  type MasterFixture,
  type TestDatabase,
  type TestRedis,
} from '@fs/testkit';
import { type MasterBot, startMasterBot } from '../../services/master-bot/src/app';
import { insertOffer, sendPush, Telegram } from '../../services/master-bot/test/fixtures';

const SECRET = 'replica-secret-0123456789';
const PUBLIC_URL = 'https://bots.example.com';

let tdb: TestDatabase;
let redis: TestRedis;
let fake: FakeTelegram;
let token: string;
let tg: Telegram;
const replicas: MasterBot[] = [];
let lb: Server;
/** Which replica served each forwarded update, in order. */
const servedBy: number[] = [];

/** A round-robin HTTP load balancer in front of the replicas. */
function startBalancer(targets: string[]): Promise<string> {
  let next = 0;
  lb = createServer((req, res) => {
    const i = next++ % targets.length;
    servedBy.push(i);
    const target = new URL(req.url ?? '/', targets[i]);
    const upstream = request(target, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    lb.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(lb.address() as AddressInfo).port}`)),
  );
}

beforeAll(async () => {
  fake = new FakeTelegram();
  [tdb, redis] = await Promise.all([createTestDatabase(), createTestRedis(), fake.start()]);
  token = fake.createBot({ username: 'master_replicas_bot' });
  tg = new Telegram(token, { apiRoot: fake.apiRoot });
  const config = parseConfig('master-bot', masterBotSchema, {
    DATABASE_URL: tdb.url,
    DATABASE_POOL_SIZE: '4',
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    MASTER_BOT_TOKEN: token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    BOT_MODE: 'webhook',
    WEBHOOK_URL: `${PUBLIC_URL}/tg/master`,
    WEBHOOK_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    HTTP_HOST: '127.0.0.1',
  });
  replicas.push(await startMasterBot(config, { httpPort: 0 }), await startMasterBot(config, { httpPort: 0 }));
  fake.mapWebhookUrl(PUBLIC_URL, await startBalancer(replicas.map((r) => r.httpUrl)));
});

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await new Promise((r) => lb?.close(r));
  await Promise.all([tdb?.drop(), redis?.cleanup(), fake?.stop()]);
});

const user = (m: MasterFixture) => ({ id: m.tg_user_id, first_name: 'Мастер' });
const idle = () => Promise.all(replicas.map((r) => r.running.idle()));
const lastBotText = (m: MasterFixture) =>
  fake
    .chat(token, m.tg_user_id)
    .filter((x) => x.from?.id !== m.tg_user_id)
    .at(-1)?.text;

async function press(m: MasterFixture, messageId: number, text: string) {
  const pressed = await fake.userPressesButton(token, user(m), { messageId, text });
  expect(pressed).toMatchObject({ via: 'webhook', status: 200 });
  await idle();
  return fake
    .callsOf('answerCallbackQuery', token)
    .find((c) => c.params.callback_query_id === pressed.callbackQueryId)?.params as { text?: string };
}

describe('master bot: two webhook replicas behind a load balancer', () => {
  it('refuses updates without the secret token (401)', async () => {
    const res = await fetch(`${replicas[0]!.httpUrl}/tg/master`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        update_id: 1,
        message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' } },
      }),
    });
    expect(res.status).toBe(401);
  });

  it('two masters accepting one order through different replicas: exactly one winner', async () => {
    const moscow = await getCity(tdb.db, 'Москва');
    const order = await createOrder(tdb.db, { cityId: moscow.city.id, districtId: moscow.districts[0]!.id });
    const [a, b] = [
      await createMaster(tdb.db, { cityId: moscow.city.id }),
      await createMaster(tdb.db, { cityId: moscow.city.id }),
    ];
    const pushes = [];
    for (const m of [a, b]) {
      const offerId = await insertOffer(tdb.db, order.id, m.id);
      pushes.push(await sendPush(tdb.db, tg, { chatId: m.tg_user_id, orderId: order.id, offerId }));
    }
    const before = servedBy.length;
    const answers = await Promise.all([
      press(a, pushes[0]!, '✅ Принять'),
      press(b, pushes[1]!, '✅ Принять'),
    ]);
    // The two presses went to different replicas.
    expect(new Set(servedBy.slice(before))).toEqual(new Set([0, 1]));
    const won = answers.filter((x) => x?.text === `✅ Заказ #${order.id} ваш!`);
    expect(won).toHaveLength(1);
    const row = await tdb.db
      .selectFrom('orders')
      .select(['status', 'assigned_master_id'])
      .where('id', '=', order.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('assigned');
    expect([a.id, b.id]).toContain(row.assigned_master_id);
    const accepted = await tdb.db
      .selectFrom('offers')
      .select('master_id')
      .where('order_id', '=', order.id)
      .where('state', '=', 'accepted')
      .execute();
    expect(accepted).toEqual([{ master_id: row.assigned_master_id }]);
  });

  it('a wizard started on one replica continues on the other', async () => {
    const moscow = await getCity(tdb.db, 'Москва');
    const m = await createMaster(tdb.db, { cityId: moscow.city.id });
    const order = await createOrder(tdb.db, {
      cityId: moscow.city.id,
      districtId: moscow.districts[0]!.id,
      status: 'working',
      assignedMasterId: m.id,
    });
    // Open the card and press ✅ Закрыть, type the amount, confirm it, send the act: the replicas take turns.
    await fake.userSendsText(token, user(m), '/start');
    await idle();
    const menu = fake.chat(token, m.tg_user_id).at(-1)!;
    await press(m, menu.message_id, '📦 Активные заказы');
    const list = fake.chat(token, m.tg_user_id).at(-1)!;
    await press(m, list.message_id, `Открыть #${order.id}`);
    const card = fake.chat(token, m.tg_user_id).at(-1)!;
    const first = servedBy.length;
    await press(m, card.message_id, '✅ Закрыть');
    await fake.userSendsText(token, user(m), '4500');
    await idle();
    // The amount is confirmed (with the commission it implies) before the act.
    expect(lastBotText(m)).toContain('Всё верно?');
    const confirm = fake.chat(token, m.tg_user_id).at(-1)!;
    await press(m, confirm.message_id, '✅ Верно');
    expect(lastBotText(m)).toContain('акт');
    await fake.userSendsPhoto(token, user(m));
    await idle();
    expect(new Set(servedBy.slice(first))).toEqual(new Set([0, 1]));
    const row = await tdb.db
      .selectFrom('orders')
      .select(['status', 'total_amount_kopecks'])
      .where('id', '=', order.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'payment', total_amount_kopecks: 450_000 });
  });
});
