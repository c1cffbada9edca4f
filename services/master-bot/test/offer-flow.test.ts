import { masterBotSchema, parseConfig } from '@fs/config';
import { loadOrderSnapshot } from '@fs/dispatch';
import {
  type NewOfferPayload,
  OFFER_CLOSED_LINES,
  type OfferClosedPayload,
  type OfferClosedReason,
  renderNotification,
} from '@fs/domain';
import { QUEUES } from '@fs/queue';
import {
  type CityFixture,
  createMaster,
  createOrder,
  createTestDatabase,
  createTestRedis,
  FakeTelegram,
  getCity,
  type MasterFixture,
  parseHtml,
  type TestDatabase,
  type TestRedis,
} from '@fs/testkit';
import { Queue } from 'bullmq';
import { type MasterBot, startMasterBot } from '../src/app';
import { insertOffer, sendPush, Telegram } from './fixtures';

const SECRET = 'test-secret-0123456789';
const PUBLIC_URL = 'https://bots.example.com';
let tdb: TestDatabase;
let redis: TestRedis;
let fake: FakeTelegram;
let token: string;
let tg: Telegram;
let mb: MasterBot;
let moscow: CityFixture;

beforeAll(async () => {
  fake = new FakeTelegram();
  [tdb, redis] = await Promise.all([createTestDatabase(), createTestRedis(), fake.start()]);
  token = fake.createBot({ username: 'master_test_bot' });
  tg = new Telegram(token, { apiRoot: fake.apiRoot });
  moscow = await getCity(tdb.db, 'Москва');
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
  mb = await startMasterBot(config, { httpPort: 0 });
  // Telegram delivers to the public URL; here that is the bot's own HTTP server.
  fake.mapWebhookUrl(PUBLIC_URL, mb.httpUrl);
});

afterAll(async () => {
  await mb?.stop();
  await Promise.all([tdb?.drop(), redis?.cleanup(), fake?.stop()]);
});

const user = (m: MasterFixture) => ({ id: m.tg_user_id, first_name: 'Мастер' });

/** A master with an open offer for a fresh order, and the push in their chat. */
async function offered(master?: MasterFixture, orderId?: number, expiresInSeconds = 120) {
  const m = master ?? (await createMaster(tdb.db, { cityId: moscow.city.id }));
  const order =
    orderId ??
    (
      await createOrder(tdb.db, {
        cityId: moscow.city.id,
        districtId: moscow.districts[0]!.id,
        clientName: 'Анна <Клиент>',
        clientPhone: '+79161234567',
        street: 'ул. Тверская',
        house: '7',
        apartment: '12',
      })
    ).id;
  const offerId = await insertOffer(tdb.db, order, m.id, expiresInSeconds);
  const messageId = await sendPush(tdb.db, tg, { chatId: m.tg_user_id, orderId: order, offerId });
  return { master: m, orderId: order, offerId, messageId };
}

/** The master taps a button of a message (by label, or any data when forged); waits until handled. */
async function tap(
  m: MasterFixture,
  messageId: number,
  button: { text?: string; data?: string; unchecked?: boolean },
) {
  const pressed = await fake.userPressesButton(token, user(m), { messageId, ...button });
  expect(pressed).toMatchObject({ via: 'webhook', status: 200 });
  await mb.running.idle();
  const answers = fake
    .callsOf('answerCallbackQuery', token)
    .filter((c) => c.params.callback_query_id === pressed.callbackQueryId);
  expect(answers).toHaveLength(1);
  return answers[0]!.params as { text?: string; show_alert?: boolean };
}

const shown = (m: MasterFixture, messageId: number) => fake.message(token, m.tg_user_id, messageId)!;
const buttonsOf = (m: MasterFixture, messageId: number) =>
  (shown(m, messageId).reply_markup?.inline_keyboard ?? []).flat().map((b) => b.callback_data);

/**
 * What the sender edits the recorded copy of a closed offer's push into (plan.ts: the
 * offer_closed payload, the order lines from the push's new_offer row, else the current order),
 * as the chat shows it.
 */
