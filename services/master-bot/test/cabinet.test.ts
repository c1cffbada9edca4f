import { writeSetting } from '@fs/db';
import { processCommissionDeadlines } from '@fs/dispatch';
import { localDateOf, overdueBlockReason } from '@fs/domain';
import { createRedis } from '@fs/queue';
import { createMaster, createOrder, createStaff, type MasterFixture } from '@fs/testkit';
import { type BotHarness, driver, startHarness } from './harness';

let h: BotHarness;
let d: ReturnType<typeof driver>;

beforeAll(async () => {
  h = await startHarness();
  d = driver(h);
  await writeSetting(h.tdb.db, 'support_contact', '@fs_help', null);
});
afterAll(async () => {
  await h?.close();
});

const HOUR = 3_600_000;
const NB = '\u00a0';
/**
 * The bot's clock, pinned per test: fixtures are dated from it, so a test that runs across
 * midnight (Moscow) still sees "сегодня" where it wrote today's rows.
 */
let NOW: Date;
beforeEach(() => {
  NOW = new Date();
  h.pinClock(NOW);
});
afterEach(() => h.pinClock(undefined));
/** "сегодня 14:05" / "завтра 01:05" for an instant of NOW's day or the next one, in Moscow. */
function moscowMoment(at: Date): string {
  const day = (d: Date) => localDateOf(d, 'Europe/Moscow');
  const time = new Intl.DateTimeFormat('ru-RU', {
    timeZone: 'Europe/Moscow',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  return `${day(at) === day(NOW) ? 'сегодня' : 'завтра'} ${time}`;
}

async function closedOrder(m: MasterFixture, totalKopecks: number, closedAt = NOW) {
  return createOrder(h.tdb.db, {
    cityId: h.moscow.city.id,
    status: 'closed',
    assignedMasterId: m.id,
    clientName: 'Анна Клиентова',
    clientPhone: '+79165554433',
    street: 'ул. Тверская',
    house: '7',
    overrides: { total_amount_kopecks: totalKopecks, closed_at: closedAt },
  });
}

/** A commission on a fresh payment-status order of `m`. */
async function commissionOf(
  m: MasterFixture,
  opts: { status?: 'wait_pay' | 'overdue' | 'approved'; deadline?: Date; payTo?: object } = {},
) {
  const order = await createOrder(h.tdb.db, {
    cityId: h.moscow.city.id,
    status: 'payment',
    assignedMasterId: m.id,
    overrides: { total_amount_kopecks: 500_000 },
  });
  const row = await h.tdb.db
    .insertInto('commissions')
    .values({
      order_id: order.id,
      master_id: m.id,
      amount_kopecks: 250_000,
      rate: '0.5000',
      status: opts.status ?? 'wait_pay',
      deadline_at: opts.deadline ?? new Date(NOW.getTime() + 3 * HOUR),
      pay_to_snapshot: JSON.stringify(
        opts.payTo ?? { card_number: '2200 1111 2222 3333', card_holder: 'Иван <В.>' },
      ),
      ...(opts.status === 'approved' ? { approved_at: NOW } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, orderId: order.id };
}

const commissionRow = (id: number) =>
  h.tdb.db
    .selectFrom('commissions')
    .select(['status', 'reported_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

/** /start then a menu button; returns the menu message id (now showing that screen). */
async function open(m: MasterFixture, button: string) {
  const menu = await d.menu(m);
  await d.tap(m, menu.message_id, { text: button });
  return menu.message_id;
}

describe('history', () => {
  it('closed and canceled orders, 5 per page, totals, a card; foreign and active orders refused', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const other = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const closed = [];
    for (let i = 0; i < 5; i++)
      closed.push(await closedOrder(m, 100_000 * (i + 1), new Date(NOW.getTime() - i * HOUR)));
    const canceled = await createOrder(h.tdb.db, {
      cityId: h.moscow.city.id,
      status: 'canceled',
      assignedMasterId: m.id,
      overrides: { cancel_reason: 'Клиент <передумал>', closed_at: new Date(NOW.getTime() - 10 * HOUR) },
    });
    const foreign = await closedOrder(other, 999_900);
    const active = await createOrder(h.tdb.db, {
      cityId: h.moscow.city.id,
      status: 'assigned',
      assignedMasterId: m.id,
    });

    const msg = await open(m, '📜 История заказов');
    const page1 = d.shown(m, msg).text!;
    expect(page1).toContain('Страница 1/2 • всего: 6');
    expect(page1).toContain(`✅ Выполнено: 5 на 15${NB}000${NB}₽`);
    expect(page1).toContain('🚫 Отменено: 1');
    expect(page1).toContain(`✅ #${closed[0]!.id} • ${moscowMoment(NOW)} • `);
    expect(d.buttons(m, msg)).toEqual([...closed.map((o) => `Заказ #${o.id}`), 'Вперёд ▶️', '🏠 Меню']);
    await d.tap(m, msg, { text: 'Вперёд ▶️' });
    expect(d.shown(m, msg).text).toContain('Страница 2/2 • всего: 6');
    expect(d.shown(m, msg).text).toContain(`🚫 #${canceled.id}`);
    expect(d.buttons(m, msg)).toEqual([`Заказ #${canceled.id}`, '◀️ Назад', '🏠 Меню']);

    await d.tap(m, msg, { text: `Заказ #${canceled.id}` });
    const card = d.shown(m, msg).text!;
    expect(card).toContain(`Заказ #${canceled.id}`);
    expect(card).toContain('Статус: Заказ отменён');
    expect(card).toContain('Причина отмены: Клиент <передумал>');
    expect(d.data(m, msg)).toEqual(['m:kh:1', 'm:menu']);

    await d.tap(m, msg, { text: '⬅️ Назад' });
    await d.tap(m, msg, { text: '◀️ Назад' });
    await d.tap(m, msg, { text: `Заказ #${closed[1]!.id}` });
    expect(d.shown(m, msg).text).toContain(`💰 Сумма заказа: 2${NB}000${NB}₽`);
    expect(d.shown(m, msg).text).toContain('Статус: Заказ закрыт');

    for (const id of [foreign.id, active.id]) {
      const answer = await d.tap(m, msg, { data: `m:khc:${id}:0`, unchecked: true });
      expect(answer).toEqual(
        expect.objectContaining({ text: 'Заказ не найден в вашей истории.', show_alert: true }),
      );
    }
    expect(d.shown(m, msg).text).not.toContain('9 999');
  });

  it('an empty history says so', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const msg = await open(m, '📜 История заказов');
    expect(d.shown(m, msg).text).toBe(
      '📜 История заказов\n\nЗдесь появятся закрытые и отменённые заказы. Берите новые заказы в меню.',
    );
  });
});

describe('statistics', () => {
  it('week / month / all: completed, revenue, average check, rating, acceptance rate, median response', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id, rating: 4.8 });
    await closedOrder(m, 300_000, new Date(NOW.getTime() - 2 * 86_400_000));
    await closedOrder(m, 500_000, new Date(NOW.getTime() - 3 * 86_400_000));
    await closedOrder(m, 1_000_000, new Date(NOW.getTime() - 20 * 86_400_000));
    await closedOrder(m, 200_000, new Date(NOW.getTime() - 100 * 86_400_000));
    const offer = async (
      state: 'accepted' | 'declined' | 'expired',
      respondS: number | null,
      daysAgo = 1,
    ) => {
      const sent = new Date(NOW.getTime() - daysAgo * 86_400_000);
      const order = await createOrder(h.tdb.db, { cityId: h.moscow.city.id });
      return {
        order_id: order.id,
        master_id: m.id,
        round_number: 1,
        state,
        sent_at: sent,
        expires_at: new Date(sent.getTime() + 120_000),
        responded_at: respondS === null ? null : new Date(sent.getTime() + respondS * 1000),
      };
    };
    await h.tdb.db
      .insertInto('offers')
      .values(
        await Promise.all([
          offer('accepted', 20),
          offer('declined', 40),
          offer('expired', null),
          offer('declined', 90),
          offer('accepted', 600, 40),
        ]),
      )
      .execute();

    const msg = await open(m, '📈 Статистика');
    expect(d.shown(m, msg).text).toBe(
      [
        '📈 Статистика за 7 дней',
        '',
        '✅ Выполнено заказов: 2',
        `💰 Выручка: 8${NB}000${NB}₽`,
        `🧾 Средний чек: 4${NB}000${NB}₽`,
        '⭐️ Рейтинг: 4,8',
        '🎯 Принято предложений: 25 % (1 из 4)',
        '⏱ Медианное время ответа: 40 сек',
        '',
        'Выполненные — заказы, закрытые вами (с актом). Время ответа — от предложения до вашего «Взять» или «Отказаться».',
      ].join('\n'),
    );
    expect(d.buttons(m, msg)).toEqual(['• 7 дней', '30 дней', 'Всё время', '🏠 Меню']);

    await d.tap(m, msg, { text: '30 дней' });
    expect(d.shown(m, msg).text).toContain('✅ Выполнено заказов: 3');
    expect(d.shown(m, msg).text).toContain(`💰 Выручка: 18${NB}000${NB}₽`);

    await d.tap(m, msg, { text: 'Всё время' });
    const all = d.shown(m, msg).text!;
    expect(all).toContain('📈 Статистика за всё время');
    expect(all).toContain('✅ Выполнено заказов: 4');
    expect(all).toContain(`🧾 Средний чек: 5${NB}000${NB}₽`);
    expect(all).toContain('🎯 Принято предложений: 40 % (2 из 5)');
    expect(all).toContain('⏱ Медианное время ответа: 1 мин 5 сек');
  });
});

describe('finance and «💸 Я оплатил»', () => {
  it('summary, card with the requisites snapshot, receipts, ✅ Готово → reported, staff told; payment history', async () => {
    const admin = await createStaff(h.tdb.db, { role: 'city_admin', cityIds: [h.moscow.city.id] });
    const logist = await createStaff(h.tdb.db, { role: 'logist', cityIds: [h.moscow.city.id] });
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id, fullName: 'Пётр Мастеров' });
    const c = await commissionOf(m);
    const paid = await commissionOf(m, { status: 'approved' });

    const msg = await open(m, '💳 Финансы');
    const overview = d.shown(m, msg).text!;
    expect(overview).toContain(`⏳ Ожидает оплаты: 1 на 2${NB}500${NB}₽`);
    expect(overview).toContain(`✅ Оплата подтверждена: 1 на 2${NB}500${NB}₽`);
    const deadline = new Date(NOW.getTime() + 3 * HOUR);
    expect(overview).toContain(
      `#${c.id} • заказ #${c.orderId} • 2${NB}500${NB}₽ • до ${moscowMoment(deadline)}`,
    );
    expect(overview).not.toContain('заблокирован');
    expect(d.buttons(m, msg)).toEqual([
      `Комиссия #${c.id}`,
      '✅ История оплат',
      '💳 Реквизиты для оплаты',
      '🏠 Меню',
    ]);

    await d.tap(m, msg, { text: `Комиссия #${c.id}` });
    const card = d.shown(m, msg).text!;
    expect(card).toContain(`💸 Комиссия #${c.id}`);
    expect(card).toContain('Статус: ⏳ Ожидает оплаты');
    expect(card).toContain(`Заказ #${c.orderId} на 5${NB}000${NB}₽`);
    expect(card).toContain('Ставка: 50 %');
    expect(card).toContain('💳 Карта: 2200 1111 2222 3333');
    expect(card).toContain('👤 Получатель: Иван <В.>');
    expect(card).toContain(`⏰ Оплатить до: ${moscowMoment(deadline)} (время вашего города), осталось 3 ч`);
    expect(d.buttons(m, msg)).toEqual(['💸 Я оплатил', '⬅️ Назад', '🏠 Меню']);

    await d.tap(m, msg, { text: '💸 Я оплатил' });
    const prompt = d.lastBotMessage(m);
    expect(prompt.text).toBe(
      `📎 Отправьте фото или файл чека об оплате комиссии #${c.id} (можно несколько, до 10).\n\nКогда все чеки отправлены, нажмите «✅ Готово».`,
    );
    expect(d.buttons(m, prompt.message_id)).toEqual(['✅ Готово', '❌ Отменить']);
    expect(await d.tap(m, prompt.message_id, { text: '✅ Готово' })).toEqual(
      expect.objectContaining({ text: 'Сначала отправьте фото или файл чека.', show_alert: true }),
    );
    expect((await d.send(m, 'оплатил вчера')).text).toBe(
      'Нужно фото или файл чека. Отправьте его или нажмите «✅ Готово» / «❌ Отменить».',
    );
    expect((await d.sendPhoto(m)).text).toBe('✅ Чек получен (1). Отправьте ещё или нажмите «✅ Готово».');
    const second = await d.sendDocument(m);
    expect(second.text).toBe('✅ Чек получен (2). Отправьте ещё или нажмите «✅ Готово».');
    expect((await commissionRow(c.id)).status).toBe('wait_pay');

    expect((await d.tap(m, second.message_id, { text: '✅ Готово' })).text).toBe('✅ Отправлено на проверку');
    expect(d.shown(m, second.message_id).text).toBe(
      `✅ Оплата комиссии #${c.id} отправлена на проверку.\n\nАдминистратор проверит чек и подтвердит оплату — мы сообщим.`,
    );
    const row = await commissionRow(c.id);
    expect(row.status).toBe('reported');
    expect(row.reported_at).toBeInstanceOf(Date);
    const receipts = await h.tdb.db
      .selectFrom('attachments')
      .select(['file_type', 'document_kind', 'uploaded_by_master_id'])
      .where('entity_type', '=', 'commission')
      .where('entity_id', '=', c.id)
      .orderBy('id')
      .execute();
    expect(receipts).toEqual([
      { file_type: 'photo', document_kind: 'receipt', uploaded_by_master_id: m.id },
      { file_type: 'document', document_kind: 'receipt', uploaded_by_master_id: m.id },
    ]);
    const outbox = await h.tdb.db
      .selectFrom('notifications_outbox')
      .select(['event', 'bot', 'staff_user_id', 'payload', 'dedup_key'])
      .where('order_id', '=', c.orderId)
      .execute();
    expect(outbox).toEqual([
      {
        event: 'commission_reported',
        bot: 'admin',
        staff_user_id: admin.id,
        payload: {
          commission_id: c.id,
          order_id: c.orderId,
          amount_kopecks: 250_000,
          master_id: m.id,
          master_name: 'Пётр Мастеров',
        },
        dedup_key: `commission_reported:c${c.id}:${row.reported_at!.getTime()}:s${admin.id}`,
      },
    ]);
    expect(outbox.map((o) => o.staff_user_id)).not.toContain(logist.id);

    // A second ✅ Готово (old button) sends nothing more; the card now says "на проверке".
    expect((await d.tap(m, prompt.message_id, { text: '✅ Готово' })).text).toBe(
      'Это действие уже неактуально. Откройте «💳 Финансы».',
    );
    await d.tap(m, second.message_id, { text: `Комиссия #${c.id}` });
    expect(d.shown(m, second.message_id).text).toContain('Статус: 📝 На проверке');
    expect(d.shown(m, second.message_id).text).toContain('чеков: 2');
    expect(d.buttons(m, second.message_id)).toEqual(['⬅️ Назад', '🏠 Меню']);
    const again = await d.tap(m, second.message_id, { data: `m:kfi:${c.id}`, unchecked: true });
    expect(again).toEqual(
      expect.objectContaining({
        text: 'Оплата по этой комиссии уже отправлена на проверку.',
        show_alert: true,
      }),
    );

    await d.tap(m, second.message_id, { text: '⬅️ Назад' });
    expect(d.shown(m, second.message_id).text).toContain(`📝 На проверке: 1 на 2${NB}500${NB}₽`);
    await d.tap(m, second.message_id, { text: '✅ История оплат' });
    expect(d.shown(m, second.message_id).text).toContain(
      `✅ История оплат\n\n#${paid.id} • заказ #${paid.orderId} • 2${NB}500${NB}₽ • ${moscowMoment(NOW)}`,
    );
  });

  it('❌ Отменить and an idle wizard leave without a trace', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const c = await commissionOf(m);
    const msg = await open(m, '💳 Финансы');
    await d.tap(m, msg, { text: `Комиссия #${c.id}` });
    await d.tap(m, msg, { text: '💸 Я оплатил' });
    await d.sendPhoto(m);
    const prompt = d.lastBotMessage(m);
    expect((await d.tap(m, prompt.message_id, { text: '❌ Отменить' })).text).toBe('❌ Действие отменено.');
    expect(d.shown(m, prompt.message_id).text).toBe('❌ Отправка чека отменена.');
    expect((await d.sendPhoto(m)).text).toBe('Сначала выберите действие в меню: /start');

    await d.tap(m, prompt.message_id, { text: `Комиссия #${c.id}` });
    await d.tap(m, prompt.message_id, { text: '💸 Я оплатил' });
    await d.sendPhoto(m);
    const key = `${h.redis.prefix}:session:master:${m.tg_user_id}:${m.tg_user_id}`;
    const client = createRedis(h.redis.url, { connectionName: 'test-session-edit' });
    try {
      const session = JSON.parse((await client.get(key))!);
      session.wizard.at = Date.now() - 60 * 60_000;
      await client.set(key, JSON.stringify(session), 'EX', 600);
    } finally {
      client.disconnect();
    }
    const last = d.lastBotMessage(m);
    expect(await d.tap(m, last.message_id, { text: '✅ Готово' })).toEqual(
      expect.objectContaining({ text: 'Сессия истекла. Нажмите /start', show_alert: true }),
    );
    expect((await commissionRow(c.id)).status).toBe('wait_pay');
    const attachments = await h.tdb.db
      .selectFrom('attachments')
      .select('id')
      .where('entity_type', '=', 'commission')
      .where('entity_id', '=', c.id)
      .execute();
    expect(attachments).toEqual([]);
  });

  it('a master blocked for an overdue commission sees why and how, and can still pay', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const c = await commissionOf(m, { deadline: new Date(Date.now() - 60_000) });
    await processCommissionDeadlines(h.deps, new Date());
    expect((await commissionRow(c.id)).status).toBe('overdue');

    const start = await d.menu(m);
    expect(start.text).toContain(`Причина: ${overdueBlockReason(c.orderId)}`);
    // The blocked start screen keeps the way to pay.
    expect(d.buttons(m, start.message_id)).toEqual([
      '💳 Финансы',
      '💳 Реквизиты для оплаты',
      '📚 База знаний',
    ]);
    const sent = start;
    await d.tap(m, sent.message_id, { text: '💳 Финансы' });
    const overview = d.shown(m, sent.message_id).text!;
    expect(overview).toContain('⛔️ Аккаунт заблокирован');
    expect(overview).toContain(`Причина: ${overdueBlockReason(c.orderId)}`);
    expect(overview).toContain('Как разблокировать: оплатите просроченную комиссию');
    expect(overview).toContain('Вопросы: @fs_help');
    expect(overview).toContain(`⚠️ Просрочена: 1 на 2${NB}500${NB}₽`);

    await d.tap(m, sent.message_id, { text: `Комиссия #${c.id}` });
    expect(d.shown(m, sent.message_id).text).toContain('⚠️ Срок оплаты прошёл');
    await d.tap(m, sent.message_id, { text: '💸 Я оплатил' });
    const receipt = await d.sendPhoto(m);
    await d.tap(m, receipt.message_id, { text: '✅ Готово' });
    expect((await commissionRow(c.id)).status).toBe('reported');
    const master = await h.tdb.db
      .selectFrom('masters')
      .select('is_blocked')
      .where('id', '=', m.id)
      .executeTakeFirstOrThrow();
    expect(master.is_blocked).toBe(true);
  });

  it('another master’s commission: card, «Я оплатил» and «Готово» are refused and change nothing', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const other = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const mine = await commissionOf(m);
    const theirs = await commissionOf(other);
    const msg = await open(m, '💳 Финансы');
    for (const data of [`m:kfc:${theirs.id}`, `m:kfi:${theirs.id}`]) {
      expect(await d.tap(m, msg, { data, unchecked: true })).toEqual(
        expect.objectContaining({ text: 'Комиссия не найдена среди ваших.', show_alert: true }),
      );
    }
    await d.tap(m, msg, { text: `Комиссия #${mine.id}` });
    await d.tap(m, msg, { text: '💸 Я оплатил' });
    await d.sendPhoto(m);
    expect(await d.tap(m, msg, { data: `m:kfd:${theirs.id}`, unchecked: true })).toEqual(
      expect.objectContaining({
        text: 'Это действие уже неактуально. Откройте «💳 Финансы».',
        show_alert: true,
      }),
    );
    expect((await commissionRow(theirs.id)).status).toBe('wait_pay');
    expect((await commissionRow(mine.id)).status).toBe('wait_pay');
    // The master's own wizard is still open.
    expect((await d.sendPhoto(m)).text).toBe('✅ Чек получен (2). Отправьте ещё или нажмите «✅ Готово».');
  });
});

