import {
  acceptOffer,
  assignOrderToMaster,
  cancelOrderByStaff,
  findCandidates,
  returnOrderToSearch,
} from '@fs/dispatch';
import { addLocalDays, atLocalTime, localDateOf, renderNotification } from '@fs/domain';
import { type CityFixture, createMaster, createOrder, type MasterFixture } from '@fs/testkit';
import { encode } from '../src/callbacks';
import { CANDIDATE_REJECTIONS } from '../src/texts/orders';
import { type AdminHarness, adminDriver, startAdminHarness } from './harness';
import {
  ageWizard,
  auditOf,
  distributionJobsFor,
  freshCity,
  lastButtons,
  orderIn,
  orderRow,
  outboxOf,
} from './orders-helpers';

let h: AdminHarness;
let d: ReturnType<typeof adminDriver>;

beforeAll(async () => {
  h = await startAdminHarness();
  d = adminDriver(h);
});
afterAll(() => h?.close());

type Staff = Awaited<ReturnType<AdminHarness['staff']>>;

/** Opens the card of an order (as the list's button does) and returns the card message. */
async function openCard(s: Staff, orderId: number) {
  const menu = await d.menu(s);
  await d.tap(s, menu.message_id, { data: encode('ordersCard', { orderId }), unchecked: true });
  const card = d.lastBotMessage(s);
  expect(card.text).toContain(`📦 Заказ #${orderId}`);
  return card;
}

/** Presses forged (or stale) callback data on the staff member's last bot message. */
function forge<N extends Parameters<typeof encode>[0]>(
  s: Staff,
  name: N,
  args: Parameters<typeof encode<N>>[1],
) {
  return d.tap(s, d.lastBotMessage(s).message_id, { data: encode(name, args), unchecked: true });
}

const WRONG_STATE = 'Действие недоступно: статус заказа уже изменился. Карточка обновлена.';
const NOT_IN_SCOPE = '⛔️ Нет доступа: это не ваш город.';

async function offersOf(orderId: number) {
  return h.tdb.db
    .selectFrom('offers')
    .select(['id', 'master_id', 'state', 'round_number', 'close_reason'])
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
}

