import type { Db } from '@fs/db';
import { createCity, createMaster, createOrder, getCity, type StaffFixture } from '@fs/testkit';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { encode } from '../src/callbacks';
import { trendPeriod } from '../src/reports';
import { periodOfDays } from '../src/reports/period';
import { loadKpiCounts, loadKpiWeeks } from '../src/reports/queries';
import { texts } from '../src/texts';
import { type AdminHarness, adminDriver, startAdminHarness } from './harness';

let h: AdminHarness;
let d: ReturnType<typeof adminDriver>;
const T = texts.ops.reports;

beforeAll(async () => {
  h = await startAdminHarness();
  d = adminDriver(h);
});
afterAll(() => h?.close());

const at = (iso: string) => new Date(iso);

/** The documents the bot sent to a staff member since `since` (sendDocument calls). */
function documentsSince(s: StaffFixture, since: number) {
  return h.fake
    .callsOf('sendDocument', h.token)
    .filter((c) => c.params.chat_id === Number(s.tg_user_id))
    .slice(since)
    .map((c) => ({
      filename: c.params.document.filename as string,
      bytes: c.params.document.bytes as Buffer,
      caption: c.params.caption as string,
    }));
}
const docCount = (s: StaffFixture) =>
  h.fake.callsOf('sendDocument', h.token).filter((c) => c.params.chat_id === Number(s.tg_user_id)).length;

function parseCsv(bytes: Buffer): string[][] {
  expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
  return parse(bytes, { bom: true, delimiter: ';' }) as string[][];
}

async function parseXlsx(bytes: Buffer): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const rows: unknown[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const values = (row.values as unknown[]).slice(1);
    rows.push(Array.from({ length: ws.columnCount }, (_, i) => values[i] ?? null));
  });
  return rows;
}

