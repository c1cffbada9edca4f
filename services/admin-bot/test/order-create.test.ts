import { createCity, createOrder as createTestOrder } from '@fs/testkit';
import { encode } from '../src/callbacks';
import { type AdminHarness, adminDriver, startAdminHarness } from './harness';
import {
  cityAtHour,
  distributionJobFor,
  lastButtons,
  localInstant,
  openWizard,
} from './order-create-helpers';

let h: AdminHarness;
let d: ReturnType<typeof adminDriver>;

beforeAll(async () => {
  h = await startAdminHarness();
  d = adminDriver(h);
});
afterAll(() => h?.close());

const ordersBy = (staffId: number) =>
  h.tdb.db.selectFrom('orders').selectAll().where('created_by_staff_id', '=', staffId).execute();

describe('full order creation wizard', () => {
  it('walks every step and creates the order with its attachments, history, audit and a distribution job', async () => {
    // 11:xx local, default working hours 10–20: open, and all of today's slots still offered.
    const city = await cityAtHour(h, 11);
    const tz = city.city.timezone;
    const central = city.district('Центральный');
    const [street] = await h.tdb.db
      .insertInto('streets')
      .values([
        { city_id: city.city.id, district_id: central.id, name: 'Тверская улица' },
        { city_id: city.city.id, district_id: null, name: 'Тверской бульвар' },
      ])
      .returningAll()
      .execute();
    const s = await h.staff('logist', [city.city.id]);

    const cities = await openWizard(d, s, '📝 Полное создание');
    expect(cities.text).toBe('🏙 Выберите город или введите часть названия для поиска:');
    expect(d.buttons(s, cities.message_id)).toEqual([city.city.name, '⬅️ Назад', '❌ Отменить']);

    const districts = (await d.tapLast(s, city.city.name)).last;
    expect(districts.text).toBe(
      `🗺 ${city.city.name}: выберите район или введите часть названия.\nБез района мастер ищется по всему городу.`,
    );
    expect(d.buttons(s, districts.message_id)).toEqual([
      'Северный',
      'Центральный',
      '🚫 Без района',
      '⬅️ Назад',
      '❌ Отменить',
    ]);
    await d.tapLast(s, 'Центральный');
    expect(d.lastBotMessage(s).text).toBe(
      '🛣 Введите название улицы для поиска (минимум 2 символа), или выберите вариант ниже:',
    );

    const found = await d.send(s, 'тверск');
    expect(found.text).toBe(
      '🛣 Улицы по запросу «тверск». Выберите улицу, введите другой запрос или укажите улицу вручную:',
    );
    expect(lastButtons(d, s)).toEqual([
      'Тверская улица (Центральный)',
      'Тверской бульвар',
      '✏️ Ввести вручную',
      '🚫 Без улицы',
      '⬅️ Назад',
      '❌ Отменить',
    ]);
    expect((await d.tapLast(s, 'Тверская улица (Центральный)')).last.text).toBe(
      '🏠 Введите номер дома (от 1 до 10 символов):',
    );
    expect((await d.send(s, '12к1')).text).toContain('🚪 Введите номер квартиры');
    expect((await d.send(s, '45')).text).toContain('💬 Введите комментарий к адресу');
    expect((await d.send(s, 'Подъезд 2, код <45#>')).text).toContain('👤 Введите имя клиента');
    expect((await d.send(s, 'Иванова А.П.')).text).toContain('📞 Введите телефон клиента');
    const categories = await d.send(s, '8 (916) 123-45-67');
    expect(categories.text).toBe('🔧 Выберите категорию работ:');
    expect(lastButtons(d, s)).toEqual([
      '⚡ Электрика',
      '🚰 Сантехника',
      '🔌 Бытовая техника',
      '🪟 Окна',
      '🔧 Мелкий ремонт',
      '🚗 Помощь на дороге',
      '⬅️ Назад',
      '❌ Отменить',
    ]);
    await d.tapLast(s, '🚰 Сантехника');
    const slots = await d.send(s, 'Течёт кран на кухне, нужна замена смесителя');
    expect(slots.text).toMatch(
      /^🕐 Выберите время визита \(время города, сейчас 1[12]:\d\d\)\. Другую дату можно ввести в формате ДД\.ММ\.$/,
    );
    expect(lastButtons(d, s)).toEqual(
      expect.arrayContaining([
        '⚡ Как можно скорее',
        'Сегодня 16:00–19:00',
        'Завтра 13:00–16:00',
        '📅 Другая дата',
      ]),
    );
    expect((await d.tapLast(s, 'Завтра 13:00–16:00')).last.text).toBe('📋 Выберите тип заказа:');
    const files = (await d.tapLast(s, '📝 Обычный')).last;
    expect(files.text).toBe(
      '📎 Пришлите фото или документы к заказу (до 10). Сейчас приложено: 0.\nКогда закончите, нажмите «✅ Готово».',
    );
    expect((await d.sendPhoto(s)).text).toBe('✅ Фото добавлено (1/10).');
    expect((await d.sendDocument(s, 'smeta.pdf')).text).toBe('✅ Документ добавлен (2/10).');

    const card = (await d.tapLast(s, '✅ Готово')).last;
    expect(card.text).toBe(
      [
        '📋 Новый заказ — проверьте данные',
        '',
        `🏙 Город: ${city.city.name}`,
        '🗺 Район: Центральный',
        '🛣 Улица: Тверская улица',
        '🏠 Дом: 12к1',
        '🚪 Квартира: 45',
        '💬 Комментарий: Подъезд 2, код <45#>',
        '👤 Клиент: Иванова А.П.',
        '📞 Телефон: +79161234567',
        '🔧 Категория: 🚰 Сантехника',
        '📝 Описание: Течёт кран на кухне, нужна замена смесителя',
        '🕐 Время визита: завтра 13:00–16:00',
        '📋 Тип: Обычный',
        '📎 Вложений: 2',
      ].join('\n'),
    );
    expect(d.buttons(s, card.message_id)).toEqual(['✅ Создать', '✏️ Изменить', '❌ Отменить']);

    const done = (await d.tapLast(s, '✅ Создать')).edited;
    const [order] = await ordersBy(s.id);
    expect(order).toBeDefined();
    expect(done.text).toBe(`✅ Заказ #${order!.id} создан.\n🔎 Статус: идёт поиск мастера.`);
    expect(d.buttons(s, done.message_id)).toEqual([
      `📄 Открыть заказ #${order!.id}`,
      '➕ Ещё заказ',
      '🏠 В меню',
    ]);
    expect(d.data(s, done.message_id)[0]).toBe(encode('adminOrderOpen', { orderId: order!.id }));

    expect(order).toMatchObject({
      city_id: city.city.id,
      district_id: central.id,
      street_id: street!.id,
      street: 'Тверская улица',
      house: '12к1',
      apartment: '45',
      address_comment: 'Подъезд 2, код <45#>',
      client_name: 'Иванова А.П.',
      client_phone: '+79161234567',
      category: 'plumbing',
      description: 'Течёт кран на кухне, нужна замена смесителя',
      status: 'searching',
      type: 'normal',
      is_asap: false,
      deferred_until: null,
      assigned_master_id: null,
      created_by_staff_id: s.id,
    });
    expect(Number(order!.company_payment_kopecks)).toBe(0);
    expect(order!.timeslot_start).toEqual(localInstant(tz, 1, '13:00'));
    expect(order!.timeslot_end).toEqual(localInstant(tz, 1, '16:00'));

    const attachments = await h.tdb.db
      .selectFrom('attachments')
      .selectAll()
      .where('entity_type', '=', 'order')
      .where('entity_id', '=', order!.id)
      .orderBy('id')
      .execute();
    expect(attachments.map((a) => [a.file_type, a.file_name, a.uploaded_by_staff_id])).toEqual([
      ['photo', null, s.id],
      ['document', 'smeta.pdf', s.id],
    ]);
    expect(attachments.every((a) => a.file_id.length > 0)).toBe(true);

    const history = await h.tdb.db
      .selectFrom('order_status_history')
      .select(['from_status', 'to_status', 'actor_type', 'actor_id', 'reason'])
      .where('order_id', '=', order!.id)
      .orderBy('id')
      .execute();
    expect(history).toEqual([
      {
        from_status: null,
        to_status: 'created',
        actor_type: 'staff',
        actor_id: s.id,
        reason: 'order_created',
      },
      {
        from_status: 'created',
        to_status: 'searching',
        actor_type: 'staff',
        actor_id: s.id,
        reason: 'order_confirmed',
      },
    ]);
    const auditRows = await h.tdb.db
      .selectFrom('admin_audit_log')
      .select(['action', 'entity_type', 'entity_id', 'payload'])
      .where('staff_user_id', '=', s.id)
      .execute();
    expect(auditRows).toEqual([
      {
        action: 'order.create',
        entity_type: 'order',
        entity_id: order!.id,
        payload: { mode: 'full', reused_address: false, attachments: 2 },
      },
    ]);
    expect(await distributionJobFor(h, order!.id)).toHaveLength(1);

    // The wizard is over: pressing ✅ Создать again creates nothing and says it was created.
    const again = await d.tap(s, card.message_id, { data: encode('ocCreate', {}), unchecked: true });
    expect(again.text).toBe(`✅ Заказ #${order!.id} уже создан.`);
    expect(await ordersBy(s.id)).toHaveLength(1);
  });

  it('edits a field from the card, a guarantee order, no district', async () => {
    const city = await cityAtHour(h, 11);
    const s = await h.staff('city_admin', [city.city.id]);
    await openWizard(d, s, '📝 Полное создание');
    await d.tapLast(s, city.city.name);
    await d.tapLast(s, '🚫 Без района');
    await d.tapLast(s, '✏️ Ввести вручную');
    expect(d.lastBotMessage(s).text).toBe('✍️ Введите название улицы (от 2 до 200 символов):');
    await d.send(s, 'Нова улица');
    await d.send(s, '7');
    await d.tapLast(s, '⏭ Пропустить');
    await d.tapLast(s, '⏭ Пропустить');
    await d.send(s, 'Пётр');
    await d.send(s, '+7 900 000-00-01');
    await d.tapLast(s, '⚡ Электрика');
    await d.send(s, 'Искрит розетка в спальне');
    await d.tapLast(s, '⚡ Как можно скорее');
    await d.tapLast(s, '🛡 Гарантийный');
    const card = (await d.tapLast(s, '✅ Готово')).last;
    expect(card.text).toContain('🗺 Район: не указан\n🛣 Улица: Нова улица\n🏠 Дом: 7\n👤 Клиент: Пётр');
    expect(card.text).toContain('🕐 Время визита: как можно скорее\n📋 Тип: 🛡 Гарантийный\n📎 Вложений: 0');
    expect(card.text).toContain('⚠️ Район не указан: мастер будет искаться по всему городу.');

    // ✏️ Изменить → 🏠 Дом → back to the card with the new value.
    await d.tapLast(s, '✏️ Изменить');
    expect(lastButtons(d, s)).toContain('🏠 Дом');
    await d.tapLast(s, '🏠 Дом');
    const edited = await d.send(s, '9А');
    expect(edited.text).toContain('🏠 Дом: 9А');
    expect(edited.text).toContain('📋 Новый заказ — проверьте данные');

    const done = (await d.tapLast(s, '✅ Создать')).edited;
    const [order] = await ordersBy(s.id);
    expect(done.text).toBe(
      `✅ Заказ #${order!.id} создан.\n🛡 Статус: гарантийный визит, идёт поиск мастера.\n⚠️ Район не указан: мастер ищется по всему городу.`,
    );
    expect(order).toMatchObject({
      district_id: null,
      street_id: null,
      street: 'Нова улица',
      house: '9А',
      apartment: null,
      address_comment: null,
      status: 'guarantee',
      type: 'guarantee',
      is_asap: true,
    });
    expect(Number(order!.company_payment_kopecks)).toBe(250_000);
    // ASAP: from now to the end of the working day (20:00 city time).
    expect(order!.timeslot_end).toEqual(localInstant(city.city.timezone, 0, '20:00'));
    expect(order!.timeslot_start!.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('creates a deferred order outside working hours and says when distribution starts', async () => {
    // 03:xx local: before the 10:00 start.
    const city = await cityAtHour(h, 3);
    const s = await h.staff('logist', [city.city.id]);
    await openWizard(d, s, '📝 Полное создание');
    await d.tapLast(s, city.city.name);
    await d.tapLast(s, 'Северный');
    await d.tapLast(s, '🚫 Без улицы');
    await d.send(s, '1');
    await d.tapLast(s, '⏭ Пропустить');
    await d.tapLast(s, '⏭ Пропустить');
    await d.send(s, 'Ольга');
    await d.send(s, '89000000002');
    await d.tapLast(s, '🪟 Окна');
    await d.send(s, 'Не закрывается окно на балконе');
    await d.tapLast(s, '⚡ Как можно скорее');
    await d.tapLast(s, '📝 Обычный');
    const card = (await d.tapLast(s, '✅ Готово')).last;
    expect(card.text).toContain(
      '⚠️ Сейчас в городе нерабочее время (10:00–20:00): заказ будет создан отложенным, распределение начнётся в рабочее время.',
    );
    const done = (await d.tapLast(s, '✅ Создать')).edited;
    const [order] = await ordersBy(s.id);
    expect(done.text).toBe(
      `✅ Заказ #${order!.id} создан.\n⏸ Статус: отложен — сейчас в городе нерабочее время.\n📅 Распределение начнётся автоматически: сегодня 10:00 (время города).`,
    );
    const start = localInstant(city.city.timezone, 0, '10:00');
    expect(order).toMatchObject({
      status: 'deferred',
      is_asap: true,
      deferred_until: start,
      timeslot_start: start,
    });
    expect(await distributionJobFor(h, order!.id)).toHaveLength(0);
  });
});

describe('time slots', () => {
  it('hides today’s slots that are over and keeps the running one', async () => {
    const city = await cityAtHour(h, 14);
    const s = await h.staff('logist', [city.city.id]);
    await toSlotStep(s, city.city.name);
    const labels = lastButtons(d, s);
    expect(labels).not.toContain('Сегодня 10:00–13:00');
    expect(labels).toEqual([
      '⚡ Как можно скорее',
      'Сегодня 13:00–16:00',
      'Сегодня 16:00–19:00',
      'Завтра 10:00–13:00',
      'Завтра 13:00–16:00',
      'Завтра 16:00–19:00',
      '📅 Другая дата',
      '⬅️ Назад',
      '❌ Отменить',
    ]);
    // A forged button for today's finished slot is refused with fresh options.
    const slotMsg = d.lastBotMessage(s);
    const answer = await d.tap(s, slotMsg.message_id, {
      data: encode('ocSlot', { day: 't', idx: 0 }),
      unchecked: true,
    });
    expect(answer.text).toBe('⚠️ Интервал уже закончился.');
    expect(d.shown(s, slotMsg.message_id).text).toMatch(
      /^⏰ Выбранный интервал уже закончился\. Выберите актуальное время:\n\n🕐/,
    );

    // A typed date shows that day's slots.
    const date = new Date(localInstant(city.city.timezone, 3, '12:00'));
    const dd = new Intl.DateTimeFormat('ru-RU', {
      timeZone: city.city.timezone,
      day: '2-digit',
      month: '2-digit',
    }).format(date);
    const ofDate = await d.send(s, dd);
    expect(ofDate.text).toBe(`🕐 Интервалы на ${dd} (время города):`);
    expect(lastButtons(d, s)).toEqual([
      `${dd} 10:00–13:00`,
      `${dd} 13:00–16:00`,
      `${dd} 16:00–19:00`,
      '📅 Другая дата',
      '⬅️ Сегодня / завтра',
      '❌ Отменить',
    ]);
    expect((await d.tapLast(s, `${dd} 13:00–16:00`)).last.text).toBe('📋 Выберите тип заказа:');
  });

  it('a slot ending within the lead time is not offered; a date of next year shows its year (clock pinned)', async () => {
    // 30.12.2026 18:32 in Moscow (UTC+3): 16:00–19:00 ends in 28 minutes, under the 60-minute lead.
    h.pinClock(new Date('2026-12-30T15:32:00Z'));
    try {
      const city = await createCity(h.tdb.db, {
        timezone: 'Europe/Moscow',
        workingHoursStart: '08:00',
        workingHoursEnd: '22:00',
      });
      const s = await h.staff('logist', [city.city.id]);
      const slotStep = await toSlotStep(s, city.city.name);
      expect(slotStep.text).toContain('сейчас 18:32');
      expect(lastButtons(d, s)).toEqual([
        '⚡ Как можно скорее',
        'Завтра 10:00–13:00',
        'Завтра 13:00–16:00',
        'Завтра 16:00–19:00',
        '📅 Другая дата',
        '⬅️ Назад',
        '❌ Отменить',
      ]);
      // A forged button for it is refused with fresh options, and the draft keeps no slot.
      const msg = d.lastBotMessage(s);
      const answer = await d.tap(s, msg.message_id, {
        data: encode('ocSlot', { day: 't', idx: 2 }),
        unchecked: true,
      });
      expect(answer.text).toBe('⚠️ До конца интервала меньше 60 мин.');
      expect(d.shown(s, msg.message_id).text).toMatch(/^⏰ До конца выбранного интервала меньше 60 мин/);

      // 05.01 typed in December is next year's, and says so.
      const ofDate = await d.send(s, '05.01');
      expect(ofDate.text).toBe('🕐 Интервалы на 05.01.2027 (время города):');
      expect(lastButtons(d, s).slice(0, 3)).toEqual([
        '05.01.2027 10:00–13:00',
        '05.01.2027 13:00–16:00',
        '05.01.2027 16:00–19:00',
      ]);
      await d.tapLast(s, '05.01.2027 13:00–16:00');
      await d.tapLast(s, '📝 Обычный');
      const card = (await d.tapLast(s, '✅ Готово')).last;
      expect(card.text).toContain('🕐 Время визита: 05.01.2027 13:00–16:00');
    } finally {
      h.pinClock(undefined);
    }
  });

  it('after the late threshold ASAP becomes tomorrow’s first slot once staff confirm', async () => {
    // 21:xx local, working hours 08:00–23:30: still open, but past the 19:30 threshold.
    const city = await cityAtHour(h, 21, { workingHours: ['08:00', '23:30'] });
    const s = await h.staff('logist', [city.city.id]);
    await toSlotStep(s, city.city.name);
    const late = (await d.tapLast(s, '⚡ Как можно скорее')).last;
    expect(late.text).toBe(
      '⚠️ Сейчас позже 19:30 по времени города: «как можно скорее» уже не получится.\nМастер сможет приехать завтра 10:00–13:00. Создать заказ на это время?',
    );
    expect(d.buttons(s, late.message_id)).toEqual([
      '✅ Да, на завтра',
      '🔁 Выбрать другое время',
      '❌ Отменить',
    ]);
    expect((await d.tapLast(s, '✅ Да, на завтра')).last.text).toBe('📋 Выберите тип заказа:');
    await d.tapLast(s, '📝 Обычный');
    const card = (await d.tapLast(s, '✅ Готово')).last;
    expect(card.text).toContain('🕐 Время визита: завтра 10:00–13:00');
    await d.tapLast(s, '✅ Создать');
    const [order] = await ordersBy(s.id);
    expect(order).toMatchObject({
      status: 'searching',
      is_asap: false,
      timeslot_start: localInstant(city.city.timezone, 1, '10:00'),
      timeslot_end: localInstant(city.city.timezone, 1, '13:00'),
    });
  });
});

/** Full wizard up to the slot screen (no district, no street). */
async function toSlotStep(s: Parameters<typeof d.menu>[0], cityName: string) {
  await openWizard(d, s, '📝 Полное создание');
  await d.tapLast(s, cityName);
  await d.tapLast(s, '🚫 Без района');
  await d.tapLast(s, '🚫 Без улицы');
  await d.send(s, '3');
  await d.tapLast(s, '⏭ Пропустить');
  await d.tapLast(s, '⏭ Пропустить');
  await d.send(s, 'Клиент');
  await d.send(s, '89000000003');
  await d.tapLast(s, '🔧 Мелкий ремонт');
  return d.send(s, 'Повесить полку в коридоре');
}

describe('quick create', () => {
  it('reuses the last address and name of a repeat client', async () => {
    const city = await cityAtHour(h, 11);
    const north = city.district('Северный');
    const s = await h.staff('logist', [city.city.id]);
    await createTestOrder(h.tdb.db, {
      cityId: city.city.id,
      districtId: null,
      clientPhone: '+79005550001',
      clientName: 'Старый',
      createdAt: new Date(Date.now() - 86_400_000),
    });
    await createTestOrder(h.tdb.db, {
      cityId: city.city.id,
      districtId: north.id,
      clientPhone: '+79005550001',
      clientName: 'Анна Сергеевна',
      street: 'Лесная',
      house: '5',
      apartment: '12',
      status: 'closed',
    });
    const prompt = await openWizard(d, s, '⚡ Быстрое создание');
    expect(prompt.text).toContain('📞 Введите телефон клиента');
    const cat = await d.send(s, '8 900 555 00 01');
    expect(cat.text).toBe(
      `✅ Нашли прошлый заказ клиента. Адрес и имя подставлены:\n📍 ${city.city.name}, Северный, Лесная, 5, кв. 12\n\n🔧 Выберите категорию работ:`,
    );
    await d.tapLast(s, '🔌 Бытовая техника');
    await d.send(s, 'Не сливает воду стиральная машина');
    await d.tapLast(s, 'Завтра 16:00–19:00');
    const card = d.lastBotMessage(s);
    expect(card.text).toContain(
      `🏙 Город: ${city.city.name}\n🗺 Район: Северный\n🛣 Улица: Лесная\n🏠 Дом: 5\n🚪 Квартира: 12\n👤 Клиент: Анна Сергеевна\n📞 Телефон: +79005550001`,
    );
    await d.tapLast(s, '✅ Создать');
    const [order] = await ordersBy(s.id);
    expect(order).toMatchObject({
      city_id: city.city.id,
      district_id: north.id,
      street: 'Лесная',
      house: '5',
      apartment: '12',
      client_name: 'Анна Сергеевна',
      client_phone: '+79005550001',
      category: 'appliances',
      status: 'searching',
      timeslot_start: localInstant(city.city.timezone, 1, '16:00'),
    });
    const auditRow = await h.tdb.db
      .selectFrom('admin_audit_log')
      .select('payload')
      .where('staff_user_id', '=', s.id)
      .executeTakeFirstOrThrow();
    expect(auditRow.payload).toEqual({ mode: 'quick', reused_address: true, attachments: 0 });
  });

  it('falls back to the full wizard with the phone filled for a new client (or one of another city)', async () => {
    const mine = await cityAtHour(h, 11);
    const other = await cityAtHour(h, 11);
    await createTestOrder(h.tdb.db, { cityId: other.city.id, clientPhone: '+79005550002' });
    const s = await h.staff('logist', [mine.city.id]);
    await openWizard(d, s, '⚡ Быстрое создание');
    const city = await d.send(s, '+79005550002');
    expect(city.text).toBe(
      '🔎 Заказов с этим телефоном в ваших городах нет — заполним заказ полностью. Телефон уже указан.\n\n🏙 Выберите город или введите часть названия для поиска:',
    );
    await d.tapLast(s, mine.city.name);
    await d.tapLast(s, '🚫 Без района');
    await d.tapLast(s, '🚫 Без улицы');
    await d.send(s, '1');
    await d.tapLast(s, '⏭ Пропустить');
    await d.tapLast(s, '⏭ Пропустить');
    // The phone step is skipped: the name leads straight to the category.
    expect((await d.send(s, 'Новый Клиент')).text).toBe('🔧 Выберите категорию работ:');
  });
});

describe('double confirmation', () => {
  it('two simultaneous taps on ✅ Создать create one order', async () => {
    const city = await cityAtHour(h, 11);
    const s = await h.staff('logist', [city.city.id]);
    await toSlotStep(s, city.city.name);
    await d.tapLast(s, 'Завтра 10:00–13:00');
    await d.tapLast(s, '📝 Обычный');
    const card = (await d.tapLast(s, '✅ Готово')).last;
    const user = { id: Number(s.tg_user_id), first_name: 'Сотрудник' };
    const press = () =>
      h.fake.userPressesButton(h.token, user, { messageId: card.message_id, text: '✅ Создать' });
    const presses = await Promise.all([press(), press()]);
    await h.ab.running.idle();
    expect(await ordersBy(s.id)).toHaveLength(1);
    const answers = h.fake
      .callsOf('answerCallbackQuery', h.token)
      .filter((c) => presses.some((p) => p.callbackQueryId === c.params.callback_query_id));
    expect(answers).toHaveLength(2);
  });
});

describe('leaving the wizard', () => {
  it('/cancel and ❌ Отменить leave it; nothing is created', async () => {
    const city = await cityAtHour(h, 11);
    const s = await h.staff('logist', [city.city.id]);
    await openWizard(d, s, '📝 Полное создание');
    await d.tapLast(s, city.city.name);
    await d.send(s, '/cancel');
    const [canceled] = d.sentSince(s, d.sentCount(s) - 2);
    expect(canceled!.text).toBe('Действие отменено.');
    expect((await d.send(s, '12')).text).toBe(
      'Не понял сообщение. Пользуйтесь кнопками меню или нажмите /start.',
    );

    await openWizard(d, s, '📝 Полное создание');
    const { edited, last } = await d.tapLast(s, '❌ Отменить');
    expect(edited.text).toBe('↩️ Создание заказа отменено.');
    expect(last.text).toContain('🏠 Главное меню');
    expect(await ordersBy(s.id)).toHaveLength(0);
  });
});