async function openOffer(orderId: number, masterId: number, round = 1) {
  return h.tdb.db
    .insertInto('offers')
    .values({
      order_id: orderId,
      master_id: masterId,
      round_number: round,
      state: 'sent',
      expires_at: new Date(Date.now() + 120_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

describe('⚡️ Автораспределение', () => {
  it('wakes a deferred order to searching, starts rounds and escalation over, wakes the scheduler', async () => {
    const city = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const order = await orderIn(h, city, {
      status: 'deferred',
      overrides: {
        dist_rounds_used: 2,
        escalation_reason: 'rounds_exhausted',
        escalated_logist_at: new Date(),
      },
    });
    await openCard(s, order.id);
    const { answer, edited } = await d.tapLast(s, '⚡️ Автораспределение');
    expect(answer.text).toBe('⚡️ Заказ отправлен на автораспределение.');
    expect(edited.text).toContain('📊 Статус: Поиск мастера');
    const row = await orderRow(h, order.id);
    expect(row).toMatchObject({
      status: 'searching',
      dist_rounds_used: 0,
      escalation_reason: null,
      escalated_logist_at: null,
    });
    expect(await distributionJobsFor(h, order.id)).toHaveLength(1);
    expect((await auditOf(h, order.id)).map((a) => [a.action, a.staff_user_id])).toEqual([
      ['order.distribute_now', s.id],
    ]);
    const history = await h.tdb.db
      .selectFrom('order_status_history')
      .select(['from_status', 'to_status', 'actor_type', 'actor_id', 'reason'])
      .where('order_id', '=', order.id)
      .orderBy('id')
      .execute();
    expect(history.at(-1)).toEqual({
      from_status: 'deferred',
      to_status: 'searching',
      actor_type: 'staff',
      actor_id: s.id,
      reason: 'distribute_now',
    });
    expect(await outboxOf(h, order.id)).toEqual([]);
  });
});

describe('👤 Выбрать мастера', () => {
  let city: CityFixture;
  let s: Staff;
  let fit: MasterFixture;
  let offShift: MasterFixture;
  let blocked: MasterFixture;

  beforeAll(async () => {
    city = await freshCity(h);
    s = await h.staff('logist', [city.city.id]);
    const centre = city.district('Центральный').id;
    fit = await createMaster(h.tdb.db, {
      cityId: city.city.id,
      districtIds: [centre],
      fullName: 'Алексей Годный',
      hasVehicle: true,
    });
    offShift = await createMaster(h.tdb.db, {
      cityId: city.city.id,
      districtIds: [centre],
      fullName: 'Борис Отдыхающий',
      onShift: false,
    });
    blocked = await createMaster(h.tdb.db, {
      cityId: city.city.id,
      districtIds: [centre],
      fullName: 'Виктор Заблокированный',
      isBlocked: true,
      onShift: false,
    });
    await createMaster(h.tdb.db, {
      cityId: city.city.id,
      districtIds: [centre],
      fullName: 'Глеб Сантехник',
      skills: ['plumbing'],
    });
    await createMaster(h.tdb.db, {
      cityId: city.city.id,
      districtIds: [city.district('Северный').id],
      fullName: 'Дмитрий Северный',
    });
    await createMaster(h.tdb.db, { cityId: h.spb.city.id, fullName: 'Чужой Питерский' });
  });

  it('lists eligible masters first and the others with the scheduler’s own why-not labels', async () => {
    const order = await orderIn(h, city, { districtId: city.district('Центральный').id });
    await openCard(s, order.id);
    const list = (await d.tapLast(s, '👤 Выбрать мастера')).edited;
    const explained = await findCandidates(
      h.tdb.db,
      { ...order, city_id: city.city.id },
      { limit: 0, explain: true, maxActiveOrders: 1 },
    );
    expect(explained).toHaveLength(5);
    const buttons = d.buttons(s, list.message_id);
    expect(buttons[0]).toBe('✅ 1. Алексей Годный ⭐4.5 0/1');
    const expected = explained
      .filter((e) => !e.eligible)
      .map((e) => `⛔️ ${e.fullName} — ${CANDIDATE_REJECTIONS[e.rejections[0]!]}`)
      .sort();
    expect(buttons.slice(1, 5).sort()).toEqual(expected);
    expect(buttons.slice(5)).toEqual(['⬅️ К заказу']);
    expect(list.text).toContain('Подходят: 1 из 5 мастеров города');

    // A master's screen lists every reason, exactly the labels of findCandidates(explain).
    const verdict = explained.find((e) => e.masterId === blocked.id)!;
    expect(verdict.rejections.length).toBeGreaterThan(1);
    const screen = (
      await d.tapLast(s, `⛔️ Виктор Заблокированный — ${CANDIDATE_REJECTIONS[verdict.rejections[0]!]}`)
    ).edited;
    for (const r of verdict.rejections) expect(screen.text).toContain(`• ${CANDIDATE_REJECTIONS[r]}`);
    expect(screen.text).toContain('Этому мастеру нельзя предложить или назначить заказ.');
    expect(d.buttons(s, screen.message_id)).toEqual(['⬅️ К списку мастеров', '⬅️ К заказу']);
  });

  it('📨 Предложить: one offer and one new_offer push, made like the scheduler’s; a second tap changes nothing', async () => {
    const order = await orderIn(h, city, {
      districtId: city.district('Центральный').id,
      overrides: {
        dist_rounds_used: 2,
        escalation_reason: 'rounds_exhausted',
        escalated_logist_at: new Date(),
      },
    });
    await openCard(s, order.id);
    await d.tapLast(s, '👤 Выбрать мастера');
    await d.tapLast(s, '✅ 1. Алексей Годный ⭐4.5 0/1');
    const { answer, edited } = await d.tapLast(s, '📨 Предложить');
    expect(answer.text).toBe('📨 Предложение отправлено мастеру Алексей Годный.');
    expect(edited.text).toMatch(/Алексей Годный \(#\d+\) · раунд 1 · 📨 отправлено/);
    const offers = await offersOf(order.id);
    expect(offers).toEqual([expect.objectContaining({ master_id: fit.id, state: 'sent', round_number: 1 })]);
    const outbox = await outboxOf(h, order.id);
    expect(outbox).toEqual([
      expect.objectContaining({
        event: 'new_offer',
        bot: 'master',
        master_id: fit.id,
        offer_id: offers[0]!.id,
        dedup_key: `new-offer-${offers[0]!.id}`,
        payload: expect.objectContaining({
          order_id: order.id,
          offer_id: offers[0]!.id,
          city: city.city.name,
        }),
      }),
    ]);
    expect(await orderRow(h, order.id)).toMatchObject({ dist_rounds_used: 1, escalated_logist_at: null });
    const delayed = await h.queues.distribution.getJobs(['delayed']);
    expect(delayed.map((j) => j.id)).toContainEqual(
      expect.stringMatching(new RegExp(`^expiry-${order.id}-1-\\d+$`)),
    );
    expect((await auditOf(h, order.id)).map((a) => a.action)).toEqual(['order.manual_offer']);

    const again = await forge(s, 'ordersOffer', { orderId: order.id, masterId: fit.id });
    expect(again).toMatchObject({
      text: 'У мастера уже есть предложение по этому заказу.',
      show_alert: true,
    });
    expect(await outboxOf(h, order.id)).toHaveLength(1);
    expect(await offersOf(order.id)).toHaveLength(1);
  });

  it('staff may override soft rules (off shift) but never hard ones (blocked) or another city’s master', async () => {
    const order = await orderIn(h, city, { districtId: city.district('Центральный').id });
    await openCard(s, order.id);
    const blockedTry = await forge(s, 'ordersOffer', { orderId: order.id, masterId: blocked.id });
    expect(blockedTry).toMatchObject({ text: 'Нельзя: Профиль заблокирован.', show_alert: true });
    const foreign = await h.tdb.db
      .selectFrom('masters')
      .select('id')
      .where('full_name', '=', 'Чужой Питерский')
      .executeTakeFirstOrThrow();
    const foreignTry = await forge(s, 'ordersAssign', { orderId: order.id, masterId: foreign.id });
    expect(foreignTry).toMatchObject({ text: 'Мастер не найден в городе заказа.', show_alert: true });
    expect(await outboxOf(h, order.id)).toEqual([]);

    await d.tapLast(s, '👤 Выбрать мастера');
    const screen = (await d.tapLast(s, '⛔️ Борис Отдыхающий — Не на смене')).edited;
    expect(screen.text).toContain('Вы можете всё равно предложить или назначить заказ');
    await d.tapLast(s, '📨 Предложить');
    expect(await offersOf(order.id)).toEqual([
      expect.objectContaining({ master_id: offShift.id, state: 'sent' }),
    ]);
    expect((await auditOf(h, order.id))[0]!.payload).toMatchObject({
      master_id: offShift.id,
      overridden: ['off_shift'],
    });
  });

  it('✅ Назначить: assigned at once, the master’s own offer accepted, others withdrawn, told exactly once, metrics via manual', async () => {
    const order = await orderIn(h, city, { districtId: city.district('Центральный').id });
    const own = await openOffer(order.id, fit.id);
    const other = await createMaster(h.tdb.db, { cityId: city.city.id, fullName: 'Евгений Другой' });
    const otherOffer = await openOffer(order.id, other.id);
    await openCard(s, order.id);
    await d.tapLast(s, '👤 Выбрать мастера');
    // Fit holds a live offer: not a candidate for another offer, but can be assigned.
    const label = lastButtons(d, s).find((b) => b.includes('Алексей Годный'))!;
    const screen = (await d.tapLast(s, label)).edited;
    expect(d.buttons(s, screen.message_id)).toEqual(['✅ Назначить', '⬅️ К списку мастеров', '⬅️ К заказу']);
    const { answer, edited } = await d.tapLast(s, '✅ Назначить');
    expect(answer.text).toBe('✅ Заказ назначен мастеру Алексей Годный.');
    expect(edited.text).toContain('📊 Статус: Назначено мастеру');
    expect(edited.text).toContain(`👷 Мастер: Алексей Годный (#${fit.id})`);

    expect(await orderRow(h, order.id)).toMatchObject({ status: 'assigned', assigned_master_id: fit.id });
    expect(await offersOf(order.id)).toEqual([
      expect.objectContaining({ id: own.id, state: 'accepted', close_reason: 'assigned_by_staff' }),
      expect.objectContaining({ id: otherOffer.id, state: 'canceled', close_reason: 'assigned_by_staff' }),
    ]);
    const outbox = await outboxOf(h, order.id);
    expect(outbox.map((o) => [o.event, o.master_id, (o.payload as { reason?: string }).reason])).toEqual([
      ['offer_closed', other.id, 'taken'],
      ['offer_closed', fit.id, 'accepted'],
      ['order_assigned', fit.id, undefined],
      // The client hears who is coming (issue 17), by SMS: the order has a phone and no client chat.
      ['client_order_accepted', null, undefined],
    ]);
    expect(outbox[2]!.payload).toMatchObject({ order_id: order.id, master_id: fit.id, audience: 'master' });
    expect(renderNotification('order_assigned', outbox[2]!.payload as never, new Date())).toMatchObject({
      text: expect.stringContaining(`📌 Вам назначен заказ #${order.id}`),
      buttons: [[{ text: '📦 Открыть заказ', callback_data: `m:actc:${order.id}` }]],
    });
    const metrics = await h.tdb.db
      .selectFrom('distribution_metrics')
      .selectAll()
      .where('order_id', '=', order.id)
      .execute();
    expect(metrics).toEqual([expect.objectContaining({ master_id: fit.id, via: 'manual' })]);
    expect((await auditOf(h, order.id)).map((a) => a.action)).toEqual(['order.assign']);

    const again = await forge(s, 'ordersAssign', { orderId: order.id, masterId: fit.id });
    expect(again).toMatchObject({ text: WRONG_STATE, show_alert: true });
    expect(await outboxOf(h, order.id)).toHaveLength(4);
    await h.tdb.db.updateTable('orders').set({ status: 'closed' }).where('id', '=', order.id).execute();
  });
});

describe('🔁 Вернуть в поиск', () => {
  it('asks for confirmation, takes the order back, tells the master once and wakes distribution', async () => {
    const city = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: city.city.id, fullName: 'Анна Снятая' });
    const order = await orderIn(h, city, {
      status: 'en_route',
      assignedMasterId: m.id,
      overrides: { dist_rounds_used: 1 },
    });
    await h.tdb.db
      .insertInto('offers')
      .values({
        order_id: order.id,
        master_id: m.id,
        round_number: 1,
        state: 'accepted',
        expires_at: new Date(),
      })
      .execute();
    await openCard(s, order.id);
    const confirm = (await d.tapLast(s, '🔁 Вернуть в поиск')).edited;
    expect(confirm.text).toContain(`Вернуть заказ #${order.id} в поиск?`);
    expect(await orderRow(h, order.id)).toMatchObject({ status: 'en_route' });
    const { answer, edited } = await d.tapLast(s, '✅ Да, вернуть в поиск');
    expect(answer.text).toBe('🔁 Заказ возвращён в поиск.');
    expect(edited.text).toContain('📊 Статус: Поиск мастера');
    expect(await orderRow(h, order.id)).toMatchObject({
      status: 'searching',
      assigned_master_id: null,
      dist_rounds_used: 0,
    });
    expect(await offersOf(order.id)).toEqual([
      expect.objectContaining({ state: 'canceled', close_reason: 'returned_to_search' }),
    ]);
    expect((await outboxOf(h, order.id)).map((o) => [o.event, o.master_id, o.payload])).toEqual([
      ['order_canceled', m.id, { order_id: order.id, reason: 'возвращён в поиск' }],
    ]);
    expect(await distributionJobsFor(h, order.id)).toHaveLength(1);

    const again = await forge(s, 'ordersReturnConfirm', { orderId: order.id });
    expect(again).toMatchObject({ text: WRONG_STATE, show_alert: true });
    expect(await outboxOf(h, order.id)).toHaveLength(1);
    expect((await auditOf(h, order.id)).map((a) => a.action)).toEqual(['order.return_to_search']);

    // The candidate list says why the order is not offered back to her (gender-neutral wording).
    await openCard(s, order.id);
    const list = (await d.tapLast(s, '👤 Выбрать мастера')).edited;
    expect(d.buttons(s, list.message_id)).toContain(
      '⛔️ Анна Снятая — Снятие с этого заказа (возврат в поиск)',
    );
  });
});

describe('✖️ Отменить', () => {
  it('asks for a reason, refuses bad input, cancels once, withdraws offers and tells the master', async () => {
    const city = await freshCity(h);
    const s = await h.staff('city_admin', [city.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: city.city.id });
    const assigned = await orderIn(h, city, { status: 'assigned', assignedMasterId: m.id });
    await openCard(s, assigned.id);
    const prompt = (await d.tapLast(s, '✖️ Отменить')).edited;
    expect(prompt.text).toContain(`Отмена заказа #${assigned.id}`);
    const bad = '⚠️ Причина должна быть текстом от 3 до 200 символов. Попробуйте ещё раз или /cancel.';
    expect((await d.send(s, 'ок')).text).toBe(bad);
    expect((await d.send(s, '   ')).text).toBe(bad);
    expect((await d.send(s, 'x'.repeat(201))).text).toBe(bad);
    expect((await d.sendPhoto(s)).text).toBe(bad);
    expect(await orderRow(h, assigned.id)).toMatchObject({ status: 'assigned' });

    // /cancel leaves the wizard; nothing changed.
    await d.send(s, '/cancel');
    expect((await d.send(s, 'Клиент передумал')).text).toBe(
      'Не понял сообщение. Пользуйтесь кнопками меню или нажмите /start.',
    );
    expect(await orderRow(h, assigned.id)).toMatchObject({ status: 'assigned' });

    await openCard(s, assigned.id);
    await d.tapLast(s, '✖️ Отменить');
    const before = d.sentCount(s);
    await d.send(s, 'Клиент <передумал>');
    const replies = d.sentSince(s, before);
    expect(replies[0]!.text).toBe(`✅ Заказ #${assigned.id} отменён.`);
    expect(replies[1]!.text).toContain('📊 Статус: Отменена');
    expect(replies[1]!.text).toContain('❌ Причина отмены: Клиент <передумал>');
    expect(await orderRow(h, assigned.id)).toMatchObject({
      status: 'canceled',
      cancel_reason: 'Клиент <передумал>',
    });
    expect((await outboxOf(h, assigned.id)).map((o) => [o.event, o.master_id, o.payload])).toEqual([
      ['order_canceled', m.id, { order_id: assigned.id, reason: 'Клиент <передумал>' }],
    ]);
    expect((await auditOf(h, assigned.id)).map((a) => a.action)).toEqual(['order.cancel']);

    // A stale "✖️ Отменить" of a canceled order changes nothing.
    const again = await forge(s, 'ordersCancel', { orderId: assigned.id });
    expect(again).toMatchObject({ text: WRONG_STATE, show_alert: true });
    expect(await outboxOf(h, assigned.id)).toHaveLength(1);
  });

  it('withdraws open offers with an edit of each push', async () => {
    const city = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: city.city.id });
    const order = await orderIn(h, city);
    const offer = await openOffer(order.id, m.id);
    await openCard(s, order.id);
    await d.tapLast(s, '✖️ Отменить');
    await d.send(s, 'Дубль заказа');
    expect(await offersOf(order.id)).toEqual([
      expect.objectContaining({ state: 'canceled', close_reason: 'order_canceled' }),
    ]);
    expect((await outboxOf(h, order.id)).map((o) => [o.event, o.master_id, o.dedup_key])).toEqual([
      ['offer_closed', m.id, `offer-closed-${offer.id}`],
    ]);
  });

  it('an idle cancel wizard expires politely and cancels nothing', async () => {
    const city = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const order = await orderIn(h, city);
    await openCard(s, order.id);
    await d.tapLast(s, '✖️ Отменить');
    await ageWizard(h, s);
    expect((await d.send(s, 'Клиент передумал')).text).toBe(
      '⌛️ Сессия истекла. Нажмите /start, чтобы начать заново.',
    );
    expect(await orderRow(h, order.id)).toMatchObject({ status: 'searching', cancel_reason: null });
  });
});

describe('🔁 Перезапланировать', () => {
  // The bot's clock is pinned per test and the expected dates come from it: a test that runs
  // across midnight (Moscow) still means the same "завтра".
  let now: Date;
  beforeEach(() => {
    now = new Date();
    h.pinClock(now);
  });
  afterEach(() => h.pinClock(undefined));
  const tomorrowAt = (time: string) => {
    const today = localDateOf(now, 'Europe/Moscow');
    return atLocalTime(addLocalDays(today, 1, 'Europe/Moscow'), time, 'Europe/Moscow');
  };

  it('moves the visit to a chosen slot and tells the assigned master once', async () => {
    const city = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: city.city.id });
    const order = await orderIn(h, city, { status: 'assigned', assignedMasterId: m.id });
    await openCard(s, order.id);
    const menu = (await d.tapLast(s, '🔁 Перезапланировать')).edited;
    expect(menu.text).toContain(`Новое время для заказа #${order.id}`);
    expect(d.buttons(s, menu.message_id)).toEqual(
      expect.arrayContaining([
        'Завтра 10:00–13:00',
        'Завтра 13:00–16:00',
        'Завтра 16:00–19:00',
        '📅 Другая дата',
        '⬅️ К заказу',
      ]),
    );
    const { answer } = await d.tapLast(s, 'Завтра 13:00–16:00');
    expect(answer.text).toBe('🔁 Новое время: завтра 13:00–16:00.');
    const row = await orderRow(h, order.id);
    expect(row.timeslot_start).toEqual(tomorrowAt('13:00'));
    expect(row.timeslot_end).toEqual(tomorrowAt('16:00'));
    expect(row.is_asap).toBe(false);
    expect((await outboxOf(h, order.id)).map((o) => [o.event, o.master_id, o.payload])).toEqual([
      [
        'order_rescheduled',
        m.id,
        {
          order_id: order.id,
          timeslot_start: tomorrowAt('13:00').toISOString(),
          timeslot_end: tomorrowAt('16:00').toISOString(),
          is_asap: false,
          timezone: 'Europe/Moscow',
        },
      ],
    ]);
    const same = await forge(s, 'ordersRescheduleSlot', { orderId: order.id, day: 'm', idx: 1 });
    expect(same.text).toBe('Это время уже стоит в заказе.');
    expect(await outboxOf(h, order.id)).toHaveLength(1);
    expect((await auditOf(h, order.id)).map((a) => a.action)).toEqual(['order.reschedule']);
  });

  it('a typed date: bad input is refused, a good one offers its slots', async () => {
    const city = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const order = await orderIn(h, city);
    await openCard(s, order.id);
    await d.tapLast(s, '🔁 Перезапланировать');
    await d.tapLast(s, '📅 Другая дата');
    expect((await d.send(s, 'в пятницу')).text).toContain('Неверная дата');
    expect((await d.send(s, '31.02')).text).toContain('Неверная дата');
    expect((await d.send(s, '01.01.2020')).text).toContain('Эта дата уже прошла');
    const far = addLocalDays(localDateOf(now, 'Europe/Moscow'), 90, 'Europe/Moscow');
    expect((await d.send(s, far.split('-').reverse().join('.'))).text).toContain('Слишком далеко');
    expect(
      (
        await d.sendRaw(s, {
          sticker: {
            file_id: 'x',
            file_unique_id: 'y',
            width: 1,
            height: 1,
            is_animated: false,
            is_video: false,
            type: 'regular',
          },
        })
      ).text,
    ).toContain('Неверная дата');

    const date = addLocalDays(localDateOf(now, 'Europe/Moscow'), 5, 'Europe/Moscow');
    const ddmm = date.slice(8, 10) + '.' + date.slice(5, 7);
    const slots = await d.send(s, ddmm);
    expect(slots.text).toContain(`Заказ #${order.id}: слоты на ${ddmm}.${date.slice(0, 4)}`);
    await d.tap(s, slots.message_id, { text: `${ddmm}.${date.slice(0, 4)} 16:00–19:00` });
    const row = await orderRow(h, order.id);
    expect(row.timeslot_start).toEqual(atLocalTime(date, '16:00', 'Europe/Moscow'));
    // No master yet: nobody to tell.
    expect(await outboxOf(h, order.id)).toEqual([]);

    // The date slots' buttons need this wizard's typed date: once it is gone they change nothing.
    const stale = await forge(s, 'ordersRescheduleSlot', { orderId: order.id, day: 'd', idx: 0 });
    expect(stale.text).toBe('Это действие уже неактуально. Откройте меню: /start');
    expect((await orderRow(h, order.id)).timeslot_start).toEqual(atLocalTime(date, '16:00', 'Europe/Moscow'));
  });
});

