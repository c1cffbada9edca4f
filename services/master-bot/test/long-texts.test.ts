import { createCity } from '@fs/testkit';
import type { MasterBotDeps } from '../src/context';
import { summaryText } from '../src/features/onboarding/views';
import type { HistoryOrder, HistoryRow } from '../src/queries/cabinet';
import type { ActiveOrderRow, OfferCardRow, OfferListRow } from '../src/queries/work';
import { activeCardText, assignedOrderCard, historyCardText, mt, offerCardText } from '../src/texts';
import { type BotHarness, startHarness } from './harness';

/**
 * Issue 14 item 3: every master-bot text that carries what people typed goes through fitText,
 * so it fits Telegram's 4,096 characters with every input at the longest it allows (the admin
 * order wizard: street 200, house 10, flat 10, comment 250, client 60, description 500, cancel
 * reason 200; a city or district name of 100; a name of three 30-letter words): long values
 * are cut with "…", never a line. Counted as fitText counts, the HTML source (never less than
 * what Telegram counts after parsing).
 */

let h: BotHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const now = new Date('2029-06-14T09:00:00Z');
/** `n` characters that HTML escaping makes 4-5 times longer (`&amp;`, `&lt;`). */
const wide = (n: number, head = '') => (head + '&<'.repeat(n)).slice(0, n);
/** `n` Cyrillic letters: what a long real value looks like (a map link URL-encodes them). */
const cyr = (n: number, head = '') => (head + 'ж'.repeat(n)).slice(0, n);
const LIMIT = 4096;

function orderAt(v: (n: number, head?: string) => string, id: number, point: boolean): ActiveOrderRow {
  return {
    id,
    status: 'working',
    type: 'guarantee',
    city: v(100, 'Город '),
    timezone: 'Europe/Moscow',
    district: v(100, 'Район '),
    street: v(200, 'ул. '),
    house: v(10),
    apartment: v(10),
    addressComment: v(250, 'Домофон '),
    clientName: 'Я'.repeat(60),
    clientPhone: '+79990001122',
    category: 'electrics',
    description: v(500, 'Описание '),
    timeslotStart: new Date('2029-06-14T10:00:00Z'),
    timeslotEnd: new Date('2029-06-14T13:00:00Z'),
    isAsap: false,
    lat: point ? 55.75 : null,
    lon: point ? 37.62 : null,
  };
}

const offerOf = (o: ActiveOrderRow): OfferCardRow => ({
  offerId: 1,
  orderId: o.id,
  city: o.city,
  timezone: o.timezone,
  district: o.district,
  category: o.category,
  timeslotStart: o.timeslotStart,
  timeslotEnd: o.timeslotEnd,
  isAsap: false,
  expiresAt: new Date(now.getTime() + 120_000),
  street: o.street,
  description: o.description,
  type: o.type,
});

const historyOf = (o: ActiveOrderRow, reason: string): HistoryOrder => ({
  ...o,
  status: 'canceled',
  totalKopecks: null,
  cancelReason: reason,
  finishedAt: now,
  commissionId: null,
  commissionStatus: null,
  commissionKopecks: null,
});

it('the order cards fit at every maximum, cut with "…", every line kept', () => {
  for (const point of [true, false]) {
    const o = orderAt(wide, 123456, point);
    const cards = {
      active: activeCardText(o, now),
      won: assignedOrderCard(o, now),
      offer: offerCardText(offerOf(o), now),
      history: historyCardText(historyOf(o, wide(200, 'Причина ')), now),
    };
    for (const text of Object.values(cards)) {
      expect(text.length).toBeLessThanOrEqual(LIMIT);
      expect(text).toMatch(/(🏙|📍) Город /);
      expect(text).toContain('📝 Описание ');
    }
    for (const text of [cards.active, cards.history]) {
      for (const line of [
        '📍 <a href=',
        '💬 Домофон ',
        '🗓 ',
        '👤 Клиент: ЯЯЯ',
        '📞 Телефон: +7 999 000-11-22',
      ])
        expect(text).toContain(line);
    }
    expect(cards.won).toContain('📞 +7 999 000-11-22');
    expect(cards.won).toContain('Свяжитесь с клиентом и подтвердите время визита.');
    expect(cards.offer).toContain('⏳ Осталось на ответ: 2 мин');
    expect(cards.history).toContain('Причина отмены: Причина ');
    expect(cards.history).toContain('🚫 Отменён: ');
  }
  // The longest values of the escaping kind are cut (the search link adds the URL-encoded address).
  expect(activeCardText(orderAt(wide, 1, false), now)).toMatch(/…/);
});

