import { renderNotification } from '@fs/domain';
import { createMaster, createOrder } from '@fs/testkit';
import { Telegram } from 'telegraf';
import { encode } from '../src/callbacks';
import { type AdminHarness, adminDriver, startAdminHarness } from './harness';
import { ageWizard, freshCity, lastButtons, openOrders, orderIn } from './orders-helpers';

let h: AdminHarness;
let d: ReturnType<typeof adminDriver>;

beforeAll(async () => {
  h = await startAdminHarness();
  d = adminDriver(h);
});
afterAll(() => h?.close());
afterEach(() => h.pinClock(undefined));

const DAY = 86_400_000;

describe('orders menu and lists', () => {
  it('counts the three lists in the staff member’s cities only', async () => {
    const city = await freshCity(h);
    const other = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: city.city.id });
    for (const status of ['searching', 'deferred', 'guarantee'] as const) await orderIn(h, city, { status });
    await orderIn(h, city, { status: 'assigned', assignedMasterId: m.id });
    await orderIn(h, city, { status: 'closed', assignedMasterId: m.id }); // under warranty (closed now)
    await orderIn(h, city, {
      status: 'closed',
      assignedMasterId: m.id,
      createdAt: new Date(Date.now() - 60 * DAY),
    });
    await orderIn(h, city, { status: 'canceled' });
    await orderIn(h, other, { status: 'searching' });
    await orderIn(h, other, { status: 'closed' });

    const menu = await openOrders(d, s);
    expect(menu.text).toContain('📦 Заявки');
    expect(d.buttons(s, menu.message_id)).toEqual([
      '📋 Очередь (4)',
      '🛡 На гарантии (1)',
      '✅ Закрытые (3)',
      '🔍 Поиск',
      '🔧 Фильтры',
      '🏠 В меню',
    ]);
  });

  it('pages 10 per page, newest first, and opens a card from the list', async () => {
    const city = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push((await orderIn(h, city)).id);
    await openOrders(d, s);
    const page1 = (await d.tapLast(s, '📋 Очередь (12)')).edited;
    expect(page1.text).toContain('📋 Очередь · 12 · стр. 1/2');
    const newest = [...ids].reverse();
    expect(d.buttons(s, page1.message_id)).toEqual([
      ...newest.slice(0, 10).map((id) => `#${id}`),
      '▶️',
      '🔧 Фильтры',
      '📦 К заявкам',
      '🏠 В меню',
    ]);
    const page2 = (await d.tapLast(s, '▶️')).edited;
    expect(page2.text).toContain('стр. 2/2');
    expect(d.buttons(s, page2.message_id).slice(0, 3)).toEqual([`#${ids[1]}`, `#${ids[0]}`, '◀️']);
    const card = (await d.tapLast(s, `#${ids[0]}`)).edited;
    expect(card.text).toContain(`📦 Заказ #${ids[0]}`);
    // Back to the same page of the same list.
    const back = (await d.tapLast(s, '⬅️ К списку')).edited;
    expect(back.text).toContain('стр. 2/2');
  });

  it('lists closed normal orders under warranty, and closed plus canceled ones as closed', async () => {
    const city = await freshCity(h);
    const s = await h.staff('city_admin', [city.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: city.city.id });
    const recent = await orderIn(h, city, { status: 'closed', assignedMasterId: m.id });
    const old = await orderIn(h, city, {
      status: 'closed',
      assignedMasterId: m.id,
      createdAt: new Date(Date.now() - 45 * DAY),
    });
    const canceled = await orderIn(h, city, { status: 'canceled' });
    await orderIn(h, city, { status: 'closed', type: 'guarantee', assignedMasterId: m.id });
    await openOrders(d, s);
    const warranty = (await d.tapLast(s, '🛡 На гарантии (1)')).edited;
    expect(d.buttons(s, warranty.message_id)[0]).toBe(`#${recent.id}`);
    await d.tapLast(s, '📦 К заявкам');
    const closed = (await d.tapLast(s, '✅ Закрытые (4)')).edited;
    expect(d.buttons(s, closed.message_id)).toEqual(
      expect.arrayContaining([`#${old.id}`, `#${canceled.id}`]),
    );
    expect(closed.text).toContain('Отменена');
  });
});