async function closedPush(offerId: number, orderId: number, reason: OfferClosedReason) {
  const push = await tdb.db
    .selectFrom('notifications_outbox')
    .select('payload')
    .where('offer_id', '=', offerId)
    .where('event', '=', 'new_offer')
    .executeTakeFirst();
  const order = (push?.payload as NewOfferPayload | undefined) ?? (await loadOrderSnapshot(tdb.db, orderId))!;
  const payload: OfferClosedPayload = { offer_id: offerId, order_id: orderId, reason, order };
  return parseHtml(renderNotification('offer_closed', payload, new Date()).text).text;
}

const offerRow = (id: number) =>
  tdb.db.selectFrom('offers').select(['state', 'master_id']).where('id', '=', id).executeTakeFirstOrThrow();
const orderRow = (id: number) =>
  tdb.db
    .selectFrom('orders')
    .select(['status', 'assigned_master_id'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('accept from the push', () => {
  it('the winner gets the order; the push now shows the full address and client contacts', async () => {
    const { master, orderId, offerId, messageId } = await offered();
    expect(buttonsOf(master, messageId)).toEqual([`m:oa:${offerId}`, `m:od:${offerId}`]);
    expect(shown(master, messageId).text).not.toContain('+79161234567');
    expect(shown(master, messageId).text).not.toContain('123-45-67');

    const answer = await tap(master, messageId, { text: '✅ Принять' });
    expect(answer.text).toBe(`✅ Заказ #${orderId} ваш!`);
    const card = shown(master, messageId);
    expect(card.text).toContain(`✅ Заказ #${orderId} ваш!`);
    expect(card.text).toContain('ул. Тверская, д. 7, кв. 12');
    expect(card.text).toContain('Анна <Клиент>');
    expect(card.text).toContain('📞 +7 916 123-45-67');
    expect(card.entities).toContainEqual(expect.objectContaining({ type: 'text_link' }));
    expect(buttonsOf(master, messageId)).toEqual([]);

    expect(await orderRow(orderId)).toEqual({ status: 'assigned', assigned_master_id: master.id });
    expect((await offerRow(offerId)).state).toBe('accepted');
  });

  it('a double tap is "already yours" with one assignment; a loser is told the order is taken', async () => {
    const a = await offered();
    const b = await offered(undefined, a.orderId);

    // A taps twice at the same moment: exactly one win.
    const [t1, t2] = await Promise.all([
      tap(a.master, a.messageId, { text: '✅ Принять' }),
      tap(a.master, a.messageId, { text: '✅ Принять' }),
    ]);
    expect([t1.text, t2.text].sort()).toEqual([
      `Заказ #${a.orderId} уже ваш.`,
      `✅ Заказ #${a.orderId} ваш!`,
    ]);

    const late = await tap(b.master, b.messageId, { text: '✅ Принять' });
    expect(late).toEqual(
      expect.objectContaining({ text: '🔒 Заказ взят другим мастером', show_alert: true }),
    );
    // The push becomes what the sender's offer_closed edit makes of it.
    const after = shown(b.master, b.messageId);
    expect(after.text).toBe(await closedPush(b.offerId, b.orderId, 'taken'));
    expect(after.text).toMatch(/\n🔒 Заказ взят другим мастером$/);
    expect(after.entities?.[0]).toEqual(expect.objectContaining({ type: 'bold', offset: 0 }));
    expect(buttonsOf(b.master, b.messageId)).toEqual([]);

    expect(await orderRow(a.orderId)).toEqual({ status: 'assigned', assigned_master_id: a.master.id });
    const accepted = await tdb.db
      .selectFrom('offers')
      .select('id')
      .where('order_id', '=', a.orderId)
      .where('state', '=', 'accepted')
      .execute();
    expect(accepted).toEqual([{ id: a.offerId }]);
    const history = await tdb.db
      .selectFrom('order_status_history')
      .select('id')
      .where('order_id', '=', a.orderId)
      .where('to_status', '=', 'assigned')
      .execute();
    expect(history).toHaveLength(1);
  });

  it('a forged callback for another master’s offer is refused and changes nothing', async () => {
    const victim = await offered();
    const forger = await offered();
    const before = shown(forger.master, forger.messageId);
    for (const code of ['oa', 'od', 'odc', 'odn']) {
      const answer = await tap(forger.master, forger.messageId, {
        data: `m:${code}:${victim.offerId}`,
        unchecked: true,
      });
      expect(answer).toEqual({
        callback_query_id: expect.any(String),
        text: 'Это предложение адресовано другому мастеру.',
        show_alert: true,
      });
    }
    expect(shown(forger.master, forger.messageId)).toEqual(before);
    expect(await offerRow(victim.offerId)).toEqual({ state: 'sent', master_id: victim.master.id });
    expect(await orderRow(victim.orderId)).toEqual({ status: 'searching', assigned_master_id: null });
  });

  it('expired offer, limit reached, cancelled order and unknown user get clear answers', async () => {
    const late = await offered(undefined, undefined, -5);
    expect((await tap(late.master, late.messageId, { text: '✅ Принять' })).text).toBe(
      '⌛ Время на ответ истекло',
    );
    expect(shown(late.master, late.messageId).text).toBe(
      await closedPush(late.offerId, late.orderId, 'expired'),
    );
    expect(buttonsOf(late.master, late.messageId)).toEqual([]);

    const busyMaster = await createMaster(tdb.db, { cityId: moscow.city.id });
    await createOrder(tdb.db, {
      cityId: moscow.city.id,
      status: 'assigned',
      assignedMasterId: busyMaster.id,
    });
    const busy = await offered(busyMaster);
    const answer = await tap(busyMaster, busy.messageId, { text: '✅ Принять' });
    expect(answer.text).toMatch(/^Достигнут лимит активных заказов/);
    expect(buttonsOf(busyMaster, busy.messageId)).toEqual([`m:oa:${busy.offerId}`, `m:od:${busy.offerId}`]);
    expect((await offerRow(busy.offerId)).state).toBe('sent');

    const canceled = await offered();
    await tdb.db
      .updateTable('orders')
      .set({ status: 'canceled' })
      .where('id', '=', canceled.orderId)
      .execute();
    const closedAnswer = await tap(canceled.master, canceled.messageId, { text: '✅ Принять' });
    expect(closedAnswer.text).toBe('❌ Заказ отменён');
    expect(shown(canceled.master, canceled.messageId).text).toMatch(/\n❌ Заказ отменён$/);
    expect(buttonsOf(canceled.master, canceled.messageId)).toEqual([]);
    expect((await offerRow(canceled.offerId)).state).toBe('sent');

    // A stranger somehow holding a push (e.g. a forwarded chat): not a master.
    const strangerPush = await sendPush(tdb.db, tg, {
      chatId: 4242,
      orderId: busy.orderId,
      offerId: busy.offerId,
      unrecorded: true,
    });
    const stranger = { id: 4242, tg_user_id: 4242 } as MasterFixture;
    expect((await tap(stranger, strangerPush, { text: '✅ Принять' })).text).toBe(
      'Вы не зарегистрированы как мастер. Нажмите /start.',
    );
    expect((await offerRow(busy.offerId)).state).toBe('sent');
  });
});

describe('a stale copy of a push', () => {
  it('a late copy of a withdrawn offer is edited closed on its first tap, saying why', async () => {
    const m = await createMaster(tdb.db, { cityId: moscow.city.id });
    const order = await createOrder(tdb.db, { cityId: moscow.city.id, districtId: moscow.districts[0]!.id });
    const offerId = await insertOffer(tdb.db, order.id, m.id);
    // The send timed out (the sender never learned this copy's id), the deadline passed and the
    // scheduler withdrew the offer; the copy reached the master after all.
    const messageId = await sendPush(tdb.db, tg, {
      chatId: m.tg_user_id,
      orderId: order.id,
      offerId,
      unrecorded: true,
    });
    await tdb.db.updateTable('offers').set({ state: 'withdrawn' }).where('id', '=', offerId).execute();
    const answer = await tap(m, messageId, { text: '✅ Принять' });
    expect(answer.text).toBe(OFFER_CLOSED_LINES.withdrawn);
    expect(answer.text).toMatch(/^📭 .*Заказ может прийти вам снова$/);
    expect(shown(m, messageId).text).toBe(await closedPush(offerId, order.id, 'withdrawn'));
    expect(buttonsOf(m, messageId)).toEqual([]);
    expect((await offerRow(offerId)).state).toBe('withdrawn');
  });

  it('two copies of one push, the offer taken by another master: tapping the unknown copy closes THAT copy with the reason', async () => {
    const { master, orderId, offerId, messageId: recorded } = await offered();
    // The push as the sender sent it (its new_offer row), then a second copy: the first send
    // timed out after Telegram had delivered it, the retry delivered again; only the retry's
    // message id was recorded. Which copy is "unknown" does not matter to the bot.
    const snapshot = (await loadOrderSnapshot(tdb.db, orderId))!;
    await tdb.db
      .insertInto('notifications_outbox')
      .values({
        bot: 'master',
        event: 'new_offer',
        master_id: master.id,
        order_id: orderId,
        offer_id: offerId,
        payload: JSON.stringify({ ...snapshot, offer_id: offerId, expires_at: new Date().toISOString() }),
        status: 'sent',
      })
      .execute();
    const unknown = await sendPush(tdb.db, tg, {
      chatId: master.tg_user_id,
      orderId,
      offerId,
      unrecorded: true,
    });
    expect(unknown).not.toBe(recorded);
    const recordedBefore = shown(master, recorded);

    // Another master takes the order through their own push.
    const winner = await offered(undefined, orderId);
    expect((await tap(winner.master, winner.messageId, { text: '✅ Принять' })).text).toBe(
      `✅ Заказ #${orderId} ваш!`,
    );
    expect(await offerRow(offerId)).toEqual({ state: 'canceled', master_id: master.id });

    const answer = await tap(master, unknown, { text: '✅ Принять' });
    expect(answer).toEqual(
      expect.objectContaining({ text: '🔒 Заказ взят другим мастером', show_alert: true }),
    );
    // The tapped copy is now exactly what the sender edits the recorded copy into.
    const closed = await closedPush(offerId, orderId, 'taken');
    expect(shown(master, unknown).text).toBe(closed);
    expect(closed).toContain(snapshot.district ?? '');
    expect(closed).not.toContain('Ответьте в течение');
    expect(buttonsOf(master, unknown)).toEqual([]);
    // The bot edited the callback's message, not the recorded one (that is the sender's offer_closed edit).
    expect(shown(master, recorded)).toEqual(recordedBefore);
    const offerClosed = await tdb.db
      .selectFrom('notifications_outbox')
      .select('payload')
      .where('offer_id', '=', offerId)
      .where('event', '=', 'offer_closed')
      .executeTakeFirstOrThrow();
    expect(offerClosed.payload).toMatchObject({ reason: 'taken' });
    expect(await orderRow(orderId)).toEqual({ status: 'assigned', assigned_master_id: winner.master.id });
  });

  it('a copy of an offer the master declined says so; its decline button too', async () => {
    const { master, orderId, offerId, messageId } = await offered();
    const copy = await sendPush(tdb.db, tg, {
      chatId: master.tg_user_id,
      orderId,
      offerId,
      unrecorded: true,
    });
    await tap(master, messageId, { text: '✖️ Отказаться' });
    await tap(master, messageId, { text: 'Да, отказаться' });
    expect((await offerRow(offerId)).state).toBe('declined');

    expect((await tap(master, copy, { text: '✖️ Отказаться' })).text).toBe('✖️ Вы отказались');
    expect(shown(master, copy).text).toBe(await closedPush(offerId, orderId, 'declined'));
    expect(buttonsOf(master, copy)).toEqual([]);
    expect((await offerRow(offerId)).state).toBe('declined');
  });
});

describe('decline from the push', () => {
  it('asks for confirmation, «Назад» restores the buttons, confirming declines and wakes the scheduler', async () => {
    const { master, orderId, offerId, messageId } = await offered();
    const push = shown(master, messageId);

    await tap(master, messageId, { text: '✖️ Отказаться' });
    const asking = shown(master, messageId);
    expect(asking.text).toBe(`${push.text}\n\n⚠️ Вы уверены, что хотите отклонить заказ #${orderId}?`);
    expect(asking.entities).toEqual(push.entities);
    expect(buttonsOf(master, messageId)).toEqual([`m:odc:${offerId}`, `m:odn:${offerId}`]);
    expect((await offerRow(offerId)).state).toBe('sent');

    await tap(master, messageId, { text: '⬅️ Назад' });
    expect(shown(master, messageId).text).toBe(push.text);
    expect(buttonsOf(master, messageId)).toEqual([`m:oa:${offerId}`, `m:od:${offerId}`]);

    await tap(master, messageId, { text: '✖️ Отказаться' });
    const done = await tap(master, messageId, { text: 'Да, отказаться' });
    expect(done.text).toBe(`✖️ Вы отказались от заказа #${orderId}`);
    expect(shown(master, messageId).text).toBe(`✖️ Вы отказались от заказа #${orderId}`);
    expect(buttonsOf(master, messageId)).toEqual([]);
    expect((await offerRow(offerId)).state).toBe('declined');

    const queue = new Queue(QUEUES.distribution, { connection: redis.connection, prefix: redis.prefix });
    try {
      const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
      expect(jobs.map((j) => j.data)).toContainEqual({ orderId, reason: 'offer_declined' });
    } finally {
      await queue.close();
    }
  });

  it('a stale confirmation after the offer closed changes nothing', async () => {
    const { master, orderId, offerId, messageId } = await offered();
    await tap(master, messageId, { text: '✖️ Отказаться' });
    await tdb.db.updateTable('offers').set({ state: 'expired' }).where('id', '=', offerId).execute();
    const answer = await tap(master, messageId, { text: 'Да, отказаться' });
    expect(answer.text).toBe('⌛ Время на ответ истекло');
    expect((await offerRow(offerId)).state).toBe('expired');
    expect(shown(master, messageId).text).toBe(await closedPush(offerId, orderId, 'expired'));
    expect(shown(master, messageId).text).not.toContain('Вы уверены');
    expect(buttonsOf(master, messageId)).toEqual([]);
  });
});

describe('other updates', () => {
  it('a malformed callback is answered as outdated and changes nothing', async () => {
    const { master, offerId, orderId, messageId } = await offered();
    const before = shown(master, messageId);
    for (const data of ['m:oa:abc', `m:oa:${offerId}:1`, 'm:oa:-1', 'hello', `a:o:${orderId}`, 'm:oa:0']) {
      const answer = await tap(master, messageId, { data, unchecked: true });
      expect(answer.text).toBe('Кнопка устарела. Откройте меню: /start');
    }
    expect(shown(master, messageId)).toEqual(before);
    expect(await offerRow(offerId)).toEqual({ state: 'sent', master_id: master.id });
  });

  it('/start greets a registered master and asks strangers for consent to register', async () => {
    const m = await createMaster(tdb.db, { cityId: moscow.city.id, fullName: 'Пётр Иванов' });
    await fake.userSendsText(token, user(m), '/start');
    await fake.userSendsText(token, { id: 424_243, first_name: 'Гость' }, '/start');
    await mb.running.idle();
    const [greeting] = fake.sentMessages(token, m.tg_user_id).slice(-1);
    expect(greeting?.text).toContain('Здравствуйте, Пётр Иванов!');
    expect(greeting?.text).toContain('Новые заказы приходят сюда');
    expect(fake.sentMessages(token, 424_243)[0]?.text).toContain('Согласие на обработку персональных данных');
  });

  it('a master who unblocked the bot and writes to it is reachable again', async () => {
    const m = await createMaster(tdb.db, { cityId: moscow.city.id, isUnreachable: true });
    await fake.userSendsText(token, user(m), '/start');
    await mb.running.idle();
    await fake.waitFor((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === m.tg_user_id);
    const row = await tdb.db
      .selectFrom('masters')
      .select('is_unreachable')
      .where('id', '=', m.id)
      .executeTakeFirstOrThrow();
    expect(row.is_unreachable).toBe(false);
  });

  it('webhook: 401 without the secret, nothing handled; health and metrics are served', async () => {
    const res = await fetch(`${mb.httpUrl}/tg/master`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        update_id: 1,
        message: { message_id: 1, date: 0, chat: { id: 5, type: 'private' }, text: '/start' },
      }),
    });
    expect(res.status).toBe(401);
    expect(fake.webhook(token)).toEqual({ url: `${PUBLIC_URL}/tg/master`, secretToken: SECRET });
    expect((await fetch(`${mb.httpUrl}/health/ready`)).status).toBe(200);
    expect(await (await fetch(`${mb.httpUrl}/metrics`)).text()).toContain('bot_updates_total');
  });
});