async function createCommission(db: Db, orderId: number, masterId: number, kopecks: number, createdAt: Date) {
  return db
    .insertInto('commissions')
    .values({
      order_id: orderId,
      master_id: masterId,
      amount_kopecks: kopecks,
      rate: '0.5000',
      deadline_at: new Date(createdAt.getTime() + 3 * 3600_000),
      created_at: createdAt,
      updated_at: createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

async function openReports(s: StaffFixture) {
  await d.menu(s);
  await d.tapLast(s, texts.menu.reports);
}

/** Walks a staff member with one city from the menu to the typed range of a report. */
async function exportForRange(s: StaffFixture, kindLabel: string, range: string) {
  await openReports(s);
  await d.tapLast(s, kindLabel);
  await d.tapLast(s, T.periods.custom);
  expect(d.lastBotMessage(s).text).toContain('Введите период в формате ДД.ММ.ГГГГ–ДД.ММ.ГГГГ');
  const before = docCount(s);
  const done = await d.send(s, range);
  return { docs: documentsSince(s, before), done };
}

describe('reports: exports', () => {
  let moscowOrders: number[];
  let spbOrder: number;

  beforeAll(async () => {
    const m = h.moscow.city.id;
    // 00:00 on 1 Oct and 23:59 on 31 Oct in Moscow are in October; 00:00 on 1 Nov is not.
    const first = await createOrder(h.tdb.db, {
      cityId: m,
      createdAt: at('2026-09-30T21:00:00Z'),
      clientName: 'Анна Первая',
      street: 'Тверская',
      house: '7',
      apartment: '12',
    });
    const master = await createMaster(h.tdb.db, {
      cityId: m,
      fullName: 'Пётр Мастеров',
      phone: '+79990001122',
    });
    const closed = await createOrder(h.tdb.db, {
      cityId: m,
      status: 'closed',
      assignedMasterId: master.id,
      createdAt: at('2026-10-31T20:59:00Z'),
      overrides: { total_amount_kopecks: 450_050 },
    });
    // The client's review of the closed order and the master's rating (issue 17).
    await h.tdb.db
      .insertInto('reviews')
      .values({ order_id: closed.id, master_id: master.id, city_id: m, stars: 4, amount_confirmed: false })
      .execute();
    await h.tdb.db.updateTable('masters').set({ rating: 4.62 }).where('id', '=', master.id).execute();
    await createOrder(h.tdb.db, { cityId: m, createdAt: at('2026-10-31T21:00:00Z') });
    await createOrder(h.tdb.db, { cityId: m, createdAt: at('2026-09-30T20:59:00Z') });
    spbOrder = (await createOrder(h.tdb.db, { cityId: h.spb.city.id, createdAt: at('2026-10-15T12:00:00Z') }))
      .id;
    moscowOrders = [first.id, closed.id];
  });

  it('a Moscow city admin gets CSV and XLSX of Moscow orders in the period (never SPb), times in city time', async () => {
    const admin = await h.staff('city_admin', [h.moscow.city.id]);
    const { docs, done } = await exportForRange(admin, T.kinds.orders, '01.10.2026–31.10.2026');
    expect(docs.map((x) => x.filename)).toEqual([
      'orders_2026-10-01_2026-10-31.csv',
      'orders_2026-10-01_2026-10-31.xlsx',
    ]);
    expect(docs.map((x) => x.caption)).toEqual([
      'Заказы 01.10.2026 – 31.10.2026 — CSV',
      'Заказы 01.10.2026 – 31.10.2026 — XLSX',
    ]);
    expect(done.text).toBe(
      `✅ Отчёт готов\n\nЗаказы, Москва, 01.10.2026 – 31.10.2026\nСтрок: 2. Файлы CSV и XLSX отправлены.`,
    );

    const csv = parseCsv(docs[0]!.bytes);
    expect(csv[0]).toEqual(T.columns.orders);
    expect(csv.slice(1).map((r) => Number(r[0]))).toEqual(moscowOrders);
    expect(csv.slice(1).map((r) => r[0])).not.toContain(String(spbOrder));
    const [first, closed] = csv.slice(1);
    expect(first!.slice(1, 10)).toEqual([
      '01.10.2026 00:00',
      'Москва',
      '',
      'Тверская',
      '7',
      '12',
      '⚡ Электрика',
      'Поиск мастера',
      'Обычный',
    ]);
    expect(first![13]).toBe('Анна Первая');
    expect(closed!.slice(1, 2)).toEqual(['31.10.2026 23:59']);
    expect(closed![8]).toBe('Закрыта');
    expect(closed!.slice(16, 19)).toEqual(['Пётр Мастеров', '+79990001122', '4500,50']);
    // Ratings: the master's rating, the client's stars and amount answer; empty without them.
    expect(closed!.slice(22)).toEqual(['4,62', '4', 'нет']);
    expect(first!.slice(22)).toEqual(['', '', '']);

    const xlsx = await parseXlsx(docs[1]!.bytes);
    expect(xlsx[0]).toEqual(T.columns.orders);
    expect(xlsx.slice(1).map((r) => r[0])).toEqual(moscowOrders);
    expect(xlsx[2]![18]).toBe(4500.5);
    expect(xlsx[2]!.slice(22)).toEqual([4.62, 4, 'нет']);
    expect(xlsx[1]![1]).toBe('01.10.2026 00:00');
  });

  it('a global admin exports every city, each row in its own city zone', async () => {
    const nsk = await getCity(h.tdb.db, 'Новосибирск');
    const nskOrder = await createOrder(h.tdb.db, {
      cityId: nsk.city.id,
      createdAt: at('2026-10-10T20:30:00Z'),
    });
    const admin = await h.staff('global_admin');
    await openReports(admin);
    await d.tapLast(admin, T.kinds.orders);
    expect(d.buttons(admin, d.lastBotMessage(admin).message_id)[0]).toBe(T.allCities);
    await d.tapLast(admin, T.allCities);
    await d.tapLast(admin, T.periods.custom);
    const before = docCount(admin);
    await d.send(admin, '01.10.2026 - 31.10.2026');
    const csv = parseCsv(documentsSince(admin, before)[0]!.bytes);
    const ids = csv.slice(1).map((r) => Number(r[0]));
    expect(ids).toEqual(expect.arrayContaining([...moscowOrders, spbOrder, nskOrder.id]));
    expect(csv.find((r) => Number(r[0]) === nskOrder.id)![1]).toBe('11.10.2026 03:30');
  });

  it('commissions and referral rewards: only the staff member’s cities, money in rubles with kopecks', async () => {
    const m = h.moscow.city.id;
    const master = await createMaster(h.tdb.db, { cityId: m, fullName: 'Иван Комиссаров' });
    const inviter = await createMaster(h.tdb.db, { cityId: m, fullName: 'Олег Пригласивший' });
    const spbMaster = await createMaster(h.tdb.db, { cityId: h.spb.city.id });
    const o1 = await createOrder(h.tdb.db, { cityId: m, status: 'payment', assignedMasterId: master.id });
    const o2 = await createOrder(h.tdb.db, {
      cityId: h.spb.city.id,
      status: 'payment',
      assignedMasterId: spbMaster.id,
    });
    const when = at('2026-10-05T09:00:00Z');
    const c1 = await createCommission(h.tdb.db, o1.id, master.id, 150_050, when);
    const c2 = await createCommission(h.tdb.db, o2.id, spbMaster.id, 99_900, when);
    const reward = await h.tdb.db
      .insertInto('referral_rewards')
      .values([
        {
          referrer_id: inviter.id,
          referred_master_id: master.id,
          commission_id: c1.id,
          level: 1,
          rate: '0.1000',
          amount_kopecks: 15_005,
          created_at: when,
        },
        {
          referrer_id: inviter.id,
          referred_master_id: spbMaster.id,
          commission_id: c2.id,
          level: 1,
          rate: '0.1000',
          amount_kopecks: 9_990,
          created_at: when,
        },
      ])
      .returning('id')
      .execute();

    const admin = await h.staff('city_admin', [m]);
    const comm = await exportForRange(admin, T.kinds.comm, '05.10.2026–05.10.2026');
    const csv = parseCsv(comm.docs[0]!.bytes);
    expect(csv[0]).toEqual(T.columns.comm);
    expect(csv.slice(1)).toHaveLength(1);
    expect(csv[1]!.slice(0, 10)).toEqual([
      String(c1.id),
      String(o1.id),
      'Москва',
      String(master.id),
      'Иван Комиссаров',
      master.phone,
      '1500,50',
      '50',
      'Ожидает оплаты',
      '05.10.2026 12:00',
    ]);
    const xlsx = await parseXlsx(comm.docs[1]!.bytes);
    expect(xlsx.slice(1).map((r) => [r[0], r[6], r[7]])).toEqual([[c1.id, 1500.5, 50]]);

    const refs = await exportForRange(admin, T.kinds.refs, '01.10.2026–31.10.2026');
    const rcsv = parseCsv(refs.docs[0]!.bytes);
    expect(rcsv[0]).toEqual(T.columns.refs);
    expect(rcsv.slice(1).map((r) => [r[0], r[3], r[5], r[10], r[11]])).toEqual([
      [String(reward[0]!.id), 'Олег Пригласивший', 'Иван Комиссаров', '150,05', 'Начислено'],
    ]);
    const rx = await parseXlsx(refs.docs[1]!.bytes);
    expect(rx.slice(1).map((r) => [r[0], r[10]])).toEqual([[reward[0]!.id, 150.05]]);
  });

  it('a preset period (last 7 days) includes an order created an hour ago', async () => {
    const fresh = await createOrder(h.tdb.db, {
      cityId: h.moscow.city.id,
      createdAt: new Date(Date.now() - 3600_000),
    });
    const admin = await h.staff('city_admin', [h.moscow.city.id]);
    await openReports(admin);
    await d.tapLast(admin, T.kinds.orders);
    const before = docCount(admin);
    await d.tapLast(admin, T.periods.last7);
    const csv = parseCsv(documentsSince(admin, before)[0]!.bytes);
    expect(csv.slice(1).map((r) => Number(r[0]))).toContain(fresh.id);
  });

  it('refuses a forged city and bad ranges; nothing is sent', async () => {
    const admin = await h.staff('city_admin', [h.moscow.city.id]);
    const menu = await d.menu(admin);
    const before = docCount(admin);
    for (const data of [
      encode('reportPeriod', { kind: 'orders', cityId: h.spb.city.id, period: 'month' }),
      encode('reportCity', { kind: 'comm', cityId: h.spb.city.id }),
    ]) {
      const answer = await d.tap(admin, menu.message_id, { data, unchecked: true });
      expect(answer).toMatchObject({ text: texts.notInScope, show_alert: true });
    }
    const logist = await h.staff('logist', [h.moscow.city.id]);
    const lm = await d.menu(logist);
    const refused = await d.tap(logist, lm.message_id, {
      data: encode('reportPeriod', { kind: 'orders', cityId: 0, period: 'today' }),
      unchecked: true,
    });
    expect(refused).toMatchObject({ text: texts.noRight });

    await d.tapLast(admin, texts.menu.reports);
    await d.tapLast(admin, T.kinds.orders);
    await d.tapLast(admin, T.periods.custom);
    expect((await d.send(admin, 'вчера')).text).toBe(T.rangeErrors.format);
    expect((await d.send(admin, '31.02.2026–01.03.2026')).text).toBe(T.rangeErrors.format);
    expect((await d.send(admin, '10.10.2026–01.10.2026')).text).toBe(T.rangeErrors.order);
    expect((await d.send(admin, '01.01.2025–01.06.2026')).text).toBe(T.rangeErrors.too_long);
    expect((await d.sendPhoto(admin)).text).toBe(T.rangeNotText);
    expect(docCount(admin)).toBe(before);
    await d.send(admin, '/cancel');
    expect((await d.send(admin, '01.10.2026–02.10.2026')).text).toBe(texts.useButtons);
    expect(docCount(admin)).toBe(before);
  });
});

describe('reports: distribution KPIs', () => {
  it('computes exact figures on a constructed dataset and sends text and a PNG chart', async () => {
    const { city } = await createCity(h.tdb.db, { name: 'Кпиград', timezone: 'Asia/Yekaterinburg' });
    const masters = await Promise.all(
      Array.from({ length: 4 }, () => createMaster(h.tdb.db, { cityId: city.id })),
    );
    const base = at('2026-10-10T06:00:00Z');
    const plus = (s: number) => new Date(base.getTime() + s * 1000);
    const orders = await Promise.all(
      Array.from({ length: 6 }, () => createOrder(h.tdb.db, { cityId: city.id, createdAt: base })),
    );
    // Ten offers in the period: 6 accepted 30..150 s after their push was delivered (the last one
    // delivered 120 s late and accepted at 180 s: 60 s; median of 30,60,60,90,120,150 = 75 s),
    // 2 declined, 1 expired, 1 canceled; and 2 withdrawn (never delivered), which are not offers here.
    const offer = (
      orderId: number,
      masterId: number,
      state: string,
      respondAfter: number | null,
      sentAt = base,
      deliveredAfter = 0,
    ) =>
      h.tdb.db
        .insertInto('offers')
        .values({
          order_id: orderId,
          master_id: masterId,
          round_number: 1,
          state: state as never,
          sent_at: sentAt,
          expires_at: new Date(sentAt.getTime() + 120_000),
          delivered_at: state === 'withdrawn' ? null : new Date(sentAt.getTime() + deliveredAfter * 1000),
          responded_at: respondAfter === null ? null : new Date(sentAt.getTime() + respondAfter * 1000),
        })
        .execute();
    for (const [i, s] of [30, 60, 90, 120, 150, 180].entries())
      await offer(orders[i]!.id, masters[0]!.id, 'accepted', s, base, s === 180 ? 120 : 0);
    await offer(orders[4]!.id, masters[3]!.id, 'withdrawn', null);
    await offer(orders[5]!.id, masters[3]!.id, 'withdrawn', null);
    await offer(orders[0]!.id, masters[1]!.id, 'declined', 10);
    await offer(orders[1]!.id, masters[1]!.id, 'declined', 20);
    await offer(orders[2]!.id, masters[2]!.id, 'expired', null);
    await offer(orders[3]!.id, masters[3]!.id, 'canceled', null);
    // Outside the period (previous day in Yekaterinburg): not counted.
    await offer(orders[4]!.id, masters[2]!.id, 'declined', 5, at('2026-10-09T18:59:00Z'));
    const metric = (orderId: number, round: number, via: 'auto' | 'manual') =>
      h.tdb.db
        .insertInto('distribution_metrics')
        .values({
          order_id: orderId,
          master_id: masters[0]!.id,
          city_id: city.id,
          category: 'electrics',
          order_type: 'normal',
          round_number: round,
          masters_offered: 1,
          seconds_from_creation: 60,
          via,
          assigned_at: plus(600),
        })
        .execute();
    await metric(orders[0]!.id, 1, 'auto');
    await metric(orders[1]!.id, 1, 'auto');
    await metric(orders[2]!.id, 1, 'auto');
    await metric(orders[3]!.id, 1, 'auto');
    await metric(orders[4]!.id, 2, 'auto');
    await metric(orders[5]!.id, 0, 'manual');
    await h.tdb.db
      .updateTable('orders')
      .set({ escalation_logist_notified_at: plus(300) })
      .where('id', 'in', [orders[4]!.id, orders[5]!.id])
      .execute();
    await h.tdb.db
      .updateTable('orders')
      .set({ escalation_admin_notified_at: plus(900) })
      .where('id', '=', orders[5]!.id)
      .execute();

    const period = periodOfDays('2026-10-10', '2026-10-10', 'Asia/Yekaterinburg');
    const [total, ...cities] = await loadKpiCounts(h.tdb.db, { all: false, cityIds: [city.id] }, period);
    // Per order: 6 orders got offers in the period (order 4's earlier decline is outside it), a
    // master accepted all 6; 2 had a decline, 1 an expired offer.
    const expected = {
      orders: 6,
      offers: 10,
      accepted: 6,
      declined: 2,
      expired: 1,
      medianAcceptSeconds: 75,
      assignments: 6,
      round1: 4,
      escalatedLogist: 2,
      escalatedAdmin: 1,
    };
    expect(total).toEqual({ cityId: null, city: null, ...expected });
    expect(cities).toEqual([{ cityId: city.id, city: 'Кпиград', ...expected }]);
    // Another city's scope sees none of it.
    const [other] = await loadKpiCounts(h.tdb.db, { all: false, cityIds: [h.spb.city.id] }, period);
    expect(other).toMatchObject({ orders: 0, offers: 0, assignments: 0, escalatedLogist: 0 });

    const admin = await h.staff('city_admin', [city.id]);
    await openReports(admin);
    await d.tapLast(admin, T.kinds.kpi);
    await d.tapLast(admin, T.periods.custom);
    const photosBefore = h.fake.callsOf('sendPhoto', h.token).length;
    const since = d.sentCount(admin);
    await d.send(admin, '10.10.2026–10.10.2026');
    const sent = d.sentSince(admin, since);
    const report = sent.find((m) => m.text?.startsWith('📈 KPI распределения'))!;
    expect(report.text).toContain('Кпиград, 10.10.2026');
    expect(report.text).toContain('⏱ Медиана времени принятия: 1 мин 15 сек (цель ≤ 1 мин ❌)');
    expect(report.text).toContain('📦 Заказов с предложениями: 6 (предложений: 10)');
    expect(report.text).toContain('✅ Принято мастером: 100,0 % заказов (цель ≥ 80 % ✅)');
    expect(report.text).toContain('⌛ С истёкшим предложением: 16,7 % (цель < 10 % ❌)');
    expect(report.text).toContain('✖️ С отказом: 33,3 %');
    expect(report.text).toContain('🎯 Назначений: 6, в 1-м раунде: 66,7 %');
    expect(report.text).toContain('⚠️ Эскалации: логисту 2, администратору 1');
    const photos = h.fake.callsOf('sendPhoto', h.token).slice(photosBefore);
    expect(photos).toHaveLength(1);
    const png = photos[0]!.params.photo.bytes as Buffer;
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(
      true,
    );
    expect(png.length).toBeGreaterThan(5000);
    expect(photos[0]!.params.caption).toBe('KPI распределения — Кпиград, 10.10.2026');
  });
});

describe('reports: KPIs for logists and the weekly trend', () => {
  const lastButtons = (s: StaffFixture) => d.buttons(s, d.lastBotMessage(s).message_id);

  it('a logist gets only 📈 KPI, of their own city; exports and another city are refused', async () => {
    const { city } = await createCity(h.tdb.db, { name: 'Логистбург' });
    const logist = await h.staff('logist', [city.id]);
    await openReports(logist);
    expect(lastButtons(logist)).toEqual([T.kinds.kpi, texts.buttons.menu]);
    const menu = d.lastBotMessage(logist);
    for (const data of [
      encode('reportKind', { kind: 'orders' }),
      encode('reportPeriod', { kind: 'comm', cityId: city.id, period: 'today' }),
      encode('reportPeriod', { kind: 'kpi', cityId: h.spb.city.id, period: 'today' }),
    ]) {
      const answer = await d.tap(logist, menu.message_id, { data, unchecked: true });
      expect(answer.show_alert).toBe(true);
    }
    const photosBefore = h.fake.callsOf('sendPhoto', h.token).length;
    await d.tapLast(logist, T.kinds.kpi);
    await d.tapLast(logist, T.periods.today);
    const photos = h.fake.callsOf('sendPhoto', h.token).slice(photosBefore);
    expect(photos).toHaveLength(1);
    expect(photos[0]!.params.caption).toContain('Логистбург');
  });

  it('counts each offered order once per week, weeks without offers as zeros', async () => {
    const { city } = await createCity(h.tdb.db, { name: 'Неделеград', timezone: 'Europe/Moscow' });
    const m1 = await createMaster(h.tdb.db, { cityId: city.id });
    const m2 = await createMaster(h.tdb.db, { cityId: city.id });
    const put = async (sentAt: Date, states: string[]) => {
      const o = await createOrder(h.tdb.db, { cityId: city.id, createdAt: sentAt });
      for (const [i, state] of states.entries())
        await h.tdb.db
          .insertInto('offers')
          .values({
            order_id: o.id,
            master_id: i === 0 ? m1.id : m2.id,
            round_number: 1,
            state: state as never,
            sent_at: sentAt,
            delivered_at: sentAt,
            expires_at: new Date(sentAt.getTime() + 120_000),
            responded_at: state === 'accepted' ? new Date(sentAt.getTime() + 40_000) : null,
          })
          .execute();
    };
    // Week of Mon 05.10.2026: two orders, one accepted after another master let it expire.
    await put(at('2026-10-05T09:00:00Z'), ['expired', 'accepted']);
    await put(at('2026-10-07T09:00:00Z'), ['declined']);
    // Week of 12.10: nothing. Week of 19.10: one accepted order.
    await put(at('2026-10-25T20:00:00Z'), ['accepted']); // Sunday 23:00 in Moscow
    const weeks = await loadKpiWeeks(
      h.tdb.db,
      { all: false, cityIds: [city.id] },
      periodOfDays('2026-10-05', '2026-10-25', 'Europe/Moscow'),
    );
    expect(weeks).toEqual([
      { week: '2026-10-05', orders: 2, accepted: 1, expired: 1, medianAcceptSeconds: 40 },
      { week: '2026-10-12', orders: 0, accepted: 0, expired: 0, medianAcceptSeconds: null },
      { week: '2026-10-19', orders: 1, accepted: 1, expired: 0, medianAcceptSeconds: 40 },
    ]);
    // The chart's trend covers at least 8 weeks up to the period's end.
    const p = trendPeriod(periodOfDays('2026-10-25', '2026-10-25', 'Europe/Moscow'));
    expect(p.firstDay).toBe('2026-08-31');
    expect(p.lastDay).toBe('2026-10-25');
  });
});