describe('filters', () => {
  it('narrow lists and counters by city, status, category, date and master; kept in the session; reset', async () => {
    const a = await freshCity(h, `Фильтроград-${Date.now()}`);
    const b = await freshCity(h);
    const s = await h.staff('logist', [a.city.id, b.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: a.city.id, fullName: 'Фильтр Мастеров' });
    const tomorrow = new Date(Date.now() + DAY);
    const plumbing = await orderIn(h, a, { category: 'plumbing' });
    const dated = await orderIn(h, a, {
      timeslotStart: tomorrow,
      timeslotEnd: new Date(tomorrow.getTime() + 3_600_000),
    });
    const assigned = await orderIn(h, a, { status: 'assigned', assignedMasterId: m.id });
    const inB = await orderIn(h, b);

    const menu = await openOrders(d, s);
    expect(d.buttons(s, menu.message_id)[0]).toBe('📋 Очередь (4)');
    await d.tapLast(s, '🔧 Фильтры');
    // City
    await d.tapLast(s, '🏙 Город: все');
    let screen = (await d.tapLast(s, a.city.name)).edited;
    expect(d.buttons(s, screen.message_id)[0]).toBe(`🏙 Город: ${a.city.name}`);
    // The screen names the set filters under its one heading (not a second "🔧 Фильтры").
    expect(screen.text!.match(/🔧 Фильтры/g)).toHaveLength(1);
    expect(screen.text).toContain(`Сейчас:\n🏙 Город: ${a.city.name}`);
    // Category
    await d.tapLast(s, '🛠 Категория: все');
    screen = (await d.tapLast(s, '🚰 Сантехника')).edited;
    let list = (await d.tapLast(s, '📋 Показать очередь')).edited;
    expect(list.text).toContain('📋 Очередь · 1 ·');
    expect(list.text).toContain(`🏙 Город: ${a.city.name}`);
    expect(list.text).toContain('🛠 Категория: 🚰 Сантехника');
    expect(d.buttons(s, list.message_id)[0]).toBe(`#${plumbing.id}`);

    // The filters stay in the session: the menu counters use them.
    await d.tapLast(s, '📦 К заявкам');
    expect(lastButtons(d, s)[0]).toBe('📋 Очередь (1)');

    // Status + master, category back to all.
    await d.tapLast(s, '🔧 Фильтры');
    await d.tapLast(s, '🛠 Категория: 🚰 Сантехника');
    await d.tapLast(s, 'Все');
    await d.tapLast(s, '📊 Статус: все');
    await d.tapLast(s, 'Назначено мастеру');
    await d.tapLast(s, '👷 Мастер: любой');
    await d.send(s, 'Фильтр');
    await d.tapLast(s, `Фильтр Мастеров (#${m.id}), ${a.city.name}`);
    list = (await d.tapLast(s, '📋 Показать очередь')).edited;
    expect(list.text).toContain('👷 Мастер: Фильтр Мастеров');
    expect(d.buttons(s, list.message_id)[0]).toBe(`#${assigned.id}`);
    expect(list.text).toContain('📋 Очередь · 1 ·');

    // Date (city-local date of the visit slot); reset everything.
    await d.tapLast(s, '🔧 Фильтры');
    await d.tapLast(s, '🔄 Сбросить всё');
    await d.tapLast(s, '📅 Дата: любая');
    expect((await d.send(s, '31.02')).text).toContain('Неверная дата');
    expect((await d.send(s, 'завтра')).text).toContain('Неверная дата');
    const dd = new Intl.DateTimeFormat('ru-RU', {
      timeZone: 'Europe/Moscow',
      day: '2-digit',
      month: '2-digit',
    })
      .format(tomorrow)
      .replace(/\//g, '.');
    await d.send(s, dd);
    list = (await d.tapLast(s, '📋 Показать очередь')).edited;
    expect(d.buttons(s, list.message_id)[0]).toBe(`#${dated.id}`);
    expect(list.text).toContain('📋 Очередь · 1 ·');

    await d.tapLast(s, '🔧 Фильтры');
    await d.tapLast(s, '✖️ Сбросить дату');
    list = (await d.tapLast(s, '📋 Показать очередь')).edited;
    expect(list.text).toContain('📋 Очередь · 4 ·');
    expect(d.buttons(s, list.message_id)).toContain(`#${inB.id}`);
  });

  it('refuses a forged city or master filter outside the scope', async () => {
    const s = await h.staff('logist', [h.moscow.city.id]);
    const spbMaster = await createMaster(h.tdb.db, { cityId: h.spb.city.id });
    const menu = await d.menu(s);
    const city = await d.tap(s, menu.message_id, {
      data: encode('ordersFilterCity', { cityId: h.spb.city.id }),
      unchecked: true,
    });
    expect(city).toEqual({
      callback_query_id: expect.any(String),
      text: '⛔️ Нет доступа: это не ваш город.',
      show_alert: true,
    });
    const master = await d.tap(s, menu.message_id, {
      data: encode('ordersFilterMasterSet', { masterId: spbMaster.id }),
      unchecked: true,
    });
    expect(master.text).toBe('⛔️ Нет доступа: это не ваш город.');
    await openOrders(d, s);
    await d.tapLast(s, '🔧 Фильтры');
    expect(lastButtons(d, s).slice(0, 5)).toEqual([
      '🏙 Город: все',
      '📊 Статус: все',
      '🛠 Категория: все',
      '📅 Дата: любая',
      '👷 Мастер: любой',
    ]);
  });
});

describe('search', () => {
  it('finds by order id and by client phone; refuses other cities; bad input keeps the prompt', async () => {
    const city = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const mine = await orderIn(h, city, { clientPhone: '+79161234567' });
    const mine2 = await orderIn(h, city, { clientPhone: '+79161234567' });
    const foreign = await orderIn(h, await freshCity(h), { clientPhone: '+79161234567' });
    await openOrders(d, s);
    expect((await d.tapLast(s, '🔍 Поиск')).edited.text).toContain('Отправьте номер заказа');

    expect((await d.send(s, 'аб')).text).toContain('Не понял запрос');
    expect((await d.send(s, 'Несуществующий')).text).toContain('Ничего не найдено');
    expect(
      (await d.sendRaw(s, { voice: { file_id: 'v', file_unique_id: 'v', duration: 1 } })).text,
    ).toContain('Не понял запрос');
    expect((await d.send(s, `#${foreign.id}`)).text).toBe('⛔️ Нет доступа: это не ваш город.');
    expect((await d.send(s, '999999999')).text).toBe('Не найдено.');
    expect((await d.send(s, `#${mine.id}`)).text).toContain(`📦 Заказ #${mine.id}`);

    // The prompt closed after a hit: text now gets the generic hint.
    expect((await d.send(s, '123')).text).toBe(
      'Не понял сообщение. Пользуйтесь кнопками меню или нажмите /start.',
    );

    await openOrders(d, s);
    await d.tapLast(s, '🔍 Поиск');
    const found = await d.send(s, '8 (916) 123-45-67');
    expect(found.text).toContain('Заказы клиента +79161234567');
    expect(d.buttons(s, found.message_id)).toEqual([
      `#${mine2.id}`,
      `#${mine.id}`,
      '🔍 Поиск',
      '📦 К заявкам',
    ]);
    // The result button opens the card as a new message.
    const before = d.sentCount(s);
    await d.tap(s, found.message_id, { text: `#${mine.id}` });
    expect(d.sentSince(s, before).map((m) => m.text?.split('\n')[0])).toEqual([`📦 Заказ #${mine.id}`]);
    expect(d.shown(s, found.message_id).text).toContain('Заказы клиента');
  });

  it('finds by client name, street or master with typos, only in the staff member’s cities, a page at a time', async () => {
    const city = await freshCity(h);
    const other = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: city.city.id, fullName: 'Семёнов Аркадий' });
    const named = await orderIn(h, city, {
      clientName: 'Смирнова Ольга',
      street: 'Тверская улица',
      house: '7',
    });
    await orderIn(h, other, { clientName: 'Смирнова Ольга' });
    const ofMaster = await orderIn(h, city, {
      status: 'assigned',
      assignedMasterId: m.id,
      clientName: 'Кто-то',
    });
    await openOrders(d, s);
    await d.tapLast(s, '🔍 Поиск');
    const byName = await d.send(s, 'смирнва');
    expect(byName.text).toContain('Найдено по запросу «смирнва»');
    expect(d.buttons(s, byName.message_id)).toEqual([`#${named.id}`, '🔍 Поиск', '📦 К заявкам']);
    expect(d.buttons(s, (await d.send(s, 'тверская 7')).message_id)[0]).toBe(`#${named.id}`);
    expect(d.buttons(s, (await d.send(s, 'Семенов')).message_id)[0]).toBe(`#${ofMaster.id}`);

    // Twelve orders of one client: two pages of ten.
    for (let i = 0; i < 12; i++) await orderIn(h, city, { clientName: 'Кузнецова Анна' });
    const page1 = await d.send(s, 'кузнецова');
    expect(page1.text).toContain('· 12 · стр. 1/2');
    expect(d.buttons(s, page1.message_id)).toContain('▶️');
    await d.tap(s, page1.message_id, { text: '▶️' });
    expect(d.shown(s, page1.message_id).text).toContain('· 12 · стр. 2/2');
  });

  it('an idle search expires politely', async () => {
    const s = await h.staff('logist', [h.moscow.city.id]);
    await openOrders(d, s);
    await d.tapLast(s, '🔍 Поиск');
    await ageWizard(h, s);
    expect((await d.send(s, '123')).text).toBe('⌛️ Сессия истекла. Нажмите /start, чтобы начать заново.');
  });
});

