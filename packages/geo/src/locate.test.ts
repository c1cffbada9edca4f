import { createCity, createTestDatabase, FakeYandexGeocoder, type TestDatabase } from '@fs/testkit';
import { sql } from 'kysely';
import type { Geocoder } from './geocoder';
import { type AddressInput, cacheKey, type LocateDeps, locateAddress } from './locate';
import { createYandexGeocoder } from './yandex';

/**
 * The geocoder adapter against a fake Yandex Geocoder speaking the real HTTP API, the database
 * cache, and the fallback chain geocoder → street centre → district centre → unknown.
 */

let tdb: TestDatabase;
let fake: FakeYandexGeocoder;
let url: string;
const warnings: object[] = [];
const logger = { info: () => {}, warn: (o: object) => warnings.push(o) };

const CENTRE = { lat: 55.75, lon: 37.617 };
let cityId: number;
let districtId: number;
let bareDistrictId: number;
let streetId: number;

beforeAll(async () => {
  tdb = await createTestDatabase();
  fake = new FakeYandexGeocoder('key-1');
  url = await fake.start();
  const c = await createCity(tdb.db, { name: 'Геоград', districts: ['Центральный', 'Без центра'] });
  cityId = c.city.id;
  districtId = c.district('Центральный').id;
  bareDistrictId = c.district('Без центра').id;
  await tdb.db
    .updateTable('cities')
    .set({ centroid_lat: CENTRE.lat, centroid_lon: CENTRE.lon })
    .where('id', '=', cityId)
    .execute();
  await tdb.db
    .updateTable('districts')
    .set({ centroid_lat: 55.76, centroid_lon: 37.6 })
    .where('id', '=', districtId)
    .execute();
  const street = await tdb.db
    .insertInto('streets')
    .values({
      city_id: cityId,
      district_id: districtId,
      name: 'Садовая улица',
      centroid_lat: 55.77,
      centroid_lon: 37.63,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  streetId = street.id;
});

afterAll(async () => {
  await fake.stop();
  await tdb.drop();
});

beforeEach(async () => {
  fake.requests.length = 0;
  warnings.length = 0;
  await tdb.db.deleteFrom('geocode_cache').execute();
});

function deps(
  geocoder: Geocoder | null = createYandexGeocoder({ url, apiKey: 'key-1', timeoutMs: 2000 }),
): LocateDeps {
  return { db: tdb.db, geocoder, logger };
}

const address = (over: Partial<AddressInput> = {}): AddressInput => ({
  cityId,
  districtId,
  streetId: null,
  street: 'Тверская улица',
  house: '7',
  ...over,
});

describe('geocoder hit', () => {
  it('takes the building point from the provider, asking it the Yandex way', async () => {
    fake.add('Геоград, Тверская улица, 7', {
      lat: 55.7577,
      lon: 37.6134,
      precision: 'exact',
      text: 'Россия, Геоград, Тверская улица, 7',
    });
    const loc = await locateAddress(deps(), address());
    expect(loc).toEqual({
      point: { lat: 55.7577, lon: 37.6134 },
      precision: 'house',
      source: 'geocoder',
      address: 'Россия, Геоград, Тверская улица, 7',
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      geocode: 'Геоград, Тверская улица, 7',
      apikey: 'key-1',
      lang: 'ru_RU',
      format: 'json',
      ll: `${CENTRE.lon},${CENTRE.lat}`,
    });
  });

  it('maps Yandex precisions: near/range → near, street → street', async () => {
    fake.add('Геоград, Тверская улица, 9', { lat: 55.758, lon: 37.613, precision: 'range' });
    fake.add('Геоград, Тверская улица', { lat: 55.759, lon: 37.612, precision: 'street' });
    expect((await locateAddress(deps(), address({ house: '9' }))).precision).toBe('near');
    expect(await locateAddress(deps(), address({ house: null }))).toMatchObject({
      precision: 'street',
      source: 'geocoder',
    });
  });
});

describe('cache', () => {
  it('answers the same address (any case, spacing, commas, ё) from the database for 30 days', async () => {
    fake.add('Геоград, Тверская улица, 7', { lat: 55.7577, lon: 37.6134, precision: 'exact' });
    const first = await locateAddress(deps(), address());
    const again = await locateAddress(deps(), address({ street: '  тверская   УЛИЦА ', house: '7 ' }));
    expect(again).toEqual(first);
    expect(fake.requests).toHaveLength(1);
    const row = await tdb.db
      .selectFrom('geocode_cache')
      .select([
        'query',
        'found',
        sql<number>`round(extract(epoch FROM expires_at - now()) / 86400)::int`.as('days'),
      ])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ query: cacheKey('Геоград', 'Тверская улица', '7'), found: true, days: 30 });
  });

  it('remembers a miss for a day, then asks again once it expired', async () => {
    await locateAddress(deps(), address({ street: 'Несуществующая улица' }));
    await locateAddress(deps(), address({ street: 'Несуществующая улица' }));
    expect(fake.requests).toHaveLength(1);
    const row = await tdb.db
      .selectFrom('geocode_cache')
      .select(['found', sql<number>`round(extract(epoch FROM expires_at - now()) / 3600)::int`.as('hours')])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ found: false, hours: 24 });

    await tdb.db
      .updateTable('geocode_cache')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .execute();
    await locateAddress(deps(), address({ street: 'Несуществующая улица' }));
    expect(fake.requests).toHaveLength(2);
  });
});

