import { processBreaks } from '@fs/dispatch';
import { QUEUES } from '@fs/queue';
import { createMaster, createOrder, type MasterFixture } from '@fs/testkit';
import { Queue } from 'bullmq';
import { decode } from '../src/callbacks';
import { insertOffer } from './fixtures';
import { type BotHarness, driver, startHarness } from './harness';

let h: BotHarness;
let d: ReturnType<typeof driver>;

beforeAll(async () => {
  h = await startHarness();
  d = driver(h);
});
afterAll(async () => {
  await h?.close();
});

const masterRow = (id: number) =>
  h.tdb.db
    .selectFrom('masters')
    .select(['shift_status', 'break_until'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

async function wakeJobs(): Promise<{ orderId: number; reason: string }[]> {
  const queue = new Queue(QUEUES.distribution, { connection: h.redis.connection, prefix: h.redis.prefix });
  try {
    const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
    return jobs.map((j) => j.data);
  } finally {
    await queue.close();
  }
}

const CABINET = [
  '📜 История заказов',
  '📈 Статистика',
  '💳 Финансы',
  '💳 Реквизиты для оплаты',
  '🎁 Реферальная программа',
  '📚 База знаний',
  '📍 Моя точка',
];

describe('main menu by state', () => {
  it('approved masters see shift buttons by state; pending, rejected and blocked see why', async () => {
    const off = await createMaster(h.tdb.db, { onShift: false, fullName: 'Олег Сменов' });
    const menu = await d.menu(off);
    expect(menu.text).toContain('Здравствуйте, Олег Сменов!');
    expect(menu.text).toContain('Смена выключена');
    expect(d.buttons(off, menu.message_id)).toEqual([
      '🟢 Включить смену',
      '🆕 Новые заказы',
      '📦 Активные заказы',
      ...CABINET,
    ]);

    const on = await createMaster(h.tdb.db);
    expect(d.buttons(on, (await d.menu(on)).message_id)).toEqual([
      '☕ Перерыв',
      '🔴 Выключить смену',
      '🆕 Новые заказы',
      '📦 Активные заказы',
      ...CABINET,
    ]);

    const pending = await createMaster(h.tdb.db, { approved: false });
    const p = await d.menu(pending);
    expect(p.text).toContain('анкета на модерации');
    expect(p.reply_markup).toBeUndefined();

    const rejected = await createMaster(h.tdb.db, {
      approved: false,
      overrides: { moderation_status: 'rejected', moderation_reason: 'Нет фото <паспорта>' },
    });
    expect((await d.menu(rejected)).text).toContain('Причина: Нет фото <паспорта>');

    const blocked = await createMaster(h.tdb.db, {
      isBlocked: true,
      overrides: { blocked_reason: 'Просрочена комиссия' },
    });
    const b = await d.menu(blocked);
    expect(b.text).toContain('Аккаунт заблокирован');
    expect(b.text).toContain('Причина: Просрочена комиссия');
    expect(b.text).toContain('напишите в поддержку: @support');
    // A blocked master's forged shift button changes nothing.
    await h.fake.userSendsText(h.token, { id: blocked.tg_user_id, first_name: 'x' }, '/start');
    const answer = await d.tap(blocked, b.message_id, { data: 'm:shon', unchecked: true });
    expect(answer).toMatchObject({ text: 'Смена недоступна: аккаунт заблокирован.', show_alert: true });
    expect((await masterRow(blocked.id)).shift_status).toBe('on');
  });
});

describe('shift', () => {
  it('on wakes the city, break with a duration, back on shift, off', async () => {
    const m = await createMaster(h.tdb.db, { onShift: false, cityId: h.moscow.city.id });
    const waiting = await createOrder(h.tdb.db, { cityId: h.moscow.city.id });
    const menu = await d.menu(m);

    expect((await d.tap(m, menu.message_id, { text: '🟢 Включить смену' })).text).toBe(
      'Смена начата. Новые заказы будут приходить сюда.',
    );
    expect((await masterRow(m.id)).shift_status).toBe('on');
    expect(d.buttons(m, menu.message_id)).toContain('☕ Перерыв');
    expect(await wakeJobs()).toContainEqual({ orderId: waiting.id, reason: 'master_shift_on' });

    await d.tap(m, menu.message_id, { text: '☕ Перерыв' });
    expect(d.shown(m, menu.message_id).text).toBe('☕ Выберите длительность перерыва:');
    expect(d.buttons(m, menu.message_id)).toEqual(['⏱️ 15 минут', '⏱️ 1 час', '⏱️ 2 часа', '❌ Отменить']);
    const before = Date.now();
    expect((await d.tap(m, menu.message_id, { text: '⏱️ 1 час' })).text).toBe('Перерыв начат.');
    const onBreak = await masterRow(m.id);
    expect(onBreak.shift_status).toBe('break');
    expect(onBreak.break_until!.getTime() - before).toBeGreaterThan(59 * 60_000);
    expect(onBreak.break_until!.getTime() - before).toBeLessThan(61 * 60_000);
    expect(d.shown(m, menu.message_id).text).toContain('☕ Перерыв до');
    expect(d.buttons(m, menu.message_id)).toEqual([
      '🟢 Вернуться на смену',
      '🔴 Выключить смену',
      '🆕 Новые заказы',
      '📦 Активные заказы',
      ...CABINET,
    ]);

    expect((await d.tap(m, menu.message_id, { text: '🟢 Вернуться на смену' })).text).toBe(
      'Вы вернулись на смену.',
    );
    expect(await masterRow(m.id)).toEqual({ shift_status: 'on', break_until: null });

    // A stale "back on shift" button (not on break any more) says so and changes nothing.
    const stale = await d.tap(m, menu.message_id, { data: 'm:brkok', unchecked: true });
    expect(stale).toMatchObject({ text: 'Сейчас не перерыв.', show_alert: true });

    expect((await d.tap(m, menu.message_id, { text: '🔴 Выключить смену' })).text).toBe('Смена завершена.');
    expect((await masterRow(m.id)).shift_status).toBe('off');
  });

  it('break reminder once per break end with working buttons; the break ends automatically', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const menu = await d.menu(m);
    await d.tap(m, menu.message_id, { text: '☕ Перерыв' });
    await d.tap(m, menu.message_id, { text: '⏱️ 15 минут' });
    const { break_until } = await masterRow(m.id);
    const until = break_until!;
    const outbox = (event: string) =>
      h.tdb.db
        .selectFrom('notifications_outbox')
        .select(['payload', 'dedup_key'])
        .where('master_id', '=', m.id)
        .where('event', '=', event as never)
        .execute();
    const { deps } = h;

    // 20 minutes before the end: nothing; 9 minutes before: one reminder, however often it runs.
    await processBreaks(deps, new Date(until.getTime() - 20 * 60_000));
    expect(await outbox('break_reminder')).toHaveLength(0);
    await processBreaks(deps, new Date(until.getTime() - 9 * 60_000));
    await processBreaks(deps, new Date(until.getTime() - 8 * 60_000));
    const reminders = await outbox('break_reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.payload).toEqual({ break_until: until.toISOString(), timezone: 'Europe/Moscow' });
    expect((await masterRow(m.id)).shift_status).toBe('break');

    // The end: back on shift, told so, the city woken.
    const waiting = await createOrder(h.tdb.db, { cityId: h.moscow.city.id });
    const result = await processBreaks(deps, new Date(until.getTime() + 1000));
    expect(result.ended).toBeGreaterThanOrEqual(1);
    expect(await masterRow(m.id)).toEqual({ shift_status: 'on', break_until: null });
    expect(await outbox('break_ended')).toHaveLength(1);
    expect(await wakeJobs()).toContainEqual({ orderId: waiting.id, reason: 'break_ended' });
    await processBreaks(deps, new Date(until.getTime() + 2000));
    expect(await outbox('break_ended')).toHaveLength(1);
  });

  it('the reminder’s buttons: ⏱️ Продлить перерыв extends, 🟢 Вернуться на смену ends the break', async () => {
    const { renderNotification } = await import('@fs/domain');
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    await h.tdb.db
      .updateTable('masters')
      .set({ shift_status: 'break', break_until: new Date(Date.now() + 9 * 60_000) })
      .where('id', '=', m.id)
      .execute();
    const rendered = renderNotification(
      'break_reminder',
      { break_until: new Date(Date.now() + 9 * 60_000).toISOString(), timezone: 'Europe/Moscow' },
      new Date(),
    );
    expect(rendered.text).toContain('Перерыв заканчивается через');
    for (const b of rendered.buttons!.flat())
      expect(decode((b as { callback_data: string }).callback_data)).not.toBeNull();
    const sent = await h.tg.sendMessage(m.tg_user_id, rendered.text, {
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: rendered.buttons as never },
    });
    await d.tap(m, sent.message_id, { text: '⏱️ Продлить перерыв' });
    expect(d.shown(m, sent.message_id).text).toBe('☕ На сколько продлить перерыв?');
    expect((await d.tap(m, sent.message_id, { text: '⏱️ 2 часа' })).text).toBe('Перерыв продлён.');
    const extended = await masterRow(m.id);
    expect(extended.shift_status).toBe('break');
    expect(extended.break_until!.getTime() - Date.now()).toBeGreaterThan(119 * 60_000);

    const again = await h.tg.sendMessage(m.tg_user_id, rendered.text, {
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: rendered.buttons as never },
    });
    expect((await d.tap(m, again.message_id, { text: '🟢 Вернуться на смену' })).text).toBe(
      'Вы вернулись на смену.',
    );
    expect((await masterRow(m.id)).shift_status).toBe('on');
  });
});

