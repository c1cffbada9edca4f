import { createRedis, QUEUES } from '@fs/queue';
import { createMaster, createOrder, type MasterFixture } from '@fs/testkit';
import { Queue } from 'bullmq';
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

const orderRow = (id: number) =>
  h.tdb.db
    .selectFrom('orders')
    .select(['status', 'total_amount_kopecks', 'company_payment_kopecks', 'version'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

async function assigned(
  m: MasterFixture,
  opts: { type?: 'normal' | 'guarantee'; status?: 'assigned' | 'working' } = {},
) {
  return createOrder(h.tdb.db, {
    cityId: h.moscow.city.id,
    districtId: h.moscow.districts[0]!.id,
    status: opts.status ?? 'assigned',
    type: opts.type ?? 'normal',
    assignedMasterId: m.id,
    clientName: 'Анна Клиентова',
    clientPhone: '+79165554433',
    street: 'ул. Тверская',
    house: '7',
    apartment: '12',
  });
}

/** /start → 📦 Активные заказы → Открыть #id: the menu message now shows the card. */
async function openCard(m: MasterFixture, orderId: number) {
  const menu = await d.menu(m);
  await d.tap(m, menu.message_id, { text: '📦 Активные заказы' });
  await d.tap(m, menu.message_id, { text: `Открыть #${orderId}` });
  return menu.message_id;
}

describe('active orders', () => {
  it('status flow end to end: в пути → работаю → закрыть with amount and photo; commission created', async () => {
    await h.tdb.db
      .updateTable('owner_requisites')
      .set({ data: JSON.stringify({ card_number: '2200 0000 0000 0001', card_holder: 'Иван <Владелец>' }) })
      .where('id', '=', 1)
      .execute();
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const order = await assigned(m);
    const card = await openCard(m, order.id);
    const text = d.shown(m, card).text!;
    expect(text).toContain('Статус: Назначено мастеру');
    expect(text).toContain('ул. Тверская, д. 7, кв. 12');
    expect(text).toContain('Анна Клиентова');
    // The phone is plain text Telegram makes tappable; the address links to the map (no point
    // known: a Yandex search for city, street and house).
    expect(text).toContain('📞 Телефон: +7 916 555-44-33');
    const entities = d.shown(m, card).entities ?? [];
    expect(entities.filter((e) => e.type === 'code' || e.type === 'pre')).toEqual([]);
    expect(entities).toContainEqual(
      expect.objectContaining({
        type: 'text_link',
        url: `https://yandex.ru/maps/?text=${encodeURIComponent('Москва, ул. Тверская, д. 7')}`,
      }),
    );
    expect(d.buttons(m, card)).toEqual(['🚗 В пути', '📋 Телефон клиента', '📋 Адрес', '⬅️ Назад', '🏠 Меню']);

    expect((await d.tap(m, card, { text: '🚗 В пути' })).text).toBe('Отметили, что вы в пути.');
    expect(d.shown(m, card).text).toContain('Мастер в пути');
    // The stale "В пути" button (order already en route) changes nothing.
    const stale = await d.tap(m, card, { data: `m:acte:${order.id}`, unchecked: true });
    expect(stale).toMatchObject({ show_alert: true });
    expect(stale.text).toMatch(/Статус заказа уже изменился/);
    expect((await orderRow(order.id)).status).toBe('en_route');

    await d.tap(m, card, { text: '🛠 Работаю' });
    expect(d.shown(m, card).text).toContain('Мастер работает');
    await d.tap(m, card, { text: '✅ Закрыть' });
    expect(d.lastBotMessage(m).text).toContain('Введите сумму');

    // Bad amounts keep the step; each gets a clear reply.
    for (const [input, reply] of [
      ['сто рублей', 'Некорректная сумма'],
      ['0', 'больше нуля'],
      ['2 000 000', 'Слишком большая сумма'],
      ['12,345', 'Некорректная сумма'],
    ] as const) {
      expect((await d.send(m, input)).text).toContain(reply);
    }
    expect(
      (
        await d.sendRaw(m, {
          sticker: {
            file_id: 'st1',
            file_unique_id: 'u1',
            type: 'regular',
            width: 1,
            height: 1,
            is_animated: false,
            is_video: false,
          },
        })
      ).text,
    ).toContain('Некорректная сумма');
    expect((await orderRow(order.id)).status).toBe('working');

    // A photo before the amount: first the amount, then the act.
    expect((await d.sendPhoto(m)).text).toBe(
      'Сначала сумма, потом фото акта: введите сумму, полученную от клиента, числом (например, 3500).',
    );
    // The amount and the commission it implies, confirmed before anything is fixed.
    const confirm = await d.send(m, '3 500,50');
    expect(confirm.text).toBe(
      [
        `🧾 Закрытие заказа #${order.id}`,
        '',
        'Сумма от клиента: 3\u00a0500,50\u00a0₽',
        '💸 Комиссия составит: 1\u00a0750,25\u00a0₽ (50 %)',
        '',
        'Всё верно?',
      ].join('\n'),
    );
    expect(d.buttons(m, confirm.message_id)).toEqual(['✅ Верно', '✏️ Изменить сумму', '❌ Отменить']);
    expect((await d.sendPhoto(m)).text).toBe(
      'Подтвердите сумму кнопкой «✅ Верно» (или введите другую сумму), потом отправьте фото акта.',
    );
    expect((await orderRow(order.id)).total_amount_kopecks).toBeNull();
    await d.tap(m, confirm.message_id, { text: '✅ Верно' });
    expect(d.shown(m, confirm.message_id).text).toContain('Отправьте фото или файл акта');
    expect((await d.send(m, 'вот акт')).text).toContain('Нужен один файл');
    const done = await d.sendPhoto(m);
    expect(done.text).toContain(`Заказ #${order.id} закрыт!`);
    expect(done.text).toContain('Сумма: 3\u00a0500,50\u00a0₽');
    expect(done.text).toContain('Комиссия: 1\u00a0750,25\u00a0₽ (50 %)');
    expect(done.text).toMatch(/Оплатить до: (сегодня|завтра) \d\d:\d\d/);
    expect(done.text).toContain('2200 0000 0000 0001');
    expect(done.text).toContain('Иван <Владелец>');

    expect(await orderRow(order.id)).toMatchObject({ status: 'payment', total_amount_kopecks: 350_050 });
    const commission = await h.tdb.db
      .selectFrom('commissions')
      .selectAll()
      .where('order_id', '=', order.id)
      .executeTakeFirstOrThrow();
    expect(commission).toMatchObject({
      master_id: m.id,
      amount_kopecks: 175_025,
      rate: '0.5000',
      status: 'wait_pay',
      pay_to_snapshot: { card_number: '2200 0000 0000 0001', card_holder: 'Иван <Владелец>' },
    });
    const hours = (commission.deadline_at.getTime() - commission.created_at.getTime()) / 3_600_000;
    expect(hours).toBeCloseTo(3, 3);
    const act = await h.tdb.db
      .selectFrom('attachments')
      .selectAll()
      .where('entity_type', '=', 'order')
      .where('entity_id', '=', order.id)
      .execute();
    expect(act).toEqual([
      expect.objectContaining({ file_type: 'photo', document_kind: 'act', uploaded_by_master_id: m.id }),
    ]);
    const history = await h.tdb.db
      .selectFrom('order_status_history')
      .select(['from_status', 'to_status', 'actor_type'])
      .where('order_id', '=', order.id)
      .orderBy('id')
      .execute();
    expect(history.slice(1)).toEqual([
      { from_status: 'assigned', to_status: 'en_route', actor_type: 'master' },
      { from_status: 'en_route', to_status: 'working', actor_type: 'master' },
      { from_status: 'working', to_status: 'payment', actor_type: 'master' },
    ]);
    // Closing wakes the city's waiting orders.
    const waiting = await createOrder(h.tdb.db, { cityId: h.moscow.city.id });
    const queue = new Queue(QUEUES.distribution, { connection: h.redis.connection, prefix: h.redis.prefix });
    try {
      const other = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
      const o2 = await assigned(other, { status: 'working' });
      const c2 = await openCard(other, o2.id);
      await d.tap(other, c2, { text: '✅ Закрыть' });
      await d.tap(other, (await d.send(other, '8000')).message_id, { text: '✅ Верно' });
      await d.sendDocument(other);
      const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
      expect(jobs.map((j) => j.data)).toContainEqual({ orderId: waiting.id, reason: 'order_closed' });
      const c = await h.tdb.db
        .selectFrom('commissions')
        .select(['amount_kopecks', 'rate'])
        .where('order_id', '=', o2.id)
        .executeTakeFirstOrThrow();
      expect(c).toEqual({ amount_kopecks: 400_000, rate: '0.5000' });
    } finally {
      await queue.close();
    }
  });

  it('the active list: the title, one blank line, the orders one blank line apart', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const one = await assigned(m);
    const menu = await d.menu(m);
    await d.tap(m, menu.message_id, { text: '📦 Активные заказы' });
    expect(d.shown(m, menu.message_id).text).toMatch(new RegExp(`^📦 Активный заказ\\n\\n#${one.id} • `));
    const two = await assigned(m, { status: 'working' });
    await d.tap(m, menu.message_id, { text: '🏠 Меню' });
    await d.tap(m, menu.message_id, { text: '📦 Активные заказы' });
    const text = d.shown(m, menu.message_id).text!;
    expect(text).toMatch(/^📦 Активные заказы \(2\)\n\n#\d+ • /);
    expect(text).not.toContain('\n\n\n');
    expect(text).toContain(`#${one.id} •`);
    expect(text).toContain(`#${two.id} •`);
  });

  it('a 7-day average check of 7,000 ₽ or more gives 40 %', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const prev = await assigned(m, { status: 'working' });
    await h.tdb.db
      .updateTable('orders')
      .set({ status: 'payment', total_amount_kopecks: 900_000 })
      .where('id', '=', prev.id)
      .execute();
    await h.tdb.db
      .insertInto('order_status_history')
      .values({
        order_id: prev.id,
        from_status: 'working',
        to_status: 'payment',
        actor_type: 'master',
        actor_id: m.id,
      })
      .execute();
    const order = await assigned(m, { status: 'working' });
    const card = await openCard(m, order.id);
    await d.tap(m, card, { text: '✅ Закрыть' });
    const confirm = await d.send(m, '1000');
    expect(confirm.text).toContain('Комиссия составит: 400\u00a0₽ (40 %)');
    await d.tap(m, confirm.message_id, { text: '✅ Верно' });
    const done = await d.sendDocument(m);
    expect(done.text).toContain('(40 %)');
    const c = await h.tdb.db
      .selectFrom('commissions')
      .select(['amount_kopecks', 'rate'])
      .where('order_id', '=', order.id)
      .executeTakeFirstOrThrow();
    expect(c).toEqual({ amount_kopecks: 40_000, rate: '0.4000' });
  });

  it('a total far above the category’s usual is asked once more; ✏️ Изменить сумму fixes a typo', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const order = await assigned(m, { status: 'working' }); // ⚡ Электрика: usual up to 15 000 ₽
    const card = await openCard(m, order.id);
    await d.tap(m, card, { text: '✅ Закрыть' });
    const confirm = await d.send(m, '35000');
    expect(confirm.text).toContain('Комиссия составит: 17\u00a0500\u00a0₽ (50 %)');
    await d.tap(m, confirm.message_id, { text: '✅ Верно' });
    expect(d.shown(m, confirm.message_id).text).toBe(
      [
        `⚠️ Заказ #${order.id}: 35\u00a0000\u00a0₽ — намного больше обычного для этой категории (обычно до 15\u00a0000\u00a0₽).`,
        '',
        'Проверьте, нет ли лишнего нуля. Сумма верна?',
      ].join('\n'),
    );
    expect(d.buttons(m, confirm.message_id)).toEqual([
      '✅ Да, сумма верна',
      '✏️ Изменить сумму',
      '❌ Отменить',
    ]);
    // The first question's button, pressed again (a stale copy), changes nothing.
    expect(await d.tap(m, confirm.message_id, { data: `m:clok:${order.id}`, unchecked: true })).toMatchObject(
      { text: 'Это действие уже неактуально. Открыть меню: /start' },
    );
    await d.tap(m, confirm.message_id, { text: '✏️ Изменить сумму' });
    expect(d.shown(m, confirm.message_id).text).toContain('Введите сумму');
    const fixed = await d.send(m, '3500');
    expect(fixed.text).toContain('Комиссия составит: 1\u00a0750\u00a0₽ (50 %)');
    await d.tap(m, fixed.message_id, { text: '✅ Верно' });
    expect(d.shown(m, fixed.message_id).text).toContain('Отправьте фото или файл акта');
    expect((await d.sendPhoto(m)).text).toContain(`Заказ #${order.id} закрыт!`);
    expect(await orderRow(order.id)).toMatchObject({ status: 'payment', total_amount_kopecks: 350_000 });

    // "Да, сумма верна" keeps a large amount that is real.
    const o2 = await assigned(m, { status: 'working' });
    const c2 = await openCard(m, o2.id);
    await d.tap(m, c2, { text: '✅ Закрыть' });
    const big = await d.send(m, '40000');
    await d.tap(m, big.message_id, { text: '✅ Верно' });
    await d.tap(m, big.message_id, { text: '✅ Да, сумма верна' });
    expect(d.shown(m, big.message_id).text).toContain('Отправьте фото или файл акта');
    await d.sendPhoto(m);
    expect(await orderRow(o2.id)).toMatchObject({ status: 'payment', total_amount_kopecks: 4_000_000 });
  });

  it('guarantee orders close without amount and commission: → closed, company payment recorded', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const order = await assigned(m, { type: 'guarantee', status: 'working' });
    const card = await openCard(m, order.id);
    expect(d.shown(m, card).text).toContain('ЗАЯВКА ПО ГАРАНТИИ');
    await d.tap(m, card, { text: '✅ Закрыть' });
    expect(d.lastBotMessage(m).text).toContain('Отправьте фото или файл акта');
    const done = await d.sendDocument(m);
    expect(done.text).toContain(`Гарантийный заказ #${order.id} закрыт!`);
    expect(await orderRow(order.id)).toMatchObject({
      status: 'closed',
      total_amount_kopecks: 0,
      company_payment_kopecks: 250_000,
    });
    const c = await h.tdb.db
      .selectFrom('commissions')
      .select('id')
      .where('order_id', '=', order.id)
      .execute();
    expect(c).toEqual([]);
    const att = await h.tdb.db
      .selectFrom('attachments')
      .select(['file_type', 'mime_type'])
      .where('entity_id', '=', order.id)
      .where('entity_type', '=', 'order')
      .execute();
    expect(att).toEqual([{ file_type: 'document', mime_type: 'application/pdf' }]);
  });

  it('another master’s order id in forged callbacks is refused and changes nothing', async () => {
    const owner = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const victim = await assigned(owner);
    const working = await assigned(owner, { status: 'working' });
    const forger = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const menu = await d.menu(forger);
    const before = [await orderRow(victim.id), await orderRow(working.id)];
    for (const data of [
      `m:actc:${victim.id}`,
      `m:acte:${victim.id}`,
      `m:actw:${victim.id}`,
      `m:actx:${working.id}`,
    ]) {
      const answer = await d.tap(forger, menu.message_id, { data, unchecked: true });
      expect(answer).toMatchObject({
        text: 'Заказ не найден среди ваших активных заказов.',
        show_alert: true,
      });
    }
    expect(d.shown(forger, menu.message_id).text).not.toContain('+7916');
    expect(d.shown(forger, menu.message_id).text).not.toContain('555-44-33');
    expect([await orderRow(victim.id), await orderRow(working.id)]).toEqual(before);
    // No wizard was started: a photo now is not an act for that order.
    await d.sendPhoto(forger);
    const att = await h.tdb.db
      .selectFrom('attachments')
      .select('id')
      .where('entity_id', '=', working.id)
      .execute();
    expect(att).toEqual([]);
  });

  it('an order with coordinates links its address to that point on the map', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const order = await assigned(m);
    await h.tdb.db
      .updateTable('orders')
      .set({ lat: 55.757, lon: 37.6145, geo_precision: 'house', geo_source: 'geocoder' })
      .where('id', '=', order.id)
      .execute();
    const card = await openCard(m, order.id);
    expect(d.shown(m, card).entities).toContainEqual(
      expect.objectContaining({
        type: 'text_link',
        url: 'https://yandex.ru/maps/?pt=37.614500,55.757000&z=16&l=map',
      }),
    );
  });

  it('a photo right after /start asks to choose an action first: nothing expired', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const order = await assigned(m, { status: 'working' });
    const card = await openCard(m, order.id);
    await d.tap(m, card, { text: '✅ Закрыть' });
    await d.menu(m);
    expect((await d.sendPhoto(m)).text).toBe('Сначала выберите действие в меню: /start');
    expect(await orderRow(order.id)).toMatchObject({ status: 'working', total_amount_kopecks: null });
  });

  it('/cancel leaves the wizard; an idle wizard expires politely; stray input gets a hint', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const order = await assigned(m, { status: 'working' });
    const card = await openCard(m, order.id);
    await d.tap(m, card, { text: '✅ Закрыть' });
    await d.send(m, '5000');
    await h.fake.userSendsText(h.token, { id: m.tg_user_id, first_name: 'М' }, '/cancel');
    await h.mb.running.idle();
    const texts = h.fake
      .sentMessages(h.token, m.tg_user_id)
      .slice(-2)
      .map((x) => x.text);
    expect(texts[0]).toBe('❌ Действие отменено.');
    expect(texts[1]).toContain('Здравствуйте');
    expect((await d.sendPhoto(m)).text).toBe('Сначала выберите действие в меню: /start');
    expect((await orderRow(order.id)).status).toBe('working');

    // ❌ Отменить under the prompt.
    const card2 = await openCard(m, order.id);
    await d.tap(m, card2, { text: '✅ Закрыть' });
    const prompt = d.lastBotMessage(m);
    expect((await d.tap(m, prompt.message_id, { text: '❌ Отменить' })).text).toBe('❌ Действие отменено.');
    expect(d.shown(m, prompt.message_id).text).toBe('❌ Закрытие заказа отменено.');

    // An idle wizard: its last activity is older than the idle limit.
    const card3 = await openCard(m, order.id);
    await d.tap(m, card3, { text: '✅ Закрыть' });
    const key = `${h.redis.prefix}:session:master:${m.tg_user_id}:${m.tg_user_id}`;
    const client = createRedis(h.redis.url, { connectionName: 'test-session-edit' });
    try {
      const session = JSON.parse((await client.get(key))!);
      session.wizard.at = Date.now() - 60 * 60_000;
      await client.set(key, JSON.stringify(session), 'EX', 600);
    } finally {
      client.disconnect();
    }
    expect((await d.send(m, '5000')).text).toBe('Сессия истекла. Нажмите /start');
    expect((await d.send(m, '5000')).text).toBe(
      'Пожалуйста, используйте кнопки под сообщениями. Открыть меню: /start',
    );
    expect((await d.sendRaw(m, { voice: { file_id: 'v', file_unique_id: 'v1', duration: 1 } })).text).toBe(
      'Пожалуйста, используйте кнопки под сообщениями. Открыть меню: /start',
    );
    expect((await d.send(m, 'x'.repeat(4000))).text).toContain('используйте кнопки');
    expect(await orderRow(order.id)).toMatchObject({ status: 'working', total_amount_kopecks: null });
  });
});
