import { createCity, createMaster } from '@fs/testkit';
import { encode } from '../src/callbacks';
import { type AdminHarness, adminDriver, startAdminHarness } from './harness';
import { freshCity, lastButtons, openOrders, orderIn } from './orders-helpers';

/**
 * Issue 14 item 3: with every field people type at the longest its input allows (and made of
 * characters that HTML escaping lengthens), the order card and the order lists still fit
 * Telegram's 4,096 characters: the values are cut with "…", every label and line stays.
 * The fake Telegram refuses a longer text like Telegram does ("message is too long").
 */

let h: AdminHarness;
let d: ReturnType<typeof adminDriver>;

beforeAll(async () => {
  h = await startAdminHarness();
  d = adminDriver(h);
});
afterAll(() => h?.close());

/** `n` characters that each become 4-5 characters of HTML (`&amp;`, `&lt;`). */
const wide = (n: number, head = '') => (head + '&<'.repeat(n)).slice(0, n);
/** A name at its longest: three words of 30 letters (master registration's limit). */
const longName = (tag: string) => ['Ж'.repeat(29) + tag, 'Щ'.repeat(30), 'Ы'.repeat(30)].join(' ');

// The maximum each input allows (admin order wizard, cancel reason, master registration).
const MAX = {
  street: 200,
  house: 10,
  apartment: 10,
  comment: 250,
  client: 60,
  description: 500,
  reason: 200,
};

it('the order card with every field at its maximum fits, cut with "…", no line lost', async () => {
  const city = await freshCity(h);
  const s = await h.staff('logist', [city.city.id]);
  const assigned = await createMaster(h.tdb.db, { cityId: city.city.id, fullName: longName('А') });
  const preferred = await createMaster(h.tdb.db, { cityId: city.city.id, fullName: longName('Б') });
  const order = await orderIn(h, city, {
    status: 'canceled',
    assignedMasterId: assigned.id,
    preferredMasterId: preferred.id,
    districtId: city.district('Северный').id,
    street: wide(MAX.street, 'ул. '),
    house: wide(MAX.house),
    apartment: wide(MAX.apartment),
    clientName: 'Я'.repeat(MAX.client),
    clientPhone: '+79130001122',
    description: wide(MAX.description, 'Описание '),
    overrides: {
      address_comment: wide(MAX.comment, 'Домофон '),
      geo_address: wide(500, 'Геокодер '),
      cancel_reason: wide(MAX.reason, 'Причина '),
      escalation_reason: wide(32),
      escalated_logist_at: new Date(),
      escalated_admin_at: new Date(),
    },
  });
  await h.tdb.db
    .insertInto('order_status_history')
    .values(
      Array.from({ length: 12 }, (_, i) => ({
        order_id: order.id,
        from_status: 'searching' as const,
        to_status: 'canceled' as const,
        actor_type: 'staff' as const,
        actor_id: s.id,
        reason: wide(MAX.reason, `История ${i} `),
      })),
    )
    .execute();
  for (let i = 0; i < 12; i++) {
    const m = await createMaster(h.tdb.db, {
      cityId: city.city.id,
      fullName: longName(String.fromCharCode(0x410 + i)),
    });
    await h.tdb.db
      .insertInto('offers')
      .values({
        order_id: order.id,
        master_id: m.id,
        round_number: i + 1,
        state: 'declined',
        sent_at: new Date(),
        expires_at: new Date(Date.now() + 60_000),
        responded_at: new Date(),
      })
      .execute();
  }

  const menu = await d.menu(s);
  await d.tap(s, menu.message_id, { data: encode('ordersCard', { orderId: order.id }), unchecked: true });
  const text = d.lastBotMessage(s).text!;
  expect(text.startsWith(`📦 Заказ #${order.id}`)).toBe(true);
  expect(text.length).toBeLessThanOrEqual(4096);
  for (const label of [
    '📊 Статус: Отменена',
    '📍 Адрес: ',
    '💬 Комментарий к адресу: Домофон',
    '   геокодер нашёл: Геокодер',
    '👤 Клиент: ЯЯЯ',
    ', +79130001122',
    '👷 Мастер: ЖЖЖ',
    '⭐ Предпочтительный мастер: ЖЖЖ',
    '❌ Причина отмены: Причина',
    '⚠️ Эскалация логисту: ',
    '🚨 Эскалация администратору: ',
    '📝 Описание\nОписание',
    '📜 История\n',
    '📨 Предложения\n',
  ]) {
    expect(text).toContain(label);
  }
  // The card's lists keep their ten newest lines each, every one cut, none dropped.
  expect(text.split('\n').filter((l) => l.startsWith('• ') && l.includes(' — '))).toHaveLength(10);
  expect(text.split('\n').filter((l) => l.startsWith('• ') && l.includes(' · раунд '))).toHaveLength(10);
  expect(text).toContain('…');
  // The buttons are there too (the card was sent, not an error).
  expect(lastButtons(d, s)).toContain('🔄 Обновить');
});

it('an order list of ten orders with the longest addresses and master names fits', async () => {
  const city = await freshCity(h);
  const s = await h.staff('logist', [city.city.id]);
  const m = await createMaster(h.tdb.db, { cityId: city.city.id, fullName: longName('В') });
  for (let i = 0; i < 11; i++) {
    await orderIn(h, city, {
      status: 'assigned',
      assignedMasterId: m.id,
      districtId: city.district('Центральный').id,
      street: wide(MAX.street, `ул. ${i} `),
      house: wide(MAX.house),
    });
  }
  await openOrders(d, s);
  const shown = (await d.tapLast(s, '📋 Очередь (11)')).edited.text!;
  expect(shown.length).toBeLessThanOrEqual(4096);
  expect(shown).toContain('стр. 1/2');
  // Ten rows, each with its address line and master line.
  expect(shown.split('\n').filter((l) => l.startsWith('#'))).toHaveLength(10);
  expect(shown.split('\n').filter((l) => l.includes('· 👷 ЖЖЖ'))).toHaveLength(10);
  expect(shown).toContain('…');
});

it('the master card with a long name, block reason and a hundred long districts fits', async () => {
  const names = Array.from({ length: 100 }, (_, i) => wide(100, `Район ${i} `));
  const city = await createCity(h.tdb.db, { timezone: 'Europe/Moscow', districts: names });
  const admin = await h.staff('city_admin', [city.city.id]);
  const m = await createMaster(h.tdb.db, { cityId: city.city.id, fullName: longName('Г'), isBlocked: true });
  await h.tdb.db
    .updateTable('masters')
    .set({ blocked_reason: wide(500, 'Причина ') })
    .where('id', '=', m.id)
    .execute();
  await h.tdb.db
    .insertInto('master_districts')
    .values(names.map((n) => ({ master_id: m.id, district_id: city.district(n).id })))
    .execute();
  const menu = await d.menu(admin);
  await d.tap(admin, menu.message_id, {
    data: encode('adminMasterOpen', { masterId: m.id }),
    unchecked: true,
  });
  const text = d.lastBotMessage(admin).text!;
  expect(text.startsWith('👤 ЖЖЖ')).toBe(true);
  expect(text.length).toBeLessThanOrEqual(4096);
  expect(text).toContain('🚫 Заблокирован: Причина');
  expect(text).toContain('🗺 Районы: Район 0 ');
  expect(text).toContain('🗓 Зарегистрирован: ');
  expect(text).toContain('…');
});