describe('fallback chain', () => {
  it('miss → the street centre when the order names a known street', async () => {
    const loc = await locateAddress(deps(), address({ streetId, street: 'Садовая улица', house: '999' }));
    expect(loc).toEqual({
      point: { lat: 55.77, lon: 37.63 },
      precision: 'street',
      source: 'street_centroid',
      address: null,
    });
    expect(fake.requests).toHaveLength(1);
  });

  it('5xx → the district centre, not cached: the next order asks again', async () => {
    fake.add('Геоград, Тверская улица, 7', { lat: 55.7577, lon: 37.6134, precision: 'exact' });
    fake.failNext(503);
    const loc = await locateAddress(deps(), address());
    expect(loc).toEqual({
      point: { lat: 55.76, lon: 37.6 },
      precision: 'district',
      source: 'district_centroid',
      address: null,
    });
    expect(warnings).toEqual([
      expect.objectContaining({ provider: 'yandex', error: expect.stringContaining('HTTP 503') }),
    ]);
    expect(await tdb.db.selectFrom('geocode_cache').selectAll().execute()).toEqual([]);

    expect((await locateAddress(deps(), address())).precision).toBe('house');
    expect(fake.requests).toHaveLength(2);
  });

  it('timeout → the district centre once the request took its limit, not cached', async () => {
    fake.hangNext();
    const started = Date.now();
    const loc = await locateAddress(
      deps(createYandexGeocoder({ url, apiKey: 'key-1', timeoutMs: 300 })),
      address(),
    );
    expect(loc.precision).toBe('district');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(warnings).toEqual([expect.objectContaining({ error: 'timeout after 300 ms' })]);
    expect(await tdb.db.selectFrom('geocode_cache').selectAll().execute()).toEqual([]);
  });

  it('a refused key (403) is an error: centroid, logged, not cached', async () => {
    const loc = await locateAddress(
      deps(createYandexGeocoder({ url, apiKey: 'wrong', timeoutMs: 2000 })),
      address(),
    );
    expect(loc.precision).toBe('district');
    expect(warnings).toEqual([
      expect.objectContaining({ error: expect.stringContaining('Invalid api key') }),
    ]);
    expect(await tdb.db.selectFrom('geocode_cache').selectAll().execute()).toEqual([]);
  });

  it('an answer only as good as the city (precision other) or from another city is a miss', async () => {
    fake.add('Геоград, Тверская улица, 7', { lat: 55.75, lon: 37.62, precision: 'other', kind: 'locality' });
    fake.add('Геоград, Ленина улица, 1', { lat: 59.93, lon: 30.31, precision: 'exact' }); // ~630 km away
    expect((await locateAddress(deps(), address())).source).toBe('district_centroid');
    expect((await locateAddress(deps(), address({ street: 'Ленина улица', house: '1' }))).source).toBe(
      'district_centroid',
    );
  });

  it('without a geocoder: centroids only, no request', async () => {
    expect((await locateAddress(deps(null), address())).source).toBe('district_centroid');
    expect(fake.requests).toHaveLength(0);
  });

  it('no geocoder answer and no centroid → unknown', async () => {
    const loc = await locateAddress(
      deps(),
      address({ districtId: bareDistrictId, street: 'Несуществующая' }),
    );
    expect(loc).toEqual({ point: null, precision: 'unknown', source: null, address: null });
    expect((await locateAddress(deps(null), address({ districtId: null }))).precision).toBe('unknown');
  });
});