describe('🛡 Гарантия', () => {
  it('creates one warranty order from a closed one, preferring the original master', async () => {
    const city = await freshCity(h);
    const s = await h.staff('city_admin', [city.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: city.city.id, fullName: 'Мастер Гарантии' });
    const source = await orderIn(h, city, {
      status: 'closed',
      assignedMasterId: m.id,
      districtId: city.district('Северный').id,
      street: 'ул. Мира',
      house: '3',
      clientPhone: '+79990001122',
      category: 'windows',
    });
    await openCard(s, source.id);
    const confirm = (await d.tapLast(s, '🛡 Гарантия')).edited;
    expect(confirm.text).toContain(`Создать гарантийный заказ по заказу #${source.id}?`);
    const before = d.sentCount(s);
    await d.tapLast(s, '✅ Создать гарантийный заказ');
    const created = await h.tdb.db
      .selectFrom('orders')
      .selectAll()
      .where('guarantee_source_order_id', '=', source.id)
      .execute();
    expect(created).toHaveLength(1);
    const g = created[0]!;
    expect(g).toMatchObject({
      type: 'guarantee',
      preferred_master_id: m.id,
      city_id: city.city.id,
      district_id: city.district('Северный').id,
      street: 'ул. Мира',
      house: '3',
      client_phone: '+79990001122',
      category: 'windows',
      created_by_staff_id: s.id,
    });
    expect(['guarantee', 'deferred']).toContain(g.status);
    expect(g.description.startsWith(`Гарантия по заказу #${source.id}.`)).toBe(true);
    expect(d.sentSince(s, before)[0]!.text).toMatch(new RegExp(`^🛡 Гарантийный заказ #${g.id} создан`));
    // The confirmation turns into the new order's card.
    expect(d.shown(s, confirm.message_id).text).toContain(`📦 Заказ #${g.id} · 🛡 гарантийный`);
    expect((await auditOf(h, source.id)).map((a) => [a.action, a.payload])).toEqual([
      ['order.guarantee', { guarantee_order_id: g.id, preferred_master_id: m.id }],
    ]);

    const again = await forge(s, 'ordersGuaranteeConfirm', { orderId: source.id });
    expect(again).toMatchObject({ text: `Гарантийный заказ уже создан: #${g.id}.`, show_alert: true });
    expect(
      await h.tdb.db
        .selectFrom('orders')
        .select('id')
        .where('guarantee_source_order_id', '=', source.id)
        .execute(),
    ).toHaveLength(1);

    const notClosed = await orderIn(h, city, { status: 'working', assignedMasterId: m.id });
    await openCard(s, notClosed.id);
    expect(await forge(s, 'ordersGuaranteeConfirm', { orderId: notClosed.id })).toMatchObject({
      text: 'Гарантия доступна только для закрытых заказов.',
    });
  });
});