it('long real (Cyrillic) values at every maximum are not cut', () => {
  for (const point of [true, false]) {
    const o = orderAt(cyr, 123456, point);
    for (const text of [
      activeCardText(o, now),
      assignedOrderCard(o, now),
      offerCardText(offerOf(o), now),
      historyCardText(historyOf(o, cyr(200, 'Причина ')), now),
    ]) {
      expect(text.length).toBeLessThanOrEqual(LIMIT);
      expect(text).not.toContain('…');
      expect(text).toContain(o.description);
    }
  }
});

it('the offer, active and history lists fit with every row at its longest, no row lost', () => {
  const rows = Array.from({ length: 5 }, (_, i) => orderAt(wide, 1000 + i, false));
  const offers: OfferListRow[] = rows.map((o) => ({ ...offerOf(o), offerId: o.id }));
  const offersText = mt.offers.screen(offers, 1, 2, 7, now);
  // A master may hold up to the active-orders limit (20 in the demo).
  const active = Array.from({ length: 20 }, (_, i) => orderAt(wide, 2000 + i, false));
  const activeText = mt.active.screen(active, now);
  const history: HistoryRow[] = rows.map((o) => ({
    id: o.id,
    status: 'closed',
    type: 'normal',
    city: o.city,
    timezone: o.timezone,
    district: o.district,
    category: o.category,
    totalKopecks: 350_000,
    finishedAt: now,
  }));
  const historyText = mt.cabinet.history.screen(
    history,
    1,
    2,
    { total: 7, closed: 7, canceled: 0, sumKopecks: 1 },
    now,
  );
  for (const [text, ids] of [
    [offersText, rows.map((o) => o.id)],
    [activeText, active.map((o) => o.id)],
    [historyText, rows.map((o) => o.id)],
  ] as const) {
    expect(text.length).toBeLessThanOrEqual(LIMIT);
    for (const id of ids) expect(text).toContain(`#${id} • `);
  }
  expect(offersText).toContain('Страница 1/2 • всего: 7');
  expect(activeText.match(/🔁 Мастер работает/g)).toHaveLength(20);
  expect(historyText).toContain('Страница 1/2 • всего: 7');
});

it('the onboarding summary fits with 100 long district names chosen and every field at its longest', async () => {
  const names = Array.from({ length: 100 }, (_, i) => wide(100, `Район ${i} `));
  const city = await createCity(h.tdb.db, { name: wide(100, 'Город '), districts: names });
  const deps = { db: h.tdb.db } as MasterBotDeps;
  const text = await summaryText(
    deps,
    {
      step: 'summary',
      submissionId: 'x',
      fullName: ['Ж'.repeat(30), 'Щ'.repeat(30), 'Ы'.repeat(30)].join(' '),
      phone: '+79990001122',
      cityId: city.city.id,
      cityHasDistricts: true,
      districtIds: city.districts.slice(1).map((d) => d.id),
      skills: ['electrics', 'plumbing'],
      hasVehicle: true,
      vehiclePlate: wide(12),
      payout: { method: 'yoomoney', account: '4100'.padEnd(20, '1') },
      referralCode: 'ABCD2345',
    },
    true,
  );
  // Room is left for a lead line above the summary (stepView).
  expect(text.length).toBeLessThanOrEqual(LIMIT - 600);
  for (const line of [
    '<b>📋 Проверьте анкету</b>',
    `👤 ФИО: ${'Ж'.repeat(30)}`,
    '📞 Телефон: <code>+79990001122</code>',
    '🏙 Город: Город ',
    '📍 Районы: Район 1 ',
    '🚗 Автомобиль: есть, ',
    '💳 Выплаты: ЮMoney <code>41001111111111111111</code>',
    '📄 Документы',
    '🎁 Реферальный код: <code>ABCD2345</code>',
    'Всё верно? Нажмите «✅ Отправить»',
  ])
    expect(text).toContain(line);
  expect(text).toContain('…');
});
