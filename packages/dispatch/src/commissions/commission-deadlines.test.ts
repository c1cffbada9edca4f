import { overdueBlockReason, renderNotification } from '@fs/domain';
import {
  createCity,
  createMaster,
  createOrder,
  createStaff,
  type DispatchTestEnv,
  setSettings,
  setupDispatchEnv,
} from '../../test/fixtures';
import {
  commissionDueDedupKey,
  processCommissionDeadlines,
  reminderThresholds,
} from './commission-deadlines';
import { reportCommissionPayment } from './commission-payment';

let env: DispatchTestEnv;
let cityId: number;
let adminId: number;

beforeAll(async () => {
  env = await setupDispatchEnv({ poolSize: 10 });
  ({ cityId } = await createCity(env.db, { timezone: 'Asia/Novosibirsk' }));
  adminId = await createStaff(env.db, 'city_admin', [cityId]);
  await createStaff(env.db, 'logist', [cityId]);
});
afterAll(() => env.close());

const HOUR = 3_600_000;

/** A commission in wait_pay created `ageMs` ago with a `windowHours` payment window. */
async function commission(
  opts: { windowHours?: number; ageMs?: number; status?: 'wait_pay' | 'reported' } = {},
) {
  const masterId = await createMaster(env.db, { cityId, name: 'Пётр <Мастер>' });
  const orderId = await createOrder(env.db, {
    cityId,
    status: 'payment',
    assignedMasterId: masterId,
    totalKopecks: 400_000,
  });
  const created = new Date(Date.now() - (opts.ageMs ?? 0));
  const { id } = await env.db
    .insertInto('commissions')
    .values({
      order_id: orderId,
      master_id: masterId,
      amount_kopecks: 200_000,
      rate: '0.5000',
      status: opts.status ?? 'wait_pay',
      created_at: created,
      deadline_at: new Date(created.getTime() + (opts.windowHours ?? 3) * HOUR),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, masterId, orderId, deadline: new Date(created.getTime() + (opts.windowHours ?? 3) * HOUR) };
}

const outboxOf = (commissionOrderId: number) =>
  env.db
    .selectFrom('notifications_outbox')
    .select(['event', 'bot', 'master_id', 'staff_user_id', 'payload', 'dedup_key'])
    .where('order_id', '=', commissionOrderId)
    .orderBy('id')
    .execute();

describe('reminderThresholds', () => {
  it('takes the ladder steps that fit in half the payment window', () => {
    expect(reminderThresholds(3 * 60)).toEqual([60, 15]);
    expect(reminderThresholds(60)).toEqual([15]);
    expect(reminderThresholds(2 * 60)).toEqual([60, 15]);
    expect(reminderThresholds(24 * 60)).toEqual([360, 60, 15]);
    expect(reminderThresholds(168 * 60)).toEqual([1440, 360, 60, 15]);
    expect(reminderThresholds(20)).toEqual([]);
  });
});

describe('processCommissionDeadlines', () => {
  it('3 h deadline: nothing early, one reminder at 60 min and one at 15 min, each once', async () => {
    const c = await commission();
    const at = (minutesLeft: number) => new Date(c.deadline.getTime() - minutesLeft * 60_000);

    await processCommissionDeadlines(env.deps, at(90));
    expect(await outboxOf(c.orderId)).toEqual([]);

    await processCommissionDeadlines(env.deps, at(59));
    await processCommissionDeadlines(env.deps, at(58));
    let rows = await outboxOf(c.orderId);
    expect(rows.map((r) => r.dedup_key)).toEqual([commissionDueDedupKey(c.id, 60)]);
    expect(rows[0]).toMatchObject({ event: 'commission_due', bot: 'master', master_id: c.masterId });
    const text = renderNotification('commission_due', rows[0]!.payload as never, at(59)).text;
    expect(text).toContain(`Заказ #${c.orderId}: комиссия 2\u00a0000\u00a0₽.`);

    await Promise.all([
      processCommissionDeadlines(env.deps, at(14)),
      processCommissionDeadlines(env.deps, at(14)),
    ]);
    rows = await outboxOf(c.orderId);
    expect(rows.map((r) => r.dedup_key)).toEqual([
      commissionDueDedupKey(c.id, 60),
      commissionDueDedupKey(c.id, 15),
    ]);
    const recorded = await env.db
      .selectFrom('commission_deadline_notifications')
      .select('minutes_before')
      .where('commission_id', '=', c.id)
      .orderBy('minutes_before')
      .execute();
    expect(recorded.map((r) => r.minutes_before)).toEqual([15, 60]);
  });

  it('a late first run sends only the tightest reminder and records the skipped one', async () => {
    const c = await commission();
    await processCommissionDeadlines(env.deps, new Date(c.deadline.getTime() - 10 * 60_000));
    const rows = await outboxOf(c.orderId);
    expect(rows.map((r) => r.dedup_key)).toEqual([commissionDueDedupKey(c.id, 15)]);
    const recorded = await env.db
      .selectFrom('commission_deadline_notifications')
      .select('minutes_before')
      .where('commission_id', '=', c.id)
      .execute();
    expect(recorded).toHaveLength(2);
  });

  it('at the deadline: overdue, master blocked off shift, master and city admins told — exactly once across concurrent runs', async () => {
    await setSettings(env.db, { alerts_channel_id: '-1001234' });
    const c = await commission({ ageMs: 3 * HOUR + 1000 });
    const now = new Date();
    const results = await Promise.all([
      processCommissionDeadlines(env.deps, now),
      processCommissionDeadlines(env.deps, now),
      processCommissionDeadlines(env.deps, now),
    ]);
    expect(results.reduce((n, r) => n + r.blocked, 0)).toBe(1);

    const row = await env.db
      .selectFrom('commissions')
      .select(['status', 'blocked_applied'])
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'overdue', blocked_applied: true });
    const m = await env.db
      .selectFrom('masters')
      .select(['is_blocked', 'blocked_reason', 'blocked_at', 'shift_status'])
      .where('id', '=', c.masterId)
      .executeTakeFirstOrThrow();
    expect(m).toMatchObject({
      is_blocked: true,
      blocked_reason: overdueBlockReason(c.orderId),
      shift_status: 'off',
    });
    expect(m.blocked_at).toBeInstanceOf(Date);

    const rows = await outboxOf(c.orderId);
    expect(rows.map((r) => [r.event, r.bot, r.master_id, r.staff_user_id, r.dedup_key])).toEqual([
      ['commission_overdue', 'master', c.masterId, null, `commission_overdue:c${c.id}:m${c.masterId}`],
      ['commission_overdue', 'admin', null, adminId, `commission_overdue:c${c.id}:s${adminId}`],
      ['commission_overdue', 'admin', null, null, `commission_overdue:c${c.id}:c-1001234`],
    ]);
    expect(rows[0]!.payload).toMatchObject({ audience: 'master', commission_id: c.id });
    expect(rows[1]!.payload).toMatchObject({ audience: 'staff', master_name: 'Пётр <Мастер>' });

    // A later run changes and sends nothing.
    await processCommissionDeadlines(env.deps, new Date());
    expect(await outboxOf(c.orderId)).toHaveLength(3);
    await setSettings(env.db, { alerts_channel_id: '' });
  });

  it('a reported commission past its deadline is not blocked while staff check it', async () => {
    const c = await commission({ ageMs: 4 * HOUR, status: 'reported' });
    await processCommissionDeadlines(env.deps, new Date());
    const row = await env.db
      .selectFrom('commissions')
      .select('status')
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('reported');
    const m = await env.db
      .selectFrom('masters')
      .select('is_blocked')
      .where('id', '=', c.masterId)
      .executeTakeFirstOrThrow();
    expect(m.is_blocked).toBe(false);
    expect(await outboxOf(c.orderId)).toEqual([]);
  });

  it('an already blocked master keeps the staff block reason; the commission is still marked overdue', async () => {
    const c = await commission({ ageMs: 4 * HOUR });
    await env.db
      .updateTable('masters')
      .set({ is_blocked: true, blocked_reason: 'Жалоба клиента', blocked_at: new Date() })
      .where('id', '=', c.masterId)
      .execute();
    const r = await processCommissionDeadlines(env.deps, new Date());
    expect(r.blocked).toBe(0);
    const m = await env.db
      .selectFrom('masters')
      .select('blocked_reason')
      .where('id', '=', c.masterId)
      .executeTakeFirstOrThrow();
    expect(m.blocked_reason).toBe('Жалоба клиента');
    const row = await env.db
      .selectFrom('commissions')
      .select(['status', 'blocked_applied'])
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'overdue', blocked_applied: true });
  });

  it('an overdue commission can still be reported; the master stays blocked', async () => {
    const c = await commission({ ageMs: 4 * HOUR });
    await processCommissionDeadlines(env.deps, new Date());
    const res = await reportCommissionPayment(env.deps, {
      commissionId: c.id,
      masterId: c.masterId,
      files: [{ fileType: 'photo', fileId: 'AgAC-receipt', fileUniqueId: 'u-r1' }],
    });
    expect(res.kind).toBe('reported');
    const row = await env.db
      .selectFrom('commissions')
      .select(['status', 'reported_at'])
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('reported');
    expect(row.reported_at).toBeInstanceOf(Date);
    const m = await env.db
      .selectFrom('masters')
      .select('is_blocked')
      .where('id', '=', c.masterId)
      .executeTakeFirstOrThrow();
    expect(m.is_blocked).toBe(true);
  });
});
