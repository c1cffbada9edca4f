import { closeOrderByMaster } from '@fs/dispatch';
import type { CommissionStatus } from '@fs/domain';
import { overdueBlockReason } from '@fs/domain';
import { createCity, createMaster, createOrder, type MasterFixture } from '@fs/testkit';
import { encode } from '../src/callbacks';
import { texts } from '../src/texts';
import { type AdminHarness, adminDriver, startAdminHarness, userOf } from './harness';

let h: AdminHarness;
let d: ReturnType<typeof adminDriver>;
const T = texts.masters;
const NB = '\u00a0';

beforeAll(async () => {
  h = await startAdminHarness();
  d = adminDriver(h);
});
afterAll(() => h?.close());
afterEach(() => h.pinClock(undefined));

interface CommissionOptions {
  master?: MasterFixture;
  cityId?: number;
  amount?: number;
  status?: CommissionStatus;
  deadline?: Date;
  createdAt?: Date;
  blockedApplied?: boolean;
}

/** An order in `payment` with its commission. */
async function commission(o: CommissionOptions = {}) {
  const cityId = o.cityId ?? h.moscow.city.id;
  const master = o.master ?? (await createMaster(h.tdb.db, { cityId, fullName: 'Мастер Финансов' }));
  const order = await createOrder(h.tdb.db, {
    cityId,
    status: 'payment',
    assignedMasterId: master.id,
    overrides: { total_amount_kopecks: (o.amount ?? 100_000) * 2 },
  });
  const row = await h.tdb.db
    .insertInto('commissions')
    .values({
      order_id: order.id,
      master_id: master.id,
      amount_kopecks: o.amount ?? 100_000,
      rate: '0.5000',
      status: o.status ?? 'reported',
      deadline_at: o.deadline ?? new Date(Date.now() + 3 * 3_600_000),
      blocked_applied: o.blockedApplied ?? false,
      ...(o.createdAt ? { created_at: o.createdAt } : {}),
      ...((o.status ?? 'reported') === 'reported' ? { reported_at: new Date() } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { commission: row, order, master };
}

const commissionRow = (id: number) =>
  h.tdb.db.selectFrom('commissions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const outbox = (event: string, masterId?: number) => {
  let q = h.tdb.db
    .selectFrom('notifications_outbox')
    .selectAll()
    .where('event', '=', event as never);
  if (masterId !== undefined) q = q.where('master_id', '=', masterId);
  return q.orderBy('id').execute();
};

async function openCommission(staff: { tg_user_id: number | null }, commissionId: number): Promise<number> {
  const menu = await d.menu(staff as never);
  await d.tap(staff as never, menu.message_id, {
    data: encode('adminCommissionOpen', { commissionId }),
    unchecked: true,
  });
  return menu.message_id;
}

describe('finance lists', () => {
  it('groups commissions by status and creation period, with counts, lists and the card', async () => {
    const { city } = await createCity(h.tdb.db, { name: 'Финансоград', timezone: 'Europe/Moscow' });
    const admin = await h.staff('city_admin', [city.id]);
    // The bot's "today" is its pinned clock, and every row is dated from it: a run across
    // midnight (Moscow) or a database clock a second apart from the test's changes nothing.
    const now = Date.now();
    h.pinClock(new Date(now));
    const today = await commission({ cityId: city.id, amount: 150_000, createdAt: new Date(now) });
    const yesterday = await commission({ cityId: city.id, createdAt: new Date(now - 86_400_000) });
    const old = await commission({ cityId: city.id, createdAt: new Date(now - 40 * 86_400_000) });
    await commission({ cityId: city.id, status: 'overdue', deadline: new Date(now - 1000) });
    await commission({ cityId: h.spb.city.id }); // another city: never counted

    const menu = await d.menu(admin);
    await d.tapLast(admin, '💰 Финансы');
    expect(d.buttons(admin, menu.message_id)).toEqual([
      '🧾 На проверке (3)',
      '⏳ Ожидают оплаты (0)',
      '🚫 Просроченные (1)',
      '✅ Оплаченные (0)',
      '👷 Балансы мастеров',
      '🏠 В меню',
    ]);
    await d.tapLast(admin, '🧾 На проверке (3)');
    expect(d.buttons(admin, menu.message_id)).toEqual([
      '📅 Сегодня (1)',
      '📅 Вчера (1)',
      '📆 Эта неделя (0)',
      '📆 Этот месяц (0)',
      '🗄 Старше (1)',
      '⬅️ Финансы',
      '🏠 В меню',
    ]);
    await d.tapLast(admin, '🗄 Старше (1)');
    expect(d.shown(admin, menu.message_id).text).toContain(`#${old.commission.id} · заказ #${old.order.id}`);
    await d.tapLast(admin, '⬅️ К периодам');
    await d.tapLast(admin, '📅 Вчера (1)');
    expect(d.shown(admin, menu.message_id).text).toContain(`#${yesterday.commission.id}`);
    await d.tapLast(admin, '⬅️ К периодам');
    await d.tapLast(admin, '📅 Сегодня (1)');
    await d.tapLast(admin, `#${today.commission.id} · 1${NB}500${NB}₽ · Мастер Финансов`);
    const card = d.shown(admin, menu.message_id).text!;
    expect(card).toContain(`💳 Комиссия #${today.commission.id}`);
    expect(card).toContain('📊 Статус: 🧾 Проверяется');
    expect(card).toContain(`💰 Сумма: 1${NB}500${NB}₽ (ставка 50%)`);
    expect(card).toContain('📎 Чеков: 0');
    expect(d.buttons(admin, menu.message_id)).toEqual([
      '✅ Подтвердить',
      '❌ Отклонить',
      '👷 Карточка мастера',
      '⬅️ К периодам',
      '🏠 В меню',
    ]);
  });

  it('sends the receipts by file id', async () => {
    const admin = await h.staff('city_admin');
    const { commission: c } = await commission();
    const { message } = await h.fake.userSendsPhoto(h.token, userOf(admin));
    await h.ab.running.idle();
    const fileId = message.photo!.at(-1)!.file_id;
    await h.tdb.db
      .insertInto('attachments')
      .values({
        entity_type: 'commission',
        entity_id: c.id,
        file_type: 'photo',
        file_id: fileId,
        document_kind: 'receipt',
      })
      .execute();
    const msg = await openCommission(admin, c.id);
    const before = h.fake.callsOf('sendPhoto', h.token).length;
    await d.tap(admin, msg, { text: '📎 Чеки (1)' });
    const sent = h.fake.callsOf('sendPhoto', h.token).slice(before);
    expect(sent.map((x) => x.params.photo)).toEqual([fileId]);
    expect(sent[0]!.params.caption).toBe(`Чек 1 · комиссия #${c.id}`);
    expect(d.lastBotMessage(admin).text).toBe('📎 Чеков: 1.');
  });

  it('shows per-master balances (due, overdue, paid)', async () => {
    const { city } = await createCity(h.tdb.db, { name: 'Балансоград' });
    const admin = await h.staff('city_admin', [city.id]);
    const m = await createMaster(h.tdb.db, { cityId: city.id, fullName: 'Баланс Мастер' });
    await commission({ master: m, cityId: city.id, amount: 10_000, status: 'wait_pay' });
    await commission({ master: m, cityId: city.id, amount: 20_000, status: 'overdue' });
    await commission({ master: m, cityId: city.id, amount: 30_000, status: 'approved' });
    const menu = await d.menu(admin);
    await d.tapLast(admin, '💰 Финансы');
    await d.tapLast(admin, '👷 Балансы мастеров');
    expect(d.shown(admin, menu.message_id).text).toContain(
      `#${m.id} Баланс Мастер: 100${NB}₽ · 200${NB}₽ · 300${NB}₽`,
    );
  });
});

describe('approving a payment', () => {
  it('approves once: paid, order closed, referral rewards for two levels (half-up), notices once', async () => {
    const admin = await h.staff('city_admin');
    const r2 = await createMaster(h.tdb.db, { fullName: 'Реферер Второй' });
    const r1 = await createMaster(h.tdb.db, { fullName: 'Реферер Первый' });
    const m = await createMaster(h.tdb.db, { fullName: 'Приглашённый Мастер' });
    await h.tdb.db
      .insertInto('referrals')
      .values([
        { master_id: m.id, referrer_id: r1.id },
        { master_id: r1.id, referrer_id: r2.id },
      ])
      .execute();
    // 1 234,55 ₽: 10 % = 123,455 → 123,46 ₽; 5 % = 61,7275 → 61,73 ₽.
    const { commission: c, order } = await commission({ master: m, amount: 123_455 });
    const msg = await openCommission(admin, c.id);
    await d.tap(admin, msg, { text: '✅ Подтвердить' });
    expect(d.shown(admin, msg).text).toContain(`Подтвердить оплату комиссии #${c.id}?`);
    const answer = await d.tap(admin, msg, { text: `✅ Да, подтвердить 1${NB}234,55${NB}₽` });
    expect(answer.text).toBe(
      `✅ Оплата подтверждена: 1${NB}234,55${NB}₽.\n🎁 Начислено реферальных бонусов: 2.`,
    );

    const row = await commissionRow(c.id);
    expect(row).toMatchObject({
      status: 'approved',
      approved_by_staff_id: admin.id,
      paid_amount_kopecks: 123_455,
    });
    expect(row.approved_at).toBeInstanceOf(Date);
    const o = await h.tdb.db
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', order.id)
      .executeTakeFirstOrThrow();
    expect(o.status).toBe('closed');
    expect(o.closed_at).toBeInstanceOf(Date);
    const history = await h.tdb.db
      .selectFrom('order_status_history')
      .selectAll()
      .where('order_id', '=', order.id)
      .where('to_status', '=', 'closed')
      .execute();
    expect(history).toMatchObject([{ from_status: 'payment', actor_type: 'staff', actor_id: admin.id }]);

    const rewards = await h.tdb.db
      .selectFrom('referral_rewards')
      .selectAll()
      .where('commission_id', '=', c.id)
      .orderBy('level')
      .execute();
    expect(rewards.map((r) => [r.level, r.referrer_id, r.amount_kopecks, r.rate, r.status])).toEqual([
      [1, r1.id, 12_346, '0.1000', 'accrued'],
      [2, r2.id, 6_173, '0.0500', 'accrued'],
    ]);
    expect((await outbox('referral_reward', r1.id)).map((x) => x.payload)).toEqual([
      { amount_kopecks: 12_346, level: 1, order_id: order.id },
    ]);
    expect((await outbox('referral_reward', r2.id)).map((x) => x.payload)).toEqual([
      { amount_kopecks: 6_173, level: 2, order_id: order.id },
    ]);
    expect((await outbox('commission_approved', m.id)).map((x) => x.payload)).toEqual([
      { commission_id: c.id, order_id: order.id, amount_kopecks: 123_455 },
    ]);

    // Tapping the confirmation again changes and sends nothing.
    const again = await d.tap(admin, msg, {
      data: encode('commissionApproveConfirm', { commissionId: c.id }),
      unchecked: true,
    });
    expect(again.text).toBe(T.commissionWrongState);
    expect(await outbox('commission_approved', m.id)).toHaveLength(1);
    expect(await outbox('referral_reward', r1.id)).toHaveLength(1);
    const audit = await h.tdb.db
      .selectFrom('admin_audit_log')
      .selectAll()
      .where('entity_type', '=', 'commission')
      .where('entity_id', '=', c.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'commission.approve', staff_user_id: admin.id });
  });

  it('unblocks a master blocked for the overdue commission when none other is overdue', async () => {
    const admin = await h.staff('city_admin');
    const m = await createMaster(h.tdb.db, { fullName: 'Должник Мастер', onShift: false });
    const { commission: c, order } = await commission({
      master: m,
      status: 'overdue',
      deadline: new Date(Date.now() - 3_600_000),
      blockedApplied: true,
    });
    await h.tdb.db
      .updateTable('masters')
      .set({ is_blocked: true, blocked_reason: overdueBlockReason(order.id), blocked_at: new Date() })
      .where('id', '=', m.id)
      .execute();
    const msg = await openCommission(admin, c.id);
    expect(d.shown(admin, msg).text).toContain('🚫 Просрочено');
    await d.tap(admin, msg, { text: '✅ Подтвердить' });
    const answer = await d.tap(admin, msg, { text: `✅ Да, подтвердить 1${NB}000${NB}₽` });
    expect(answer.text).toContain('🔓 Мастер разблокирован.');
    const master = await h.tdb.db
      .selectFrom('masters')
      .selectAll()
      .where('id', '=', m.id)
      .executeTakeFirstOrThrow();
    expect(master).toMatchObject({ is_blocked: false, blocked_reason: null });
    expect(await outbox('account_unblocked', m.id)).toHaveLength(1);
  });

  it('keeps the block while another commission is overdue, or when staff blocked the master by hand', async () => {
    const admin = await h.staff('city_admin');
    const twice = await createMaster(h.tdb.db, { fullName: 'Дважды Должник' });
    const first = await commission({
      master: twice,
      status: 'overdue',
      blockedApplied: true,
      deadline: new Date(Date.now() - 5000),
    });
    await commission({
      master: twice,
      status: 'overdue',
      blockedApplied: true,
      deadline: new Date(Date.now() - 5000),
    });
    await h.tdb.db
      .updateTable('masters')
      .set({ is_blocked: true, blocked_reason: overdueBlockReason(first.order.id), blocked_at: new Date() })
      .where('id', '=', twice.id)
      .execute();
    const byHand = await createMaster(h.tdb.db, { fullName: 'Ручной Блок' });
    const third = await commission({
      master: byHand,
      status: 'overdue',
      blockedApplied: true,
      deadline: new Date(Date.now() - 5000),
    });
    await h.tdb.db
      .updateTable('masters')
      .set({ is_blocked: true, blocked_reason: 'Жалоба клиента', blocked_at: new Date() })
      .where('id', '=', byHand.id)
      .execute();

    for (const id of [first.commission.id, third.commission.id]) {
      const msg = await openCommission(admin, id);
      await d.tap(admin, msg, { text: '✅ Подтвердить' });
      await d.tap(admin, msg, { data: encode('commissionApproveConfirm', { commissionId: id }) });
      expect((await commissionRow(id)).status).toBe('approved');
    }
    const masters = await h.tdb.db
      .selectFrom('masters')
      .select(['id', 'is_blocked'])
      .where('id', 'in', [twice.id, byHand.id])
      .execute();
    expect(masters.every((x) => x.is_blocked)).toBe(true);
    expect(await outbox('account_unblocked', twice.id)).toHaveLength(0);
    expect(await outbox('account_unblocked', byHand.id)).toHaveLength(0);
  });
});

describe('rejecting a payment', () => {
  it('asks for a reason (bad input refused); back to wait_pay, or overdue past the deadline; notified once', async () => {
    const admin = await h.staff('city_admin');
    const { commission: c, master } = await commission();
    const msg = await openCommission(admin, c.id);
    await d.tap(admin, msg, { text: '❌ Отклонить' });
    expect(d.shown(admin, msg).text).toContain(`Отклонение оплаты комиссии #${c.id}`);
    expect((await d.send(admin, '?')).text).toBe(T.reasonTooShort);
    expect((await d.send(admin, 'п'.repeat(600))).text).toBe(T.reasonTooLong);
    expect((await d.sendDocument(admin)).text).toBe(T.textExpected);
    expect((await commissionRow(c.id)).status).toBe('reported');
    await d.send(admin, 'Чек не читается');
    expect(d.sentSince(admin, d.sentCount(admin) - 2)[0]!.text).toBe(T.commissionRejected('wait_pay'));
    expect(await commissionRow(c.id)).toMatchObject({ status: 'wait_pay', reject_reason: 'Чек не читается' });
    const notices = await outbox('commission_rejected', master.id);
    expect(notices.map((x) => x.payload)).toEqual([
      { commission_id: c.id, order_id: c.order_id, amount_kopecks: 100_000, reason: 'Чек не читается' },
    ]);
    // No longer reported: a stale reject button does nothing.
    const stale = await d.tap(admin, msg, {
      data: encode('commissionReject', { commissionId: c.id }),
      unchecked: true,
    });
    expect(stale.text).toBe(T.commissionWrongState);

    const late = await commission({ deadline: new Date(Date.now() - 60_000) });
    const msg2 = await openCommission(admin, late.commission.id);
    await d.tap(admin, msg2, { text: '❌ Отклонить' });
    await d.send(admin, 'Сумма не совпадает');
    expect((await commissionRow(late.commission.id)).status).toBe('overdue');
    expect(await outbox('commission_rejected', late.master.id)).toHaveLength(1);
  });
});

describe('finance scoping', () => {
  it('a city admin of Москва cannot open, approve or reject an СПб commission via forged callbacks', async () => {
    const admin = await h.staff('city_admin');
    const { commission: c } = await commission({ cityId: h.spb.city.id });
    const menu = await d.menu(admin);
    for (const name of [
      'adminCommissionOpen',
      'commissionApprove',
      'commissionApproveConfirm',
      'commissionReject',
      'commissionReceipts',
    ] as const) {
      const answer = await d.tap(admin, menu.message_id, {
        data: encode(name, { commissionId: c.id }),
        unchecked: true,
      });
      expect(answer).toMatchObject({ text: texts.notInScope, show_alert: true });
    }
    expect((await commissionRow(c.id)).status).toBe('reported');
    expect(await outbox('commission_approved', c.master_id)).toHaveLength(0);
  });

  it('a logist cannot open finance at all', async () => {
    const logist = await h.staff('logist');
    const { commission: c } = await commission();
    const menu = await d.menu(logist);
    for (const data of [
      encode('financeMenu', {}),
      encode('adminCommissionOpen', { commissionId: c.id }),
      encode('commissionApproveConfirm', { commissionId: c.id }),
      encode('financeBalances', { page: 0 }),
      encode('ownerRequisitesView', {}),
    ]) {
      const answer = await d.tap(logist, menu.message_id, { data, unchecked: true });
      expect(answer).toMatchObject({ text: texts.noRight });
    }
    expect((await commissionRow(c.id)).status).toBe('reported');
  });
});

describe('owner requisites', () => {
  it('global admins edit them field by field with validation; new commissions snapshot them', async () => {
    const global = await h.staff('global_admin');
    const menu = await d.menu(global);
    await d.tapLast(global, '💰 Финансы');
    await d.tapLast(global, '💳 Способы оплаты');
    expect(d.shown(global, menu.message_id).text).toContain('💳 Способы оплаты');

    await d.tapLast(global, '💳 Номер карты');
    expect((await d.send(global, '1234')).text).toBe(T.requisiteError.format);
    expect((await d.send(global, '4111 1111 1111 1112')).text).toBe(T.requisiteError.checksum);
    expect((await d.sendPhoto(global)).text).toBe(T.textExpected);
    const saved = await d.send(global, '4111 1111 1111 1111');
    expect(saved.text).toContain('💳 Номер карты: 4111 1111 1111 1111');
    expect(d.sentSince(global, d.sentCount(global) - 2)[0]!.text).toBe(T.requisiteSaved('card_number'));

    await d.tapLast(global, '📱 Телефон СБП');
    expect((await d.send(global, '12345')).text).toBe(T.requisiteError.format);
    await d.send(global, '8 (900) 123-45-67');
    await d.tapLast(global, '👤 Держатель карты');
    expect((await d.send(global, 'И'.repeat(101))).text).toBe(T.requisiteError.too_long);
    await d.send(global, 'Иван <Владелец>');
    await d.tapLast(global, '🏦 Банк СБП');
    await d.send(global, 'Сбер');
    await d.tapLast(global, '🏦 Банк СБП');
    await d.send(global, '-');

    const stored = await h.tdb.db.selectFrom('owner_requisites').selectAll().executeTakeFirstOrThrow();
    expect(stored.data).toEqual({
      card_number: '4111 1111 1111 1111',
      sbp_phone: '+79001234567',
      card_holder: 'Иван <Владелец>',
    });
    expect(stored.updated_by_staff_id).toBe(global.id);

    // A master closing an order now gets these requisites on the commission (order-close's keys).
    const m = await createMaster(h.tdb.db);
    const order = await createOrder(h.tdb.db, { status: 'working', assignedMasterId: m.id });
    const closed = await closeOrderByMaster(h.deps, {
      orderId: order.id,
      masterId: m.id,
      totalKopecks: 300_000,
      act: { fileType: 'photo', fileId: 'act-file' },
    });
    expect(closed).toMatchObject({ kind: 'closed', status: 'payment' });
    const c = await h.tdb.db
      .selectFrom('commissions')
      .select('pay_to_snapshot')
      .where('order_id', '=', order.id)
      .executeTakeFirstOrThrow();
    expect(c.pay_to_snapshot).toEqual(stored.data);
  });

  it('city admins cannot edit the requisites', async () => {
    const admin = await h.staff('city_admin');
    const menu = await d.menu(admin);
    await d.tapLast(admin, '💰 Финансы');
    expect(d.buttons(admin, menu.message_id)).not.toContain('💳 Способы оплаты');
    for (const data of [
      encode('ownerRequisitesView', {}),
      encode('ownerRequisitesEdit', { field: 'card_number' }),
    ]) {
      const answer = await d.tap(admin, menu.message_id, { data, unchecked: true });
      expect(answer).toMatchObject({ text: T.onlyGlobal, show_alert: true });
    }
    expect((await d.send(admin, '4111 1111 1111 1111')).text).toBe(texts.useButtons);
  });
});
