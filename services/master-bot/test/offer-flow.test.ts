import { masterBotSchema, parseConfig } from '@fs/config';
import { QUEUES } from '@fs/queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fs/testkit';
import { Queue } from 'bullmq';
import { BotApiRecorder } from '../../../packages/telegram/test/bot-api-recorder';
import { type MasterBot, startMasterBot } from '../src/app';
import { insertMaster, insertOffer, insertOrder, moscow } from './fixtures';
import { callbackUpdate, pushMessage, textUpdate } from './updates';

const SECRET = 'test-secret-0123456789';
let tdb: TestDatabase;
let redis: TestRedis;
let api: BotApiRecorder;
let mb: MasterBot;
let geo: Awaited<ReturnType<typeof moscow>>;

beforeAll(async () => {
  [tdb, redis, api] = await Promise.all([
    createTestDatabase(),
    createTestRedis(),
    new BotApiRecorder().start(),
  ]);
  geo = await moscow(tdb.db);
  const config = parseConfig('master-bot', masterBotSchema, {
    DATABASE_URL: tdb.url,
    DATABASE_POOL_SIZE: '4',
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    MASTER_BOT_TOKEN: '111111:master-bot-test-token',
    TELEGRAM_API_ROOT: api.url,
    BOT_MODE: 'webhook',
    WEBHOOK_URL: 'https://bots.example.com/tg/master',
    WEBHOOK_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    HTTP_HOST: '127.0.0.1',
  });
  mb = await startMasterBot(config, { httpPort: 0 });
});

afterAll(async () => {
  await mb?.stop();
  await Promise.all([tdb?.drop(), redis?.cleanup(), api?.close()]);
});

beforeEach(() => {
  api.calls.length = 0;
});

