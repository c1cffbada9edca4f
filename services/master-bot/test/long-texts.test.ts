import type { ActiveOrderRow, OfferCardRow } from '../src/queries/work';
import { activeCardText, assignedOrderCard, offerCardText } from '../src/texts';

/**
 * Issue 14 item 3: the master's order texts with every field at the longest its input allows
 * (the admin order wizard: street 200, house 10, flat 10, comment 250, client 60, description
 * 500; a city or district name of 100) fit Telegram's 4,096 characters as Telegram counts them
 * (the text after HTML parsing), with every line there.
 */

const now = new Date('2029-06-14T09:00:00Z');
/** Characters that HTML escaping makes longer (Telegram counts each as one). */
const wide = (n: number, head = '') => (head + '&<'.repeat(n)).slice(0, n);
/** What Telegram counts: the text without tags, each entity one character. */
const telegramLength = (html: string) =>
  html.replace(/<[^>]+>/g, '').replace(/&(lt|gt|amp|quot|#39);/g, 'x').length;

const order: ActiveOrderRow = {
  id: 123456,
  status: 'working',
  type: 'guarantee',
  city: wide(100, 'Город '),
  timezone: 'Europe/Moscow',
  district: wide(100, 'Район '),
  street: wide(200, 'ул. '),
  house: wide(10),
  apartment: wide(10),
  addressComment: wide(250, 'Домофон '),
  clientName: 'Я'.repeat(60),
  clientPhone: '+79990001122',
  category: 'electrics',
  description: wide(500, 'Описание '),
  timeslotStart: new Date('2029-06-14T10:00:00Z'),
  timeslotEnd: new Date('2029-06-14T13:00:00Z'),
  isAsap: false,
  lat: 55.75,
  lon: 37.62,
};

it('the active order card, the won push and the offer card fit with every field at its longest', () => {
  const active = activeCardText(order, now);
  const won = assignedOrderCard(order, now);
  const offer: OfferCardRow = {
    offerId: 1,
    orderId: order.id,
    city: order.city,
    timezone: order.timezone,
    district: order.district,
    category: order.category,
    timeslotStart: order.timeslotStart,
    timeslotEnd: order.timeslotEnd,
    isAsap: false,
    expiresAt: new Date(now.getTime() + 120_000),
    street: order.street,
    description: order.description,
    type: order.type,
  };
  const card = offerCardText(offer, now);
  for (const text of [active, won, card]) {
    expect(telegramLength(text)).toBeLessThanOrEqual(4096);
    // Every typed value is there in full: nothing needed cutting.
    expect(text).toContain('Описание &amp;&lt;');
  }
  expect(active).toContain('💬 Домофон');
  expect(active).toContain('👤 Клиент: ЯЯЯ');
  expect(won).toContain('📞 +7 999 000-11-22');
  expect(card).toContain('⏳ Осталось на ответ: 2 мин');
});
