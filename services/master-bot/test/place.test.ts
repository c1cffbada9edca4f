import { createMaster, createOrder, type MasterFixture } from '@fs/testkit';
import { sql } from 'kysely';
import { type BotHarness, driver, startHarness } from './harness';

/**
 * 📍 Моя точка, the base point and the shift's live location through the master bot (Telegram
 * location messages and their edited_message updates), the 🗺 Маршрут button, and privacy: no
 * master ever sees another master's point.
 */

let h: BotHarness;
let d: ReturnType<typeof driver>;

beforeAll(async () => {
  h = await startHarness();
  d = driver(h);
});
afterAll(async () => {
  await h?.close();
});

async function point(m: MasterFixture) {
  return h.tdb.db
    .selectFrom('masters')
    .select([
      'base_lat',
      'base_lon',
      'live_active',
      sql<number | null>`round(latitude(geo_point::earth)::numeric, 4)::float8`.as('lat'),
      sql<number | null>`round(longitude(geo_point::earth)::numeric, 4)::float8`.as('lon'),
    ])
    .where('id', '=', m.id)
    .executeTakeFirstOrThrow();
}

async function placeScreen(m: MasterFixture) {
  const menu = await d.menu(m);
  await d.tap(m, menu.message_id, { text: '📍 Моя точка' });
  return d.shown(m, menu.message_id);
}

describe('base point', () => {
  it('a plain location sets it; 📍 Моя точка says when, never where', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const before = (await placeScreen(m)).text!;
    expect(before).toContain('🏠 Базовая точка: не указана');
    expect(before).toContain('📡 Трансляция: не включена');
    expect(before).toContain('другие мастера — никогда');

    const { reply } = await d.sendLocation(m, 55.7601, 37.6187);
    expect(reply.text).toBe(
      '📍 Базовая точка сохранена. От неё считаем расстояние до заказов, когда трансляция не идёт. Её видят только сотрудники.',
    );
    expect(await point(m)).toMatchObject({
      base_lat: 55.7601,
      base_lon: 37.6187,
      lat: 55.7601,
      lon: 37.6187,
    });
    const after = (await placeScreen(m)).text!;
    expect(after).toMatch(/🏠 Базовая точка: указана \((сегодня|\d\d\.\d\d) \d\d:\d\d\)/);
    expect(after).not.toContain('55.76');
    expect(after).not.toContain('37.61');
  });
});

describe('live location', () => {
  it('on shift: starts, follows Telegram’s edits without replying, stops back to the base point', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    await d.sendLocation(m, 55.75, 37.6);
    const { sent, reply } = await d.sendLocation(m, 55.8, 37.5, 900);
    expect(reply.text).toMatch(/^📡 Трансляция геопозиции включена до (сегодня|завтра) \d\d:\d\d\./);
    expect(await point(m)).toMatchObject({ live_active: true, lat: 55.8, lon: 37.5 });
    expect((await placeScreen(m)).text).toMatch(
      /📡 Трансляция: идёт, обновлена (сегодня|\d\d\.\d\d) \d\d:\d\d, до (сегодня|завтра) \d\d:\d\d/,
    );

    const repliesBefore = h.fake.chat(h.token, m.tg_user_id).length;
    await d.moveLive(m, sent.message_id, 55.81, 37.52);
    expect(await point(m)).toMatchObject({ lat: 55.81, lon: 37.52 });
    await d.moveLive(m, sent.message_id, 55.81, 37.52, true);
    expect(await point(m)).toMatchObject({ live_active: false, lat: 55.75, lon: 37.6 });
    expect(h.fake.chat(h.token, m.tg_user_id)).toHaveLength(repliesBefore); // edits get no reply
    expect((await placeScreen(m)).text).toMatch(/📡 Трансляция: закончилась \(последнее обновление/);
  });

  it('off shift it is not used, and says why', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id, onShift: false });
    const { reply } = await d.sendLocation(m, 55.8, 37.5, 900);
    expect(reply.text).toBe(
      'Трансляция учитывается только во время смены. Включите смену и поделитесь геопозицией снова.',
    );
    expect(await point(m)).toMatchObject({ live_active: false, lat: null });
  });

  it('someone who is not a master is told to register first', async () => {
    const stranger = { tg_user_id: 990_000_001 } as MasterFixture;
    const { reply } = await d.sendLocation(stranger, 55.8, 37.5);
    expect(reply.text).toBe('Геопозицию можно указать после регистрации. Нажмите /start');
  });
});

describe('🗺 Маршрут', () => {
  it('the active order card links a Yandex Maps route to the order’s point, when it is known', async () => {
    const m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const located = await createOrder(h.tdb.db, {
      cityId: h.moscow.city.id,
      status: 'assigned',
      assignedMasterId: m.id,
    });
    await h.tdb.db
      .updateTable('orders')
      .set({ lat: 55.7577, lon: 37.6134, geo_precision: 'house', geo_source: 'geocoder' })
      .where('id', '=', located.id)
      .execute();
    const menu = await d.menu(m);
    await d.tap(m, menu.message_id, { text: '📦 Активные заказы' });
    await d.tap(m, menu.message_id, { text: `Открыть #${located.id}` });
    const route = d
      .shown(m, menu.message_id)
      .reply_markup!.inline_keyboard.flat()
      .find((b) => b.text === '🗺 Маршрут');
    expect(route).toEqual({
      text: '🗺 Маршрут',
      url: 'https://yandex.ru/maps/?rtext=~55.757700%2C37.613400&rtt=auto',
    });

    await h.tdb.db
      .updateTable('orders')
      .set({ lat: null, lon: null, geo_precision: 'unknown', geo_source: null })
      .where('id', '=', located.id)
      .execute();
    await d.tap(m, menu.message_id, { text: '⬅️ Назад' });
    await d.tap(m, menu.message_id, { text: `Открыть #${located.id}` });
    expect(d.buttons(m, menu.message_id)).not.toContain('🗺 Маршрут');
  });
});

describe('privacy', () => {
  it('another master never sees a master’s point: nothing of it reaches their chat', async () => {
    const a = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    const b = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    await d.sendLocation(a, 55.6543, 37.4321);
    await d.sendLocation(a, 55.6789, 37.4567, 3600);
    const bScreen = (await placeScreen(b)).text!;
    expect(bScreen).toContain('🏠 Базовая точка: не указана');
    expect(bScreen).toContain('📡 Трансляция: не включена');
    for (const m of [a, b]) {
      const seen = h.fake
        .chat(h.token, m.tg_user_id)
        .filter((x) => x.from?.id !== m.tg_user_id)
        .map((x) => JSON.stringify(x))
        .join('\n');
      // Not even the master's own coordinates are echoed back; the other's never appear.
      for (const c of ['55.654', '37.432', '55.678', '37.456']) expect(seen).not.toContain(c);
    }
  });
});