/** Everything the bot said to Telegram for one update. */
async function tap(tgUserId: number, data: string, message = pushMessage(1, 1)) {
  const from = api.calls.length;
  const update = callbackUpdate(tgUserId, data, message);
  await mb.bot.handleUpdate(update);
  // Calls after this tap (exact when taps run one at a time); the answer is matched by query id.
  const calls = api.calls.slice(from);
  const queryId = 'callback_query' in update ? update.callback_query.id : '';
  const answers = api.calls.filter(
    (c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === queryId,
  );
  expect(answers).toHaveLength(1);
  return { calls, answer: answers[0]!.params, edits: calls.filter((c) => c.method === 'editMessageText') };
}

async function offerRow(id: number) {
  return tdb.db
    .selectFrom('offers')
    .select(['state', 'master_id'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}
async function orderRow(id: number) {
  return tdb.db
    .selectFrom('orders')
    .select(['status', 'assigned_master_id'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

describe('accept from the push', () => {
  it('the winner gets the order, the push shows the full address and client contacts', async () => {
    const m = await insertMaster(tdb.db, geo.cityId);
    const orderId = await insertOrder(tdb.db, geo);
    const offerId = await insertOffer(tdb.db, orderId, m.id);

    const { answer, edits } = await tap(m.tgUserId, `m:oa:${offerId}`, pushMessage(orderId, offerId));
    expect(answer.text).toBe(`✅ Заказ #${orderId} ваш!`);
    expect(edits).toHaveLength(1);
    const edit = edits[0]!.params as { text: string; parse_mode: string; reply_markup: unknown };
    expect(edit.text).toContain(`✅ Заказ #${orderId} ваш!`);
    expect(edit.text).toContain('ул. Тверская, д. 7, кв. 12');
    expect(edit.text).toContain('Анна &lt;Клиент&gt;');
    expect(edit.text).toContain('+79161234567');
    expect(edit.parse_mode).toBe('HTML');
    expect(edit.reply_markup).toEqual({ inline_keyboard: [] });

    expect(await orderRow(orderId)).toEqual({ status: 'assigned', assigned_master_id: m.id });
    expect((await offerRow(offerId)).state).toBe('accepted');
  });

  it('a loser is told the order is taken; a double tap is "already yours" with one assignment', async () => {
    const a = await insertMaster(tdb.db, geo.cityId);
    const b = await insertMaster(tdb.db, geo.cityId);
    const orderId = await insertOrder(tdb.db, geo);
    const offerA = await insertOffer(tdb.db, orderId, a.id);
    const offerB = await insertOffer(tdb.db, orderId, b.id);

    // A taps twice at once: exactly one win.
    const [t1, t2] = await Promise.all([
      tap(a.tgUserId, `m:oa:${offerA}`, pushMessage(orderId, offerA)),
      tap(a.tgUserId, `m:oa:${offerA}`, pushMessage(orderId, offerA)),
    ]);
    expect([t1.answer.text, t2.answer.text].sort()).toEqual([
      `Заказ #${orderId} уже ваш.`,
      `✅ Заказ #${orderId} ваш!`,
    ]);

    const late = await tap(b.tgUserId, `m:oa:${offerB}`, pushMessage(orderId, offerB));
    expect(late.answer).toEqual(
      expect.objectContaining({ text: 'Заказ уже взят другим мастером', show_alert: true }),
    );
    const edit = late.edits[0]!.params as { text: string; entities: unknown[]; reply_markup: unknown };
    expect(edit.text.startsWith(`🆕 Новый заказ #${orderId}`)).toBe(true);
    expect(edit.text.endsWith('❌ Заказ уже взят другим мастером')).toBe(true);
    expect(edit.entities).toEqual(pushMessage(orderId, offerB).entities);
    expect(edit.reply_markup).toEqual({ inline_keyboard: [] });

    const again = await tap(a.tgUserId, `m:oa:${offerA}`, pushMessage(orderId, offerA));
    expect(again.answer.text).toBe(`Заказ #${orderId} уже ваш.`);

    expect(await orderRow(orderId)).toEqual({ status: 'assigned', assigned_master_id: a.id });
    const accepted = await tdb.db
      .selectFrom('offers')
      .select('id')
      .where('order_id', '=', orderId)
      .where('state', '=', 'accepted')
      .execute();
    expect(accepted).toEqual([{ id: offerA }]);
    const history = await tdb.db
      .selectFrom('order_status_history')
      .select('id')
      .where('order_id', '=', orderId)
      .where('to_status', '=', 'assigned')
      .execute();
    expect(history).toHaveLength(1);
  });

  it('a forged callback for another master’s offer is refused and changes nothing', async () => {
    const owner = await insertMaster(tdb.db, geo.cityId);
    const forger = await insertMaster(tdb.db, geo.cityId);
    const orderId = await insertOrder(tdb.db, geo);
    const offerId = await insertOffer(tdb.db, orderId, owner.id);

    for (const data of [`m:oa:${offerId}`, `m:od:${offerId}`, `m:odc:${offerId}`, `m:odn:${offerId}`]) {
      const { answer, calls } = await tap(forger.tgUserId, data, pushMessage(orderId, offerId));
      expect(answer).toEqual(
        expect.objectContaining({ text: 'Это предложение адресовано другому мастеру.', show_alert: true }),
      );
      expect(calls.map((c) => c.method)).toEqual(['answerCallbackQuery']);
    }
    expect(await offerRow(offerId)).toEqual({ state: 'sent', master_id: owner.id });
    expect(await orderRow(orderId)).toEqual({ status: 'searching', assigned_master_id: null });
  });

  it('expired offer, limit reached, unknown user and unknown offer get clear answers', async () => {
    const m = await insertMaster(tdb.db, geo.cityId);
    const expiredOrder = await insertOrder(tdb.db, geo);
    const expired = await insertOffer(tdb.db, expiredOrder, m.id, -5);
    const r1 = await tap(m.tgUserId, `m:oa:${expired}`, pushMessage(expiredOrder, expired));
    expect(r1.answer.text).toBe('Время на ответ истекло');
    expect((r1.edits[0]!.params as { text: string }).text).toMatch(/Время на ответ истекло$/);

    const busy = await insertMaster(tdb.db, geo.cityId);
    await insertOrder(tdb.db, geo, { status: 'assigned', assigned_master_id: busy.id });
    const orderId = await insertOrder(tdb.db, geo);
    const offerId = await insertOffer(tdb.db, orderId, busy.id);
    const r2 = await tap(busy.tgUserId, `m:oa:${offerId}`, pushMessage(orderId, offerId));
    expect(r2.answer.text).toMatch(/^Достигнут лимит активных заказов/);
    expect(r2.edits).toHaveLength(0);
    expect((await offerRow(offerId)).state).toBe('sent');

    const r3 = await tap(123, `m:oa:${offerId}`);
    expect(r3.answer.text).toBe('Вы не зарегистрированы как мастер. Нажмите /start.');
    expect((await offerRow(offerId)).state).toBe('sent');

    const r4 = await tap(m.tgUserId, 'm:oa:999999');
    expect(r4.answer.text).toBe('Заказ не найден.');
    expect(r4.calls).toHaveLength(1);
  });
});

describe('decline from the push', () => {
  it('asks for confirmation, "back" restores the buttons, confirm declines and wakes the scheduler', async () => {
    const m = await insertMaster(tdb.db, geo.cityId);
    const orderId = await insertOrder(tdb.db, geo);
    const offerId = await insertOffer(tdb.db, orderId, m.id);
    const push = pushMessage(orderId, offerId);

    const ask = await tap(m.tgUserId, `m:od:${offerId}`, push);
    const asked = ask.edits[0]!.params as { text: string; entities: unknown[]; reply_markup: unknown };
    expect(asked.text).toBe(`${push.text}\n\n⚠️ Вы уверены, что хотите отклонить заказ #${orderId}?`);
    expect(asked.entities).toEqual(push.entities);
    expect(asked.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: 'Да, отказаться', callback_data: `m:odc:${offerId}` },
          { text: '⬅️ Назад', callback_data: `m:odn:${offerId}` },
        ],
      ],
    });
    expect((await offerRow(offerId)).state).toBe('sent');

    const back = await tap(m.tgUserId, `m:odn:${offerId}`, { ...push, text: asked.text });
    const restored = back.edits[0]!.params as {
      text: string;
      reply_markup: { inline_keyboard: unknown[][] };
    };
    expect(restored.text).toBe(push.text);
    expect(restored.reply_markup.inline_keyboard[0]).toEqual([
      expect.objectContaining({ callback_data: `m:oa:${offerId}` }),
      expect.objectContaining({ callback_data: `m:od:${offerId}` }),
    ]);

    const done = await tap(m.tgUserId, `m:odc:${offerId}`, { ...push, text: asked.text });
    expect(done.answer.text).toBe(`✖️ Вы отказались от заказа #${orderId}`);
    expect((done.edits[0]!.params as { text: string }).text).toBe(`✖️ Вы отказались от заказа #${orderId}`);
    expect((await offerRow(offerId)).state).toBe('declined');

    const queue = new Queue(QUEUES.distribution, { connection: redis.connection, prefix: redis.prefix });
    try {
      const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
      expect(jobs.map((j) => j.data)).toContainEqual(
        expect.objectContaining({ orderId, reason: 'offer_declined' }),
      );
    } finally {
      await queue.close();
    }

    // A second confirm (stale button): nothing more happens.
    const twice = await tap(m.tgUserId, `m:odc:${offerId}`, { ...push, text: asked.text });
    expect(twice.answer.text).toBe('Предложение уже неактуально.');
    expect((await offerRow(offerId)).state).toBe('declined');
  });
});

describe('other updates', () => {
  it('a malformed callback is answered as outdated and changes nothing', async () => {
    const m = await insertMaster(tdb.db, geo.cityId);
    const orderId = await insertOrder(tdb.db, geo);
    const offerId = await insertOffer(tdb.db, orderId, m.id);
    for (const data of ['m:oa:abc', `m:oa:${offerId}:1`, 'm:oa:-1', 'hello', `a:o:${orderId}`]) {
      const { answer, calls } = await tap(m.tgUserId, data);
      expect(answer.text).toBe('Кнопка устарела. Откройте меню: /start');
      expect(calls).toHaveLength(1);
    }
    expect(await offerRow(offerId)).toEqual({ state: 'sent', master_id: m.id });
  });

  it('/start greets a registered master and tells strangers registration comes soon', async () => {
    const m = await insertMaster(tdb.db, geo.cityId);
    await mb.bot.handleUpdate(textUpdate(m.tgUserId, '/start'));
    await mb.bot.handleUpdate(textUpdate(424242, '/start'));
    const [known, stranger] = api.callsOf('sendMessage').map((c) => String(c.params.text));
    expect(known).toContain(`Мастер ${m.tgUserId}`);
    expect(known).toContain('Новые заказы приходят сюда');
    expect(stranger).toContain('Регистрация мастеров');
  });

  it('webhook mode: 401 without the secret, 200 with it, and the update is handled; health is served', async () => {
    const url = `${mb.httpUrl}/tg/master`;
    const body = JSON.stringify(textUpdate(777001, '/start'));
    const headers = { 'content-type': 'application/json' };
    expect((await fetch(url, { method: 'POST', headers, body })).status).toBe(401);
    const ok = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'x-telegram-bot-api-secret-token': SECRET },
      body,
    });
    expect(ok.status).toBe(200);
    const reply = await api.waitFor('sendMessage', (c) => Number(c.params.chat_id) === 777001);
    expect(String(reply.params.text)).toContain('Регистрация мастеров');
    expect(api.callsOf('setWebhook')).toHaveLength(0); // set at start-up, before this test's reset
    expect((await fetch(`${mb.httpUrl}/health/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${mb.httpUrl}/metrics`)).text();
    expect(metrics).toContain('bot_updates_total');
  });
});