describe('requisites, referral program, knowledge base', () => {
  it('requisites: the owner’s current requisites and the support contact', async () => {
    await h.tdb.db
      .updateTable('owner_requisites')
      .set({
        data: JSON.stringify({
          sbp_phone: '+79990001122',
          sbp_bank: 'Сбер',
          other: 'ИНН 7700000000',
          comment: 'Комиссия <заказ>',
        }),
      })
      .where('id', '=', 1)
      .execute();
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const msg = await open(m, '💳 Реквизиты для оплаты');
    const text = d.shown(m, msg).text!;
    expect(text).toContain('💳 Реквизиты для оплаты комиссии');
    expect(text).toContain('📱 СБП: +79990001122');
    expect(text).toContain('🏦 Банк СБП: Сбер');
    // Every line is named, as on the admin's 💳 Способы оплаты (no bare "💬:").
    expect(text).toContain('📝 Прочие данные: ИНН 7700000000');
    expect(text).toContain('💬 Комментарий к переводу: Комиссия <заказ>');
    expect(text).toContain('Вопросы: @fs_help');
    expect(d.buttons(m, msg)).toEqual(['💳 Финансы', '🏠 Меню']);
  });

  it('referral: own code and deep link, invited masters, rewards by level and status', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const a = await createMaster(h.tdb.db, { cityId: h.moscow.city.id, fullName: 'Алексей <Первый>' });
    const b = await createMaster(h.tdb.db, { cityId: h.moscow.city.id, fullName: 'Борис', approved: false });
    const c2 = await createMaster(h.tdb.db, { cityId: h.moscow.city.id, fullName: 'Второй Уровень' });
    await h.tdb.db
      .insertInto('referrals')
      .values([
        { master_id: a.id, referrer_id: m.id },
        { master_id: b.id, referrer_id: m.id },
        { master_id: c2.id, referrer_id: a.id },
      ])
      .execute();
    const ca = await commissionOf(a, { status: 'approved' });
    const cc = await commissionOf(c2, { status: 'approved' });
    await h.tdb.db
      .insertInto('referral_rewards')
      .values([
        {
          referrer_id: m.id,
          referred_master_id: a.id,
          commission_id: ca.id,
          level: 1,
          rate: '0.1000',
          amount_kopecks: 25_000,
        },
        {
          referrer_id: m.id,
          referred_master_id: c2.id,
          commission_id: cc.id,
          level: 2,
          rate: '0.0500',
          amount_kopecks: 12_500,
          status: 'paid',
        },
      ])
      .execute();

    const msg = await open(m, '🎁 Реферальная программа');
    const { referral_code: code } = await h.tdb.db
      .selectFrom('masters')
      .select('referral_code')
      .where('id', '=', m.id)
      .executeTakeFirstOrThrow();
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    const text = d.shown(m, msg).text!;
    expect(text).toContain(`Ваш код: ${code}`);
    expect(text).toContain(`Ссылка для приглашения: https://t.me/master_test_bot?start=ref_${code}`);
    expect(text).toContain('• уровень 1 (приглашённые вами): 10 % от каждой оплаченной ими комиссии');
    expect(text).toContain('👥 Приглашено мастеров: 2 (и 1 на 2-м уровне)');
    expect(text).toContain('• Алексей <Первый> — одобрен');
    expect(text).toContain('• Борис — на модерации');
    expect(text).toContain(`• уровень 1, начислено: 1 на 250${NB}₽`);
    expect(text).toContain(`• уровень 2, выплачено: 1 на 125${NB}₽`);
    expect(text).toMatch(new RegExp(`ур\\. 2 • 125${NB}₽ • выплачено \\(заказ #${cc.orderId}\\)`));

    // The code is stable across views.
    await d.tap(m, msg, { data: 'm:kx', unchecked: true });
    expect(d.shown(m, msg).text).toContain(`Ваш код: ${code}`);
  });

  it('knowledge base: sections and the support contact', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const msg = await open(m, '📚 База знаний');
    expect(d.shown(m, msg).text).toBe(
      '📚 База знаний\n\nВыберите раздел. Не нашли ответ — напишите в поддержку: @fs_help',
    );
    expect(d.buttons(m, msg)).toEqual([
      '🆕 Как работают заказы',
      '🔁 Статусы заказа',
      '💸 Комиссия и сроки',
      '⛔️ Блокировка',
      '🏠 Меню',
    ]);
    await d.tap(m, msg, { text: '⛔️ Блокировка' });
    expect(d.shown(m, msg).text).toContain('Если комиссия не оплачена в срок, аккаунт блокируется');
    expect(d.shown(m, msg).text).toContain('Поддержка: @fs_help');
    await d.tap(m, msg, { text: '⬅️ Назад' });
    expect(d.buttons(m, msg)).toContain('💸 Комиссия и сроки');
  });
});