describe('order card', () => {
  it('shows address, client, slot in city time, status, master, type, history, offers and escalation; copy buttons', async () => {
    // The card says "сегодня" by the bot's clock: pinned (12:00 in Novosibirsk, UTC+7) so the
    // test passes at any hour, including just after midnight there.
    const NOW = Date.parse('2029-06-14T05:00:00Z');
    h.pinClock(new Date(NOW));
    const city = await freshCity(h);
    await h.tdb.db
      .updateTable('cities')
      .set({ timezone: 'Asia/Novosibirsk' })
      .where('id', '=', city.city.id)
      .execute();
    const s = await h.staff('logist', [city.city.id]);
    const preferred = await createMaster(h.tdb.db, { cityId: city.city.id, fullName: 'Анна Гарантова' });
    const decliner = await createMaster(h.tdb.db, { cityId: city.city.id, fullName: 'Олег Отказов' });
    // 10:00–13:00 Novosibirsk (UTC+7) on 2030-03-15 = 03:00–06:00 UTC.
    const order = await orderIn(h, city, {
      type: 'guarantee',
      status: 'guarantee',
      preferredMasterId: preferred.id,
      districtId: city.district('Северный').id,
      street: 'ул. Красный проспект',
      house: '7к2',
      apartment: '15',
      clientName: 'Мария <Клиент>',
      clientPhone: '+79130001122',
      description: 'Течёт кран & смеситель',
      timeslotStart: new Date('2030-03-15T03:00:00Z'),
      timeslotEnd: new Date('2030-03-15T06:00:00Z'),
      overrides: {
        address_comment: 'Домофон 15',
        dist_rounds_used: 2,
        escalation_reason: 'rounds_exhausted',
        escalated_logist_at: new Date(NOW - 60_000),
      },
    });
    // The history row the factory wrote "now" by the database clock is moved to the pinned day.
    await h.tdb.db
      .updateTable('order_status_history')
      .set({ created_at: new Date(NOW - 900_000) })
      .where('order_id', '=', order.id)
      .execute();
    await h.tdb.db
      .insertInto('offers')
      .values({
        order_id: order.id,
        master_id: decliner.id,
        round_number: 1,
        state: 'declined',
        sent_at: new Date(NOW - 600_000),
        expires_at: new Date(NOW - 480_000),
        responded_at: new Date(NOW - 540_000),
      })
      .execute();

    const card = await d
      .send(s, '/start')
      .then(() =>
        d.tap(s, d.lastBotMessage(s).message_id, {
          data: encode('ordersCard', { orderId: order.id }),
          unchecked: true,
        }),
      )
      .then(() => d.lastBotMessage(s));
    const text = card.text!;
    expect(text).toContain(`📦 Заказ #${order.id} · 🛡 гарантийный`);
    expect(text).toContain('📊 Статус: Гарантия: поиск мастера');
    expect(text).toContain('🏷 Тип: 🛡 гарантийный');
    expect(text).toContain(`📍 Адрес: ${city.city.name}, Северный, ул. Красный проспект, д. 7к2, кв. 15`);
    expect(text).toContain('💬 Комментарий к адресу: Домофон 15');
    expect(text).toContain('👤 Клиент: Мария <Клиент>, +79130001122');
    expect(text).toContain(`⏰ Время (${city.city.name}): 15.03.2030 10:00–13:00`);
    expect(text).toContain('👷 Мастер: не назначен');
    expect(text).toContain(`⭐ Предпочтительный мастер: Анна Гарантова (#${preferred.id})`);
    expect(text).toContain('🔁 Раундов распределения: 2');
    expect(text).toContain('⚠️ Эскалация логисту: сегодня 11:59 (мастера не приняли заказ)');
    expect(text).toContain('Течёт кран & смеситель');
    expect(text).toContain('📜 История\n• сегодня 11:45 — Гарантия: поиск мастера · ⚙️ система · создан');
    expect(text).toContain(
      `📨 Предложения\n• Олег Отказов (#${decliner.id}) · раунд 1 · ✖️ отказ · отправлено сегодня 11:50, ответ сегодня 11:51`,
    );
    const keyboard = card.reply_markup!.inline_keyboard;
    expect(keyboard[0]).toEqual([
      { text: '📋 Телефон клиента', copy_text: { text: '+79130001122' } },
      {
        text: '📋 Адрес',
        copy_text: { text: `${city.city.name}, Северный, ул. Красный проспект, д. 7к2, кв. 15` },
      },
    ]);
    expect(
      keyboard
        .flat()
        .map((b) => b.text)
        .slice(2),
    ).toEqual([
      '⚡️ Автораспределение',
      '👤 Выбрать мастера',
      '🔁 Перезапланировать',
      '✖️ Отменить',
      '📍 Уточнить точку',
      '🔄 Обновить',
      '⬅️ К списку',
      '🏠 В меню',
    ]);
  });

  it('offers the actions the status allows', async () => {
    const city = await freshCity(h);
    const s = await h.staff('city_admin', [city.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: city.city.id });
    const open = async (orderId: number) => {
      const menu = await d.menu(s);
      await d.tap(s, menu.message_id, { data: encode('ordersCard', { orderId }), unchecked: true });
      return lastButtons(d, s).filter((b) => !['🔄 Обновить', '⬅️ К списку', '🏠 В меню'].includes(b));
    };
    const working = await orderIn(h, city, { status: 'working', assignedMasterId: m.id });
    expect(await open(working.id)).toEqual([
      '📋 Телефон клиента',
      '📋 Адрес',
      '🔁 Вернуть в поиск',
      '🔁 Перезапланировать',
      '✖️ Отменить',
      '📍 Уточнить точку',
    ]);
    const payment = await orderIn(h, city, { status: 'payment', assignedMasterId: m.id });
    // Waiting for the commission: the work is done, so no cancel (the commission would go overdue).
    expect(await open(payment.id)).toEqual(['📋 Телефон клиента', '📋 Адрес']);
    const closed = await orderIn(h, city, { status: 'closed', assignedMasterId: m.id });
    await h.tdb.db
      .insertInto('attachments')
      .values({
        entity_type: 'order',
        entity_id: closed.id,
        file_type: 'photo',
        file_id: 'x',
        document_kind: 'act',
      })
      .execute();
    expect(await open(closed.id)).toEqual(['📋 Телефон клиента', '📋 Адрес', '🛡 Гарантия', '📎 Акт']);
    const oldClosed = await orderIn(h, city, {
      status: 'closed',
      assignedMasterId: m.id,
      createdAt: new Date(Date.now() - 90 * DAY),
    });
    expect(await open(oldClosed.id)).toEqual(['📋 Телефон клиента', '📋 Адрес']);
    const canceled = await orderIn(h, city, { status: 'canceled', clientPhone: null });
    expect(await open(canceled.id)).toEqual(['📋 Адрес']);
  });

  it('the escalation alert’s 📂 Открыть заказ opens the card under the alert', async () => {
    const s = await h.staff('logist', [h.moscow.city.id]);
    const order = await createOrder(h.tdb.db, { cityId: h.moscow.city.id });
    // The alert exactly as the sender delivers it (same template, same admin bot token).
    const alert = renderNotification(
      'escalation_logist',
      {
        order_id: order.id,
        city: 'Москва',
        timezone: 'Europe/Moscow',
        district: null,
        street: 'ул. Ленина',
        category: 'electrics',
        description: 'x',
        timeslot_start: null,
        timeslot_end: null,
        is_asap: false,
        type: 'normal',
        reason: 'no_candidates',
        rounds_used: 1,
      },
      new Date(),
    );
    const tg = new Telegram(h.token, { apiRoot: h.fake.apiRoot });
    const sent = await tg.sendMessage(Number(s.tg_user_id), alert.text, {
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: alert.buttons! },
    });
    const before = d.sentCount(s);
    await d.tap(s, sent.message_id, { text: '📂 Открыть заказ' });
    const after = d.sentSince(s, before);
    expect(after).toHaveLength(1);
    expect(after[0]!.text).toContain(`📦 Заказ #${order.id}`);
    expect(d.shown(s, sent.message_id).text).toContain('Эскалация заявки');

    // A logist of another city pressing the same kind of button is refused.
    const spb = await h.staff('logist', [h.spb.city.id]);
    const sentSpb = await tg.sendMessage(Number(spb.tg_user_id), alert.text, {
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: alert.buttons! },
    });
    const beforeSpb = d.sentCount(spb);
    const answer = await d.tap(spb, sentSpb.message_id, { text: '📂 Открыть заказ' });
    expect(answer).toMatchObject({ text: '⛔️ Нет доступа: это не ваш город.', show_alert: true });
    expect(d.sentSince(spb, beforeSpb)).toHaveLength(0);
  });

  it('📎 Акт sends staff files by id, fetches the master bot’s files through its token, and says when one is gone', async () => {
    const city = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: city.city.id });
    const order = await orderIn(h, city, { status: 'payment', assignedMasterId: m.id });
    // The act as the master sent it: a photo in the master bot (its file id means nothing to
    // the admin bot), plus a file id nobody knows.
    const { message } = await h.fake.userSendsPhoto(h.masterToken, {
      id: Number(m.tg_user_id),
      first_name: 'Мастер',
    });
    const masterPhoto = message.photo!.at(-1)!;
    await h.tdb.db
      .insertInto('attachments')
      .values([
        {
          entity_type: 'order',
          entity_id: order.id,
          file_type: 'photo',
          file_id: masterPhoto.file_id,
          document_kind: 'act',
          uploaded_by_master_id: m.id,
        },
        {
          entity_type: 'order',
          entity_id: order.id,
          file_type: 'document',
          file_id: 'BQAC-unknown-file',
          document_kind: 'act',
        },
      ])
      .execute();
    const menu = await d.menu(s);
    await d.tap(s, menu.message_id, { data: encode('ordersCard', { orderId: order.id }), unchecked: true });
    expect(d.lastBotMessage(s).text).toContain('📎 Акт: 2 файла');
    const before = d.sentCount(s);
    await d.tapLast(s, '📎 Акт');
    const sent = d.sentSince(s, before);
    expect(sent.map((x) => x.caption ?? x.text)).toEqual([
      `📎 Акт по заказу #${order.id} (1/2)`,
      '⚠️ 1 файл акта не удалось отправить: Telegram не отдал файл (удалён или недоступен).',
    ]);
    // Uploaded by the admin bot (a new file of this bot), not sent by the master bot's id.
    const sendPhoto = h.fake.callsOf('sendPhoto', h.token).at(-1)!;
    expect(sendPhoto.params.photo).not.toBe(masterPhoto.file_id);
    expect(sent[0]!.photo!.at(-1)!.file_id).not.toBe(masterPhoto.file_id);
  });
});
