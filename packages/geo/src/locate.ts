import type { Database } from '@fs/db';
import type { GeoPoint, GeoPrecision, GeoSource } from '@fs/domain';
import { type Kysely, sql } from 'kysely';
import type { GeocodeAnswer, Geocoder } from './geocoder';

type LogFn = (obj: object, msg?: string) => void;
export interface GeoLogger {
  info: LogFn;
  warn: LogFn;
}

export interface LocateDeps {
  db: Kysely<Database>;
  /** Null when no provider is configured: every order gets its street or district centre. */
  geocoder: Geocoder | null;
  logger: GeoLogger;
}

export interface AddressInput {
  cityId: number;
  districtId: number | null;
  streetId: number | null;
  /** The street as staff typed or picked it. */
  street: string | null;
  house: string | null;
}

/** An order's point and how it was found (the `orders.lat/lon/geo_*` columns). */
export interface OrderLocation {
  point: GeoPoint | null;
  precision: GeoPrecision;
  source: GeoSource | null;
  /** The address the geocoder matched, when it did. */
  address: string | null;
}

export const UNKNOWN_LOCATION: OrderLocation = {
  point: null,
  precision: 'unknown',
  source: null,
  address: null,
};

/** How long answers are kept: a found address rarely moves; a miss may be a typo fixed tomorrow. */
export const GEOCODE_CACHE_TTL = { foundDays: 30, notFoundDays: 1 } as const;

/** The cache key: the same address typed with other case, spacing, commas or ё is the same key. */
export function cacheKey(city: string, street: string, house: string | null): string {
  const norm = (s: string | null) =>
    (s ?? '')
      .toLowerCase()
      .replace(/ё/g, 'е')
      .replace(/[\s,]+/g, ' ')
      .trim();
  return `${norm(city)}|${norm(street)}|${norm(house)}`.slice(0, 600);
}

type CachedAnswer = Extract<GeocodeAnswer, { status: 'found' | 'not_found' }>;

async function readCache(
  db: Kysely<Database>,
  provider: string,
  query: string,
): Promise<CachedAnswer | null> {
  const row = await db
    .selectFrom('geocode_cache')
    .select(['found', 'lat', 'lon', 'precision', 'provider_precision', 'address'])
    .where('provider', '=', provider)
    .where('query', '=', query)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  if (!row) return null;
  if (!row.found || row.lat === null || row.lon === null) return { status: 'not_found' };
  return {
    status: 'found',
    point: { lat: row.lat, lon: row.lon },
    precision: row.precision as 'house' | 'near' | 'street',
    providerPrecision: row.provider_precision ?? '',
    address: row.address ?? '',
  };
}

async function writeCache(db: Kysely<Database>, provider: string, query: string, answer: CachedAnswer) {
  const found = answer.status === 'found';
  const days = found ? GEOCODE_CACHE_TTL.foundDays : GEOCODE_CACHE_TTL.notFoundDays;
  const values = {
    found,
    lat: found ? answer.point.lat : null,
    lon: found ? answer.point.lon : null,
    precision: found ? answer.precision : null,
    provider_precision: found ? answer.providerPrecision : null,
    address: found ? answer.address : null,
    created_at: sql<Date>`now()`,
    expires_at: sql<Date>`now() + make_interval(days => ${days}::int)`,
  };
  await db
    .insertInto('geocode_cache')
    .values({ provider, query, ...values })
    .onConflict((oc) => oc.columns(['provider', 'query']).doUpdateSet(values))
    .execute();
}

/**
 * The geocoder's answer for an address, through the cache. Errors (timeout, 5xx, bad key,
 * malformed answer) are logged and never cached: the next order with that address asks again.
 */
async function geocodeCached(
  deps: LocateDeps & { geocoder: Geocoder },
  city: { name: string; centre: GeoPoint | null },
  street: string,
  house: string | null,
): Promise<CachedAnswer | null> {
  const { geocoder } = deps;
  const key = cacheKey(city.name, street, house);
  const cached = await readCache(deps.db, geocoder.provider, key);
  if (cached) return cached;
  const answer = await geocoder.geocode({ city: city.name, street, house, cityCentre: city.centre });
  if (answer.status === 'error') {
    deps.logger.warn(
      { provider: geocoder.provider, error: answer.error },
      'geocoder failed; the order gets its street or district centre',
    );
    return null;
  }
  await writeCache(deps.db, geocoder.provider, key, answer);
  return answer;
}

/**
 * Where an address is, best source first: the geocoder (cached), the street's centre, the
 * district's centre, else unknown. Never throws because of the geocoder; without one configured
 * the centroids are all there is.
 */
export async function locateAddress(deps: LocateDeps, input: AddressInput): Promise<OrderLocation> {
  const row = await deps.db
    .selectFrom('cities as c')
    .leftJoin('streets as s', (j) => j.on('s.id', '=', input.streetId).onRef('s.city_id', '=', 'c.id'))
    .leftJoin('districts as d', (j) => j.on('d.id', '=', input.districtId).onRef('d.city_id', '=', 'c.id'))
    .select([
      'c.name as city_name',
      'c.centroid_lat as city_lat',
      'c.centroid_lon as city_lon',
      's.name as street_name',
      's.centroid_lat as street_lat',
      's.centroid_lon as street_lon',
      'd.centroid_lat as district_lat',
      'd.centroid_lon as district_lon',
    ])
    .where('c.id', '=', input.cityId)
    .executeTakeFirst();
  if (!row) return UNKNOWN_LOCATION;

  const street = (input.street ?? row.street_name ?? '').trim();
  if (deps.geocoder && street) {
    const centre =
      row.city_lat !== null && row.city_lon !== null ? { lat: row.city_lat, lon: row.city_lon } : null;
    const answer = await geocodeCached(
      { ...deps, geocoder: deps.geocoder },
      { name: row.city_name, centre },
      street,
      input.house?.trim() || null,
    );
    if (answer?.status === 'found') {
      return {
        point: answer.point,
        precision: answer.precision,
        source: 'geocoder',
        address: answer.address,
      };
    }
  }
  return (
    centroid(row.street_lat, row.street_lon, 'street') ??
    centroid(row.district_lat, row.district_lon, 'district') ??
    UNKNOWN_LOCATION
  );
}

/** The street's or district's centre as the order's point; null when the directory has none. */
function centroid(lat: number | null, lon: number | null, of: 'street' | 'district'): OrderLocation | null {
  if (lat === null || lon === null) return null;
  return { point: { lat, lon }, precision: of, source: `${of}_centroid`, address: null };
}

/** The `orders` columns for a location (insert or update). */
export function locationColumns(loc: OrderLocation) {
  return {
    lat: loc.point?.lat ?? null,
    lon: loc.point?.lon ?? null,
    geo_precision: loc.precision,
    geo_source: loc.source,
    geo_address: loc.address,
    geo_updated_at: sql<Date>`now()`,
  };
}
