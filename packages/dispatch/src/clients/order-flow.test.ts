import { type ClientEvent, type NotificationPayloads, renderClientSms, renderNotification } from '@fs/domain';
import {
  createCity,
  createMaster,
  createOffer,
  createOrder,
  createStaff,
  type DispatchTestEnv,
  outboxRows,
  setupDispatchEnv,
} from '../../test/fixtures';
import type { StaffActor } from '../masters/master-admin';
import { recordLiveLocation, setBaseLocation } from '../masters/master-location';
import { acceptOffer } from '../offers/offer-accept';
import { cancelOrderByStaff, rescheduleOrder } from '../orders/order-admin';
import { assignOrderToMaster } from '../orders/order-admin-assign';
import { advanceMasterOrder, closeOrderByMaster } from '../orders/order-close';
import type { DispatchDeps } from '../shared/deps';
import { optOutPhoneBySms, setClientNotices } from './client-links';

/**
 * The order flow tells the client (issue 17): each change writes its client notice in its own
 * transaction, by SMS until the client opened the link and by the client bot after; nothing
 * before a master accepts; opt-out and quiet hours honoured.
 */

let env: DispatchTestEnv;
let cityId: number;
let actor: StaffActor;
let phoneSeq = 9_160_000_000;

// 12:00 in Moscow: outside the SMS quiet hours (21:00–09:00).
const DAY = new Date('2026-12-05T09:00:00Z');
// 23:30 in Moscow.
const NIGHT = new Date('2026-12-05T20:30:00Z');
// 14:00–16:00 in Moscow the same day.
const SLOT: [Date, Date] = [new Date('2026-12-05T11:00:00Z'), new Date('2026-12-05T13:00:00Z')];

const at = (now: Date): DispatchDeps => ({ ...env.deps, clock: () => now });

beforeAll(async () => {
  env = await setupDispatchEnv();
  ({ cityId } = await createCity(env.db, { timezone: 'Europe/Moscow' }));
  const staffId = await createStaff(env.db, 'logist', [cityId]);
  actor = { staffId, staffName: 'Логист', inScope: (c) => c === cityId };
});
afterAll(() => env.close());

async function newOrder(o: { asap?: boolean } = {}) {
  const clientPhone = `+7${++phoneSeq}`;
  const masterId = await createMaster(env.db, { cityId, name: 'Иван Петров', phone: '+79001234567' });
  const orderId = await createOrder(env.db, {
    cityId,
    clientPhone,
    timeslot: SLOT,
    isAsap: o.asap ?? false,
    totalKopecks: null,
  });
  const offerId = await createOffer(env.db, orderId, masterId);
  return { orderId, masterId, offerId, clientPhone };
}

const clientRows = async (orderId: number) =>
  (await outboxRows(env.db, { orderId })).filter((r) => r.bot === 'client');

/** What the client reads: the SMS text, or the client bot's message text. */
function textOf(row: Awaited<ReturnType<typeof clientRows>>[number]): string {
  const event = row.event as ClientEvent;
  const payload = row.payload as unknown as NotificationPayloads[typeof event];
  return row.channel === 'sms'
    ? renderClientSms(event, payload, DAY, `t.me/fs_client_bot?start=${payload.link_token}`)
    : renderNotification(event, payload, DAY).text;
}

/** The client opened the order's link in the client bot (chat `chatId`). */
async function bindChat(orderId: number, chatId: number) {
  await env.db
    .insertInto('client_chats')
    .values({ chat_id: chatId, tg_user_id: chatId })
    .onConflict((oc) => oc.column('chat_id').doNothing())
    .execute();
  await env.db
    .updateTable('order_client_links')
    .set({ chat_id: chatId })
    .where('order_id', '=', orderId)
    .execute();
}

const act = { fileType: 'photo' as const, fileId: 'act-file' };

