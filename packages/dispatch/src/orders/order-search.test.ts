import { createMaster, createOrder, getCity } from '@fs/testkit';
import { sql } from 'kysely';
import { type DispatchTestEnv, setupDispatchEnv } from '../../test/fixtures';
import {
  type OrderSearchQuery,
  parseOrderSearch,
  SEARCH_PAGE_SIZE,
  searchOrders,
  textMatches,
} from './order-search';

let env: DispatchTestEnv;
let moscow: number;
let spb: number;

beforeAll(async () => {
  env = await setupDispatchEnv({ poolSize: 2 });
  moscow = (await getCity(env.db, 'Москва')).city.id;
  spb = (await getCity(env.db, 'Санкт-Петербург')).city.id;
});
afterAll(async () => {
  await env?.close();
});

const text = (q: string) => parseOrderSearch(q) as Extract<OrderSearchQuery, { kind: 'text' }>;
const ids = async (q: string, scope: 'all' | number[] = 'all', page = 0) =>
  (await searchOrders(env.db, scope, text(q), page)).rows.map((r) => r.id);

describe('parseOrderSearch', () => {
  it.each([
    ['#123', { kind: 'id', orderId: 123 }],
    [' 42 ', { kind: 'id', orderId: 42 }],
    ['8 (916) 555-44-33', { kind: 'phone', phone: '+79165554433' }],
    ['+79165554433', { kind: 'phone', phone: '+79165554433' }],
    ['Смирнова', { kind: 'text', text: 'Смирнова' }],
    ['  тверская   7 ', { kind: 'text', text: 'тверская 7' }],
    ['ан', { kind: 'too_short' }],
    ['12345678901234', { kind: 'too_short' }],
  ])('%j → %j', (input, expected) => expect(parseOrderSearch(input)).toEqual(expected));
});

describe('searchOrders', () => {
  let smirnova: number;
  let tverskaya: number;
  let semyon: number;
  let byMaster: number;
  let otherCity: number;

  beforeAll(async () => {
    const ivan = await createMaster(env.db, { cityId: moscow, fullName: 'Иван Петров' });
    const spbMaster = await createMaster(env.db, { cityId: spb, fullName: 'Пётр Смирнов' });
    const order = (o: Parameters<typeof createOrder>[1]) => createOrder(env.db, o).then((r) => r.id);
    smirnova = await order({ cityId: moscow, clientName: 'Анна Смирнова', street: 'ул. Ленина', house: '3' });
    tverskaya = await order({ cityId: moscow, clientName: 'Олег Ким', street: 'Тверская', house: '7' });
    semyon = await order({ cityId: moscow, clientName: 'Семён Лобанов', street: 'Арбат', house: '1' });
    // Shares a first name only: every word of a query must match, so it is not found for "Семен Лобанов".
    await order({ cityId: moscow, clientName: 'Семён Кузнецов', street: 'Покровка', house: '2' });
    byMaster = await order({
      cityId: moscow,
      clientName: 'Ольга Юн',
      street: 'Садовая',
      status: 'assigned',
      assignedMasterId: ivan.id,
    });
    otherCity = await order({
      cityId: spb,
      clientName: 'Анна Смирнова',
      street: 'Невский',
      status: 'closed',
      assignedMasterId: spbMaster.id,
    });
  });

  it('finds a client by name with a typo, a declension or ё written as е', async () => {
    expect(await ids('Смирнова', [moscow])).toEqual([smirnova]);
    expect(await ids('смирнва', [moscow])).toEqual([smirnova]);
    expect(await ids('Смирновой', [moscow])).toEqual([smirnova]);
    expect(await ids('Семен Лобанов', [moscow])).toEqual([semyon]);
    expect(await ids('Гагарин', [moscow])).toEqual([]);
  });

  it('finds by street and house, and by the assigned master’s name', async () => {
    expect(await ids('Тверская 7', [moscow])).toEqual([tverskaya]);
    expect(await ids('тверской 7', [moscow])).toEqual([tverskaya]);
    expect(await ids('Тверская 8', [moscow])).toEqual([]);
    expect(await ids('петров', [moscow])).toEqual([byMaster]);
    expect(await ids('Ивану Петрову', [moscow])).toEqual([byMaster]);
  });

  it('sees only the staff member’s cities; a global admin sees all', async () => {
    expect(await ids('Анна Смирнова', [spb])).toEqual([otherCity]);
    expect(await ids('Анна Смирнова', [])).toEqual([]);
    expect((await ids('Анна Смирнова', 'all')).sort()).toEqual([smirnova, otherCity].sort());
    // The master of another city's order is found only there.
    expect(await ids('Пётр Смирнов', [moscow])).not.toContain(otherCity);
    expect(await ids('Петр Смирнов', [spb])).toEqual([otherCity]);
  });

  it('pages through many matches, best first, then newest; a page past the end shows the last', async () => {
    const city = (await getCity(env.db, 'Казань')).city.id;
    const made: number[] = [];
    for (let i = 0; i < SEARCH_PAGE_SIZE * 2 + 3; i++) {
      made.push(
        (await createOrder(env.db, { cityId: city, clientName: `Гусейнова ${i}`, street: 'Баумана' })).id,
      );
    }
    const exact = (await createOrder(env.db, { cityId: city, clientName: 'Гусейнов', street: 'Кремлёвская' }))
      .id;
    const first = await searchOrders(env.db, [city], text('Гусейнов'), 0);
    expect(first).toMatchObject({ page: 0, pages: 3, total: made.length + 1 });
    expect(first.rows[0]!.id).toBe(exact);
    expect(first.rows.slice(1).map((r) => r.id)).toEqual([...made].reverse().slice(0, SEARCH_PAGE_SIZE - 1));
    const last = await searchOrders(env.db, [city], text('Гусейнов'), 99);
    expect(last.page).toBe(2);
    const all = [first, await searchOrders(env.db, [city], text('Гусейнов'), 1), last].flatMap((p) =>
      p.rows.map((r) => r.id),
    );
    expect(new Set(all)).toEqual(new Set([...made, exact]));
    expect(first.rows[0]).toMatchObject({
      city_name: 'Казань',
      street: 'Кремлёвская',
      client_name: 'Гусейнов',
    });
  });

  it('finds by client phone (the last 10 digits), in scope', async () => {
    const o = await createOrder(env.db, { cityId: moscow, clientPhone: '+79161230099' });
    const phone = parseOrderSearch('8 916 123-00-99') as Extract<OrderSearchQuery, { kind: 'phone' }>;
    expect((await searchOrders(env.db, [moscow], phone, 0)).rows.map((r) => r.id)).toEqual([o.id]);
    expect((await searchOrders(env.db, [spb], phone, 0)).rows).toEqual([]);
  });

  it('the text search can use the trigram indexes (no scan of every order)', async () => {
    const plan = await env.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const { rows } = await sql<{ 'QUERY PLAN': string }>`EXPLAIN ${textMatches('смирнова')}`.execute(trx);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('ix_orders__search_trgm');
    expect(plan).toContain('ix_masters__name_trgm');
    expect(plan).not.toMatch(/Seq Scan on orders/);
  });
});
