import { createYandexGeocoder } from '@fs/geo';
import { jobIds } from '@fs/queue';
import { FakeYandexGeocoder } from '@fs/testkit';
import { createCity, type DispatchTestEnv, setupDispatchEnv } from '../../test/fixtures';
import { createOrder } from './order-create';

let env: DispatchTestEnv;
beforeAll(async () => {
  env = await setupDispatchEnv();
});
afterAll(() => env.close());

/** 12:00 UTC is 15:00 in Moscow (open) and 22:00 in Vladivostok (closed, default hours 10–20). */
const NOON_UTC = new Date('2026-11-24T12:00:00Z');

async function history(orderId: number) {
  return env.db
    .selectFrom('order_status_history')
    .select(['from_status', 'to_status', 'actor_type', 'reason'])
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
}

describe('createOrder', () => {
  it('creates a searching order with its history and wakes distribution at once', async () => {
    const { cityId } = await createCity(env.db, { timezone: 'Europe/Moscow' });
    const res = await createOrder(
      { ...env.deps, clock: () => NOON_UTC },
      { cityId, category: 'plumbing', description: 'Течёт кран' },
    );
    expect(res).toEqual({ orderId: expect.any(Number), status: 'searching', deferredUntil: null });
    expect(await history(res.orderId)).toEqual([
      { from_status: null, to_status: 'created', actor_type: 'system', reason: 'order_created' },
      { from_status: 'created', to_status: 'searching', actor_type: 'system', reason: 'order_confirmed' },
    ]);
    const jobs = await env.queues.distribution.getJobs(['waiting', 'prioritized']);
    expect(jobs.map((j) => j.data)).toContainEqual({ orderId: res.orderId, reason: 'order_created' });
    expect(await env.queues.distribution.getDeduplicationJobId(jobIds.orderDedup(res.orderId))).toBeTruthy();
  });

  it("defers an order created outside the city's working hours until the next morning there", async () => {
    const { cityId } = await createCity(env.db, { timezone: 'Asia/Vladivostok' });
    const res = await createOrder({ ...env.deps, clock: () => NOON_UTC }, { cityId, category: 'electrics' });
    expect(res.status).toBe('deferred');
    // Next 10:00 in Vladivostok (UTC+10) is 00:00 UTC on the 25th.
    expect(res.deferredUntil?.toISOString()).toBe('2026-11-25T00:00:00.000Z');
    const row = await env.db
      .selectFrom('orders')
      .select(['status', 'deferred_until'])
      .where('id', '=', res.orderId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'deferred', deferred_until: res.deferredUntil });
    const jobs = await env.queues.distribution.getJobs(['waiting']);
    expect(jobs.map((j) => j.data.orderId)).not.toContain(res.orderId);
  });

  it('defers an out-of-hours order with a later time slot until that day opens', async () => {
    const { cityId } = await createCity(env.db, { timezone: 'Asia/Vladivostok' });
    const start = new Date('2026-11-27T03:00:00Z'); // 13:00 on the 27th in Vladivostok
    const res = await createOrder(
      { ...env.deps, clock: () => NOON_UTC },
      { cityId, category: 'electrics', timeslot: { start, end: new Date('2026-11-27T06:00:00Z') } },
    );
    expect(res.deferredUntil?.toISOString()).toBe('2026-11-27T00:00:00.000Z');
  });

  it('creates a warranty order as a guarantee order with the company payment', async () => {
    const { cityId } = await createCity(env.db, { timezone: 'Europe/Moscow' });
    const res = await createOrder(
      { ...env.deps, clock: () => NOON_UTC },
      { cityId, category: 'windows', type: 'guarantee' },
    );
    expect(res.status).toBe('guarantee');
    const row = await env.db
      .selectFrom('orders')
      .select(['type', 'company_payment_kopecks'])
      .where('id', '=', res.orderId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ type: 'guarantee', company_payment_kopecks: 250_000 });
  });

  it('rejects an unknown city without writing anything', async () => {
    await expect(createOrder(env.deps, { cityId: 999_999, category: 'electrics' })).rejects.toThrow(
      /city 999999 not found/,
    );
  });
});

describe('createOrder: where the order is', () => {
  let fake: FakeYandexGeocoder;
  let url: string;
  beforeAll(async () => {
    fake = new FakeYandexGeocoder();
    url = await fake.start();
  });
  afterAll(() => fake.stop());

  async function located(orderId: number) {
    return env.db
      .selectFrom('orders')
      .select(['lat', 'lon', 'geo_precision', 'geo_source', 'geo_address'])
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow();
  }

  it('without a geocoder the order gets its district centre, and unknown without one', async () => {
    const { cityId, districtIds } = await createCity(env.db, { districts: ['Центр', 'Окраина'] });
    await env.db
      .updateTable('districts')
      .set({ centroid_lat: 55.7, centroid_lon: 37.6 })
      .where('id', '=', districtIds[0]!)
      .execute();
    const deps = { ...env.deps, clock: () => NOON_UTC };
    const a = await createOrder(deps, {
      cityId,
      districtId: districtIds[0]!,
      street: 'Тверская',
      house: '1',
      category: 'electrics',
    });
    expect(await located(a.orderId)).toEqual({
      lat: 55.7,
      lon: 37.6,
      geo_precision: 'district',
      geo_source: 'district_centroid',
      geo_address: null,
    });
    const b = await createOrder(deps, { cityId, districtId: districtIds[1]!, category: 'electrics' });
    expect(await located(b.orderId)).toMatchObject({
      lat: null,
      lon: null,
      geo_precision: 'unknown',
      geo_source: null,
    });
  });

  it('with a geocoder the house point, found before the order is written', async () => {
    const { cityId, districtIds } = await createCity(env.db, { districts: ['Центр'] });
    const city = await env.db
      .selectFrom('cities')
      .select('name')
      .where('id', '=', cityId)
      .executeTakeFirstOrThrow();
    fake.add(`${city.name}, Тверская, 7`, {
      lat: 55.7577,
      lon: 37.6134,
      precision: 'exact',
      text: 'Тверская улица, 7',
    });
    const geocoder = createYandexGeocoder({ url, apiKey: fake.apiKey, timeoutMs: 2000 });
    const res = await createOrder(
      { ...env.deps, geocoder, clock: () => NOON_UTC },
      { cityId, districtId: districtIds[0]!, street: 'Тверская', house: '7', category: 'plumbing' },
    );
    expect(await located(res.orderId)).toEqual({
      lat: 55.7577,
      lon: 37.6134,
      geo_precision: 'house',
      geo_source: 'geocoder',
      geo_address: 'Тверская улица, 7',
    });
  });
});