describe('city scoping of every order handler', () => {
  it('a Москва logist cannot open or act on an СПб order through any callback, and nothing changes', async () => {
    const s = await h.staff('logist', [h.moscow.city.id]);
    const spbMaster = await createMaster(h.tdb.db, { cityId: h.spb.city.id });
    const searching = await createOrder(h.tdb.db, { cityId: h.spb.city.id });
    const assigned = await createOrder(h.tdb.db, {
      cityId: h.spb.city.id,
      status: 'assigned',
      assignedMasterId: spbMaster.id,
    });
    const closed = await createOrder(h.tdb.db, {
      cityId: h.spb.city.id,
      status: 'closed',
      assignedMasterId: spbMaster.id,
    });
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
    const ids = [searching.id, assigned.id, closed.id];
    const snapshot = async () => ({
      orders: await h.tdb.db
        .selectFrom('orders')
        .select(['id', 'status', 'version', 'timeslot_start', 'assigned_master_id'])
        .where('id', 'in', ids)
        .orderBy('id')
        .execute(),
      outbox: await h.tdb.db
        .selectFrom('notifications_outbox')
        .select('id')
        .where('order_id', 'in', ids)
        .execute(),
      offers: await h.tdb.db
        .selectFrom('offers')
        .select(['id', 'state'])
        .where('order_id', 'in', ids)
        .execute(),
      audit: await h.tdb.db
        .selectFrom('admin_audit_log')
        .select('id')
        .where('entity_type', '=', 'order')
        .where('entity_id', 'in', ids)
        .execute(),
      orderCount: (
        await h.tdb.db.selectFrom('orders').select('id').where('city_id', '=', h.spb.city.id).execute()
      ).length,
    });
    const before = await snapshot();
    const cases: [string, string][] = [
      ['adminOrderOpen', encode('adminOrderOpen', { orderId: searching.id })],
      ['ordersCard', encode('ordersCard', { orderId: searching.id })],
      ['ordersDistribute', encode('ordersDistribute', { orderId: searching.id })],
      ['ordersCandidates', encode('ordersCandidates', { orderId: searching.id, page: 0 })],
      ['ordersCandidate', encode('ordersCandidate', { orderId: searching.id, masterId: spbMaster.id })],
      ['ordersOffer', encode('ordersOffer', { orderId: searching.id, masterId: spbMaster.id })],
      ['ordersAssign', encode('ordersAssign', { orderId: searching.id, masterId: spbMaster.id })],
      ['ordersReschedule', encode('ordersReschedule', { orderId: assigned.id })],
      ['ordersRescheduleSlot', encode('ordersRescheduleSlot', { orderId: assigned.id, day: 'm', idx: 0 })],
      ['ordersRescheduleAsap', encode('ordersRescheduleAsap', { orderId: assigned.id })],
      ['ordersRescheduleDate', encode('ordersRescheduleDate', { orderId: assigned.id })],
      ['ordersCancel', encode('ordersCancel', { orderId: assigned.id })],
      ['ordersReturn', encode('ordersReturn', { orderId: assigned.id })],
      ['ordersReturnConfirm', encode('ordersReturnConfirm', { orderId: assigned.id })],
      ['ordersGuarantee', encode('ordersGuarantee', { orderId: closed.id })],
      ['ordersGuaranteeConfirm', encode('ordersGuaranteeConfirm', { orderId: closed.id })],
      ['ordersAct', encode('ordersAct', { orderId: closed.id })],
    ];
    const menu = await d.menu(s);
    const sentBefore = d.sentCount(s);
    const results: [string, unknown][] = [];
    for (const [name, data] of cases) {
      const answer = await d.tap(s, menu.message_id, { data, unchecked: true });
      results.push([name, { text: answer.text, show_alert: answer.show_alert }]);
    }
    expect(results).toEqual(cases.map(([name]) => [name, { text: NOT_IN_SCOPE, show_alert: true }]));
    expect(d.sentSince(s, sentBefore)).toEqual([]);
    expect(d.shown(s, menu.message_id).text).toContain('Главное меню');
    expect(await snapshot()).toEqual(before);
    // No wizard was opened for the other city's order either.
    expect((await d.send(s, 'Клиент передумал')).text).toBe(
      'Не понял сообщение. Пользуйтесь кнопками меню или нажмите /start.',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('lists, counters and search never show another city’s orders; a staff member with no city sees nothing', async () => {
    const spbOrder = await createOrder(h.tdb.db, { cityId: h.spb.city.id });
    const s = await h.staff('logist', [h.moscow.city.id]);
    await d.menu(s);
    await d.tapLast(s, '📦 Заявки');
    const queueLabel = lastButtons(d, s)[0]!;
    const list = (await d.tapLast(s, queueLabel)).edited;
    expect(list.text).not.toContain('Санкт-Петербург');
    expect(d.buttons(s, list.message_id)).not.toContain(`#${spbOrder.id}`);

    const nobody = await h.staff('logist', []);
    await d.menu(nobody);
    await d.tapLast(nobody, '📦 Заявки');
    expect(lastButtons(d, nobody).slice(0, 3)).toEqual([
      '📋 Очередь (0)',
      '🛡 На гарантии (0)',
      '✅ Закрытые (0)',
    ]);
    await d.tapLast(nobody, '🔍 Поиск');
    expect((await d.send(nobody, String(spbOrder.id))).text).toBe(NOT_IN_SCOPE);
  });
});

describe('warranty orders and payment', () => {
  it('a warranty order taken back from its original master is not offered back to them (still preferred on record)', async () => {
    const city = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const actor = { staffId: s.id, staffName: 'x', inScope: (id: number | null) => id === city.city.id };
    const m = await createMaster(h.tdb.db, { cityId: city.city.id });
    const order = await orderIn(h, city, {
      status: 'assigned',
      assignedMasterId: m.id,
      overrides: { type: 'guarantee', preferred_master_id: m.id },
    });
    expect((await returnOrderToSearch(h.deps, actor, order.id, 'мастер заболел')).kind).toBe('ok');
    expect(await orderRow(h, order.id)).toMatchObject({ status: 'searching', preferred_master_id: m.id });
    const explained = await findCandidates(
      h.tdb.db,
      { ...order, city_id: city.city.id, type: 'guarantee', preferred_master_id: m.id },
      { limit: 0, explain: true, maxActiveOrders: 1 },
    );
    expect(explained.find((e) => e.masterId === m.id)).toMatchObject({
      eligible: false,
      rejections: ['removed'],
    });
  });

  it('an order waiting for its commission cannot be canceled (the commission would go overdue)', async () => {
    const city = await freshCity(h);
    const s = await h.staff('city_admin', [city.city.id]);
    const actor = { staffId: s.id, staffName: 'x', inScope: (id: number | null) => id === city.city.id };
    const m = await createMaster(h.tdb.db, { cityId: city.city.id });
    const order = await orderIn(h, city, { status: 'payment', assignedMasterId: m.id });
    expect((await cancelOrderByStaff(h.deps, actor, order.id, 'ошибка')).kind).toBe('wrong_state');
    expect(await orderRow(h, order.id)).toMatchObject({ status: 'payment' });
  });
});

describe('concurrent presses', () => {
  it('two staff cancelling at once, or staff assigning while the master accepts: one change, one notice', async () => {
    const city = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const actor = { staffId: s.id, staffName: 'x', inScope: (id: number | null) => id === city.city.id };
    const m = await createMaster(h.tdb.db, { cityId: city.city.id });
    const assigned = await orderIn(h, city, { status: 'assigned', assignedMasterId: m.id });
    const results = await Promise.all([
      cancelOrderByStaff(h.deps, actor, assigned.id, 'первая'),
      cancelOrderByStaff(h.deps, actor, assigned.id, 'вторая'),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(['ok', 'wrong_state']);
    expect(await outboxOf(h, assigned.id)).toHaveLength(1);

    const other = await createMaster(h.tdb.db, { cityId: city.city.id });
    const order = await orderIn(h, city);
    const offer = await openOffer(order.id, m.id);
    const [accept, assign] = await Promise.all([
      acceptOffer(h.deps, { offerId: offer.id, masterId: m.id }),
      assignOrderToMaster(h.deps, actor, order.id, other.id),
    ]);
    const row = await orderRow(h, order.id);
    expect(row.status).toBe('assigned');
    if (accept.kind === 'won') {
      expect(assign.kind).toBe('wrong_state');
      expect(row.assigned_master_id).toBe(m.id);
    } else {
      expect(assign.kind).toBe('ok');
      expect(row.assigned_master_id).toBe(other.id);
    }
    const metrics = await h.tdb.db
      .selectFrom('distribution_metrics')
      .select('master_id')
      .where('order_id', '=', order.id)
      .execute();
    expect(metrics).toHaveLength(1);
  });
});