describe('new offers', () => {
  async function offerFor(
    m: MasterFixture,
    opts: { expiresIn?: number; status?: 'searching' | 'canceled' } = {},
  ) {
    const order = await createOrder(h.tdb.db, {
      cityId: h.moscow.city.id,
      districtId: h.moscow.districts[0]!.id,
      clientName: 'Анна Клиентова',
      clientPhone: '+79165554433',
      street: 'ул. Тверская',
      house: '7',
      apartment: '4815',
      description: 'Искрит розетка <на кухне>',
      timeslotStart: new Date(Date.now() + 3 * 3_600_000),
      timeslotEnd: new Date(Date.now() + 5 * 3_600_000),
      status: opts.status ?? 'searching',
    });
    const offerId = await insertOffer(h.tdb.db, order.id, m.id, opts.expiresIn ?? 120);
    return { orderId: order.id, offerId };
  }

  it('list (5 per page), card without client contacts marks the offer viewed; untakeable offers are hidden', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const offers = [];
    for (let i = 0; i < 6; i++) offers.push(await offerFor(m));
    await offerFor(m, { expiresIn: -5 });
    await offerFor(m, { status: 'canceled' });
    const other = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const foreign = await offerFor(other);

    const menu = await d.menu(m);
    await d.tap(m, menu.message_id, { text: '🆕 Новые заказы' });
    const list = d.shown(m, menu.message_id);
    expect(list.text).toContain('Страница 1/2 • всего: 6');
    const open = d.buttons(m, menu.message_id).filter((t) => t.startsWith('Открыть'));
    expect(open).toEqual(
      offers
        .slice(1)
        .reverse()
        .map((o) => `Открыть #${o.orderId}`),
    );
    expect(d.buttons(m, menu.message_id)).toContain('Вперёд ▶️');

    await d.tap(m, menu.message_id, { text: 'Вперёд ▶️' });
    expect(d.shown(m, menu.message_id).text).toContain('Страница 2/2 • всего: 6');
    expect(d.buttons(m, menu.message_id)).toContain(`Открыть #${offers[0]!.orderId}`);

    await d.tap(m, menu.message_id, { text: `Открыть #${offers[0]!.orderId}` });
    const card = d.shown(m, menu.message_id);
    expect(card.text).toContain(`Заказ #${offers[0]!.orderId}`);
    expect(card.text).toContain('ул. Тверская');
    expect(card.text).not.toContain('д. 7');
    // The apartment is a contact detail: neither its label nor its number is on an offer card
    // (a distinctive number, so a date or time on the card can never match it).
    expect(card.text).not.toContain('кв.');
    expect(card.text).not.toContain('4815');
    expect(card.text).not.toContain('Анна');
    expect(card.text).not.toContain('+7916');
    expect(card.text).not.toContain('555-44-33');
    expect(card.text).toContain('Искрит розетка <на кухне>');
    expect(card.text).toContain('⚡ Электрика');
    expect(card.text).toMatch(/🗓 (сегодня|завтра) \(\d\d\.\d\d\) \d\d:\d\d/);
    expect(card.text).toMatch(/⏳ Осталось на ответ: \d/);
    expect(d.data(m, menu.message_id)).toEqual([
      `m:oa:${offers[0]!.offerId}`,
      `m:od:${offers[0]!.offerId}`,
      'm:new:1',
      'm:menu',
    ]);
    const viewed = await h.tdb.db
      .selectFrom('offers')
      .select(['state', 'viewed_at'])
      .where('id', '=', offers[0]!.offerId)
      .executeTakeFirstOrThrow();
    expect(viewed.state).toBe('viewed');
    expect(viewed.viewed_at).not.toBeNull();

    // ✅ Взять is the existing accept handler: the card becomes the assigned order.
    const taken = await d.tap(m, menu.message_id, { text: '✅ Взять' });
    expect(taken.text).toBe(`✅ Заказ #${offers[0]!.orderId} ваш!`);
    expect(d.shown(m, menu.message_id).text).toContain('+7 916 555-44-33');

    // Another master's offer id in a forged card callback: refused, not marked viewed.
    const forged = await d.tap(m, menu.message_id, { data: `m:newc:${foreign.offerId}:0`, unchecked: true });
    expect(forged).toMatchObject({ show_alert: true });
    expect(forged.text).toMatch(/Заказ больше недоступен/);
    const f = await h.tdb.db
      .selectFrom('offers')
      .select('state')
      .where('id', '=', foreign.offerId)
      .executeTakeFirstOrThrow();
    expect(f.state).toBe('sent');
  });

  it('✖️ Отказаться on the card asks, then declines with the existing handler', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const o = await offerFor(m);
    const menu = await d.menu(m);
    await d.tap(m, menu.message_id, { text: '🆕 Новые заказы' });
    await d.tap(m, menu.message_id, { text: `Открыть #${o.orderId}` });
    await d.tap(m, menu.message_id, { text: '✖️ Отказаться' });
    expect(d.shown(m, menu.message_id).text).toContain(
      `Вы уверены, что хотите отклонить заказ #${o.orderId}?`,
    );
    await d.tap(m, menu.message_id, { text: 'Да, отказаться' });
    const row = await h.tdb.db
      .selectFrom('offers')
      .select('state')
      .where('id', '=', o.offerId)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('declined');
    await d.tap(m, menu.message_id, { data: 'm:new:0', unchecked: true });
    expect(d.shown(m, menu.message_id).text).toContain('Нет новых предложений');
  });
});