describe('active card and offer card', () => {
  it('📋 Телефон клиента and 📋 Адрес are copy_text buttons', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const order = await createOrder(h.tdb.db, {
      cityId: h.moscow.city.id,
      status: 'assigned',
      assignedMasterId: m.id,
      clientPhone: '+79165554433',
      street: 'ул. Тверская',
      house: '7',
      apartment: '12',
    });
    const msg = await open(m, '📦 Активные заказы');
    await d.tap(m, msg, { text: `Открыть #${order.id}` });
    const rows = d.shown(m, msg).reply_markup!.inline_keyboard;
    expect(rows[1]).toEqual([
      { text: '📋 Телефон клиента', copy_text: { text: '+79165554433' } },
      { text: '📋 Адрес', copy_text: { text: 'Москва, ул. Тверская, д. 7, кв. 12' } },
    ]);
  });

  it('✖️ Отказаться on the offer card asks, «Нет, вернуться» restores the card, and the answer keeps the way back', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const order = await createOrder(h.tdb.db, { cityId: h.moscow.city.id, status: 'searching' });
    const offer = await h.tdb.db
      .insertInto('offers')
      .values({
        order_id: order.id,
        master_id: m.id,
        round_number: 1,
        expires_at: new Date(Date.now() + 120_000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const msg = await open(m, '🆕 Новые заказы');
    await d.tap(m, msg, { text: `Открыть #${order.id}` });
    const card = d.shown(m, msg).text!;
    await d.tap(m, msg, { text: '✖️ Отказаться' });
    expect(d.shown(m, msg).text).toBe(`${card}\n\n⚠️ Вы уверены, что хотите отклонить заказ #${order.id}?`);
    expect(d.buttons(m, msg)).toEqual(['Да, отказаться', '↩️ Нет, вернуться', '⬅️ Назад', '🏠 Меню']);
    await d.tap(m, msg, { text: '↩️ Нет, вернуться' });
    expect(d.shown(m, msg).text).toBe(card);
    expect(d.buttons(m, msg)).toEqual(['✅ Взять', '✖️ Отказаться', '⬅️ Назад', '🏠 Меню']);
    await d.tap(m, msg, { text: '✖️ Отказаться' });
    await d.tap(m, msg, { text: 'Да, отказаться' });
    expect(d.shown(m, msg).text).toBe(`✖️ Вы отказались от заказа #${order.id}`);
    expect(d.buttons(m, msg)).toEqual(['⬅️ Назад', '🏠 Меню']);
    const row = await h.tdb.db
      .selectFrom('offers')
      .select('state')
      .where('id', '=', offer.id)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('declined');
  });
});