describe('client notices from the order flow', () => {
  it('nothing before a master accepts: a cancelled or moved order nobody took tells the client nothing', async () => {
    const a = await newOrder();
    expect(
      await rescheduleOrder(at(DAY), actor, a.orderId, {
        start: new Date('2026-12-06T11:00:00Z'),
        end: new Date('2026-12-06T13:00:00Z'),
        isAsap: false,
      }),
    ).toEqual({ kind: 'ok' });
    expect(await cancelOrderByStaff(at(DAY), actor, a.orderId, 'клиент передумал')).toEqual({ kind: 'ok' });
    expect(await clientRows(a.orderId)).toEqual([]);
    const link = await env.db
      .selectFrom('order_client_links')
      .select('order_id')
      .where('order_id', '=', a.orderId)
      .executeTakeFirst();
    expect(link).toBeUndefined();
  });

  it('walks the story by SMS, then by the client bot once the link is opened: every text', async () => {
    const a = await newOrder();
    expect(await acceptOffer(at(DAY), { offerId: a.offerId, masterId: a.masterId })).toMatchObject({
      kind: 'won',
    });
    const [accepted] = await clientRows(a.orderId);
    expect(accepted).toMatchObject({
      event: 'client_order_accepted',
      channel: 'sms',
      phone: a.clientPhone,
      chat_id: null,
      not_before: null,
    });
    const token = (accepted!.payload as { link_token: string }).link_token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(textOf(accepted!)).toBe(
      `Заказ №${a.orderId}: мастер Иван, приедет сегодня 14:00–16:00, позвонит с +7*** *** ** 67. ` +
        `Статус: t.me/fs_client_bot?start=${token} Отписаться: STOP`,
    );

    // En route before the client opened the link: an SMS, no estimate without points.
    expect(await advanceMasterOrder(at(DAY), { ...a, from: 'assigned' })).toEqual({
      kind: 'ok',
      status: 'en_route',
    });
    const enRouteSms = (await clientRows(a.orderId)).at(-1)!;
    expect(enRouteSms).toMatchObject({ event: 'client_master_en_route', channel: 'sms' });
    expect(textOf(enRouteSms)).toBe(
      `Заказ №${a.orderId}: мастер Иван едет к вам. Статус: t.me/fs_client_bot?start=${token}`,
    );

    // The client opens the link: from now on the client bot.
    await bindChat(a.orderId, 800_001);
    expect(
      await rescheduleOrder(at(DAY), actor, a.orderId, {
        start: new Date('2026-12-05T14:00:00Z'),
        end: new Date('2026-12-05T16:00:00Z'),
        isAsap: false,
      }),
    ).toEqual({ kind: 'ok' });
    const moved = (await clientRows(a.orderId)).at(-1)!;
    expect(moved).toMatchObject({ event: 'client_order_rescheduled', channel: 'telegram', chat_id: 800_001 });
    expect(textOf(moved)).toBe(
      `<b>🔁 Время визита изменено</b>\n\nЗаказ №${a.orderId}: новое время — сегодня 17:00–19:00.`,
    );

    expect(await advanceMasterOrder(at(DAY), { ...a, from: 'en_route' })).toMatchObject({ kind: 'ok' });
    const closed = await closeOrderByMaster(at(DAY), { ...a, totalKopecks: 350_000, act });
    expect(closed).toMatchObject({ kind: 'closed', status: 'payment' });
    const feedback = (await clientRows(a.orderId)).at(-1)!;
    expect(feedback).toMatchObject({
      event: 'client_feedback_request',
      channel: 'telegram',
      chat_id: 800_001,
    });
    expect(textOf(feedback)).toBe(
      `<b>✅ Заказ №${a.orderId} выполнен</b>\n\nМастер: Иван. Оцените, пожалуйста, работу мастера:\n\n` +
        'Сумма к оплате была 3\u00a0500\u00a0₽?',
    );
    // One notice per change: accepted, en route, rescheduled, feedback (working is not told).
    expect((await clientRows(a.orderId)).map((r) => r.event)).toEqual([
      'client_order_accepted',
      'client_master_en_route',
      'client_order_rescheduled',
      'client_feedback_request',
    ]);
  });

  it('"мастер едет к вам" carries the arrival estimate when both points are known', async () => {
    const a = await newOrder();
    await env.db
      .updateTable('orders')
      .set({ lat: 55.75, lon: 37.6, geo_precision: 'house', geo_source: 'geocoder' })
      .where('id', '=', a.orderId)
      .execute();
    await setBaseLocation(env.db, a.masterId, { lat: 55.84, lon: 37.6 }); // 10 km north, no car
    await acceptOffer(at(DAY), { offerId: a.offerId, masterId: a.masterId });
    await bindChat(a.orderId, 800_002);
    await recordLiveLocation(env.db, a.masterId, {
      point: { lat: 55.795, lon: 37.6 }, // 5 km north, shared live
      messageId: 1,
      sentAt: new Date(),
      livePeriod: 900,
      editedAt: null,
    });
    await advanceMasterOrder(at(DAY), { ...a, from: 'assigned' });
    const row = (await clientRows(a.orderId)).at(-1)!;
    // 5 km × 1.4 by roads at 15 km/h + 5 min = 33 min; ×0.7 … ×1.5 rounded to 5 min.
    expect(row.payload).toMatchObject({ eta_minutes: 25, eta_max_minutes: 50 });
    expect(textOf(row)).toBe(
      `<b>🚗 Мастер Иван едет к вам</b>\n\nЗаказ №${a.orderId}. Будет примерно через 25–50 мин.`,
    );
  });

  it('staff assignment and staff cancellation tell the client', async () => {
    const a = await newOrder();
    expect(await assignOrderToMaster(at(DAY), actor, a.orderId, a.masterId)).toEqual({ kind: 'ok' });
    await bindChat(a.orderId, 800_003);
    expect(await cancelOrderByStaff(at(DAY), actor, a.orderId, 'дубль заказа')).toEqual({ kind: 'ok' });
    const rows = await clientRows(a.orderId);
    expect(rows.map((r) => [r.event, r.channel])).toEqual([
      ['client_order_accepted', 'sms'],
      ['client_order_canceled', 'telegram'],
    ]);
    // The internal reason is never shown to the client.
    expect(textOf(rows[1]!)).toBe(
      `<b>❌ Заказ №${a.orderId} отменён</b>\n\nЕсли это ошибка, свяжитесь с нами.`,
    );
  });

  it('opt-out in the bot stops every notice; STOP by SMS stops SMS', async () => {
    const a = await newOrder();
    await acceptOffer(at(DAY), { offerId: a.offerId, masterId: a.masterId });
    await bindChat(a.orderId, 800_004);
    await setClientNotices(env.db, { chatId: 800_004, enabled: false, orderId: a.orderId });
    await advanceMasterOrder(at(DAY), { ...a, from: 'assigned' });
    await cancelOrderByStaff(at(DAY), actor, a.orderId, 'тест');
    expect((await clientRows(a.orderId)).map((r) => r.event)).toEqual(['client_order_accepted']);

    const b = await newOrder();
    await optOutPhoneBySms(env.db, b.clientPhone);
    await acceptOffer(at(DAY), { offerId: b.offerId, masterId: b.masterId });
    expect(await clientRows(b.orderId)).toEqual([]);
  });

  it('quiet hours: a night SMS waits for the morning, ASAP does not wait, a night "едет к вам" SMS is dropped', async () => {
    const a = await newOrder();
    await acceptOffer(at(NIGHT), { offerId: a.offerId, masterId: a.masterId });
    const [held] = await clientRows(a.orderId);
    expect(held?.not_before?.toISOString()).toBe('2026-12-06T06:00:00.000Z'); // 09:00 in Moscow
    await advanceMasterOrder(at(NIGHT), { ...a, from: 'assigned' });
    expect((await clientRows(a.orderId)).map((r) => r.event)).toEqual(['client_order_accepted']);

    const b = await newOrder({ asap: true });
    await acceptOffer(at(NIGHT), { offerId: b.offerId, masterId: b.masterId });
    await advanceMasterOrder(at(NIGHT), { ...b, from: 'assigned' });
    const rows = await clientRows(b.orderId);
    expect(rows.map((r) => [r.event, r.not_before])).toEqual([
      ['client_order_accepted', null],
      ['client_master_en_route', null],
    ]);
    expect(textOf(rows[0]!)).toContain('приедет как можно скорее');
  });
});
