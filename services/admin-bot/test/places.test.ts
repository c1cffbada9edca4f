import { recordLiveLocation, setBaseLocation } from '@fs/dispatch';
import { createMaster } from '@fs/testkit';
import { encode } from '../src/callbacks';
import { type AdminHarness, adminDriver, startAdminHarness, userOf } from './harness';
import { auditOf, distributionJobsFor, freshCity, orderIn, orderRow } from './orders-helpers';

/**
 * Places in the admin bot: the order card's point (precision, map, the assigned master's
 * distance, offers' distances), 📍 Уточнить точку (a Telegram location from staff), and the
 * master card's base point and live location with when they were last updated.
 */

let h: AdminHarness;
let d: ReturnType<typeof adminDriver>;
beforeAll(async () => {
  h = await startAdminHarness();
  d = adminDriver(h);
});
afterAll(() => h.close());

type Person = Parameters<typeof d.menu>[0];

async function openCard(s: Person, orderId: number) {
  const menu = await d.menu(s);
  await d.tap(s, menu.message_id, { data: encode('ordersCard', { orderId }), unchecked: true });
  return d.lastBotMessage(s);
}

describe('order card', () => {
  it('shows how precise the point is, links it on the map and tells the master’s distance', async () => {
    const city = await freshCity(h);
    const s = await h.staff('city_admin', [city.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: city.city.id });
    await setBaseLocation(h.tdb.db, m.id, { lat: 55.84, lon: 37.6 });
    const order = await orderIn(h, city, { status: 'assigned', assignedMasterId: m.id });
    await h.tdb.db
      .updateTable('orders')
      .set({
        lat: 55.75,
        lon: 37.6,
        geo_precision: 'house',
        geo_source: 'geocoder',
        geo_address: 'Россия, Москва, <Тверская> улица, 7',
      })
      .where('id', '=', order.id)
      .execute();
    const card = await openCard(s, order.id);
    expect(card.text).toContain('🗺 Точка: дом (геокодер)');
    expect(card.text).toContain('   геокодер нашёл: Россия, Москва, <Тверская> улица, 7');
    expect(card.text).toContain('📏 Мастер от заказа: ≈ 10\u00a0км (от базовой точки)');
    const map = card.reply_markup!.inline_keyboard.flat().find((b) => b.text === '🗺 На карте');
    expect(map).toEqual({
      text: '🗺 На карте',
      url: 'https://yandex.ru/maps/?pt=37.600000,55.750000&z=16&l=map',
    });

    const unknown = await orderIn(h, city);
    const bare = await openCard(s, unknown.id);
    expect(bare.text).toContain('🗺 Точка: неизвестна');
    expect(d.buttons(s, bare.message_id)).not.toContain('🗺 На карте');
  });

  it('lists each offer with the distance it was made at', async () => {
    const city = await freshCity(h);
    const s = await h.staff('city_admin', [city.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: city.city.id, fullName: 'Далёкий Мастер' });
    const order = await orderIn(h, city);
    await h.tdb.db
      .insertInto('offers')
      .values({
        order_id: order.id,
        master_id: m.id,
        round_number: 1,
        state: 'declined',
        expires_at: new Date(Date.now() + 60_000),
        distance_m: 3240,
      })
      .execute();
    expect((await openCard(s, order.id)).text).toMatch(
      /Далёкий Мастер \(#\d+\) · раунд 1 · ✖️ отказ · ≈ 3,2\u00a0км/,
    );
  });
});

describe('📍 Уточнить точку', () => {
  it('staff send a location: the point becomes exact, audited, and a waiting order is distributed again', async () => {
    const city = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const order = await orderIn(h, city);
    const card = await openCard(s, order.id);
    await d.tap(s, card.message_id, { text: '📍 Уточнить точку' });
    expect(d.shown(s, card.message_id).text).toContain(`📍 Точка заказа #${order.id}`);
    expect((await d.send(s, 'Тверская 7')).text).toBe('⚠️ Нужна геопозиция: 📎 → Геопозиция. Или /cancel.');

    await h.fake.userSendsLocation(h.token, userOf(s), { latitude: 55.7601, longitude: 37.6187 });
    await h.ab.running.idle();
    const sent = d.sentSince(s, 0).map((x) => x.text);
    expect(sent).toContain('📍 Точка заказа обновлена.');
    expect(d.lastBotMessage(s).text).toContain('🗺 Точка: точка, указанная сотрудником (геометка в чате)');
    expect(await orderRow(h, order.id)).toMatchObject({
      lat: 55.7601,
      lon: 37.6187,
      geo_precision: 'pin',
      geo_source: 'staff_pin',
      geo_pinned_by_staff_id: s.id,
    });
    expect((await auditOf(h, order.id)).map((a) => a.action)).toContain('order.pin_location');
    expect((await distributionJobsFor(h, order.id)).map((j) => j.data)).toContainEqual({
      orderId: order.id,
      reason: 'location_pinned',
    });
  });

  it('another city’s order cannot be pinned, even with a forged button', async () => {
    const mine = await freshCity(h);
    const other = await freshCity(h);
    const s = await h.staff('logist', [mine.city.id]);
    const foreign = await orderIn(h, other);
    const menu = await d.menu(s);
    const answer = await d.tap(s, menu.message_id, {
      data: encode('ordersPin', { orderId: foreign.id }),
      unchecked: true,
    });
    expect(answer.show_alert).toBe(true);
    expect((await orderRow(h, foreign.id)).geo_precision).toBe('unknown');
  });
});

describe('master card', () => {
  it('staff see the base point and the live location with when each was last updated', async () => {
    const s = await h.staff('city_admin', [h.moscow.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const menu = await d.menu(s);
    await d.tap(s, menu.message_id, { data: encode('adminMasterOpen', { masterId: m.id }), unchecked: true });
    let text = d.lastBotMessage(s).text!;
    expect(text).toContain('🏠 Базовая точка: не указана');
    expect(text).not.toContain('📡 Трансляция');

    await setBaseLocation(h.tdb.db, m.id, { lat: 55.76, lon: 37.61 });
    await recordLiveLocation(h.tdb.db, m.id, {
      point: { lat: 55.8, lon: 37.5 },
      messageId: 1,
      sentAt: new Date(),
      livePeriod: 3600,
      editedAt: null,
    });
    await d.tap(s, menu.message_id, { data: encode('adminMasterOpen', { masterId: m.id }), unchecked: true });
    text = d.lastBotMessage(s).text!;
    expect(text).toMatch(/🏠 Базовая точка: на карте, обновлена \d\d\.\d\d\.\d{4} \d\d:\d\d/);
    expect(text).toMatch(
      /📡 Трансляция: идёт до \d\d\.\d\d\.\d{4} \d\d:\d\d, последняя точка \d\d\.\d\d\.\d{4} \d\d:\d\d/,
    );
  });
});
