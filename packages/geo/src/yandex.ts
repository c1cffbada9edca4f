import type { GeoPoint } from '@fs/domain';
import { z } from 'zod';
import type { GeocodeAnswer, GeocodeQuery, Geocoder } from './geocoder';

/**
 * Yandex Geocoder HTTP API (https://geocode-maps.yandex.ru/v1, JSON format): forward geocoding
 * of one address per request, the first (best) answer only.
 *
 * GET {url}?apikey=KEY&geocode=<city, street, house>&lang=ru_RU&format=json&results=1&ll=<lon,lat>&spn=…
 *
 * The answer's `GeocoderMetaData.precision` says how well the house matched: `exact` / `number`
 * (that building), `near` / `range` (a neighbouring or interpolated number), `street` (only the
 * street), `other` (only a district or the city: no better than our own centroids, so a miss).
 * Coordinates come as "lon lat" in `Point.pos`.
 */

export interface YandexGeocoderOptions {
  /** API root, e.g. https://geocode-maps.yandex.ru/v1 (or a fake's address in tests). */
  url: string;
  apiKey: string;
  /** The whole request, connection included, must finish within this. */
  timeoutMs: number;
}

/** Answers farther than this from the city's centre are another place with the same street name. */
const MAX_KM_FROM_CITY = 100;
/** Bias (not a hard limit) of the search area around the city's centre: degrees of lon, lat. */
const CITY_SPAN = '1.2,0.7';

const PRECISION: Record<string, 'house' | 'near' | 'street' | undefined> = {
  exact: 'house',
  number: 'house',
  near: 'near',
  range: 'near',
  street: 'street',
};

const responseSchema = z.object({
  response: z.object({
    GeoObjectCollection: z.object({
      featureMember: z.array(
        z.object({
          GeoObject: z.object({
            Point: z.object({ pos: z.string() }),
            metaDataProperty: z.object({
              GeocoderMetaData: z.object({
                precision: z.string(),
                text: z.string().optional(),
                kind: z.string().optional(),
              }),
            }),
          }),
        }),
      ),
    }),
  }),
});

/** Great-circle distance for the sanity check above (display distances come from PostgreSQL). */
function kmBetween(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function geocodeText(q: Pick<GeocodeQuery, 'city' | 'street' | 'house'>): string {
  return [q.city, q.street, q.house]
    .map((s) => (s ?? '').trim())
    .filter(Boolean)
    .join(', ');
}

export function createYandexGeocoder(opts: YandexGeocoderOptions): Geocoder {
  return {
    provider: 'yandex',
    async geocode(query: GeocodeQuery): Promise<GeocodeAnswer> {
      const params = new URLSearchParams({
        apikey: opts.apiKey,
        geocode: geocodeText(query),
        lang: 'ru_RU',
        format: 'json',
        results: '1',
      });
      if (query.cityCentre) {
        params.set('ll', `${query.cityCentre.lon},${query.cityCentre.lat}`);
        params.set('spn', CITY_SPAN);
      }
      let res: Response;
      let body: string;
      try {
        res = await fetch(`${opts.url.replace(/\/+$/, '')}/?${params}`, {
          signal: AbortSignal.timeout(opts.timeoutMs),
          headers: { accept: 'application/json' },
        });
        body = await res.text();
      } catch (err) {
        const e = err as Error;
        const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
        return {
          status: 'error',
          error: timedOut ? `timeout after ${opts.timeoutMs} ms` : `network: ${e.message}`,
        };
      }
      if (!res.ok) return { status: 'error', error: `HTTP ${res.status}: ${body.slice(0, 200)}` };
      let parsed: z.infer<typeof responseSchema>;
      try {
        parsed = responseSchema.parse(JSON.parse(body));
      } catch {
        return { status: 'error', error: `malformed answer: ${body.slice(0, 200)}` };
      }
      const first = parsed.response.GeoObjectCollection.featureMember[0]?.GeoObject;
      if (!first) return { status: 'not_found' };
      const meta = first.metaDataProperty.GeocoderMetaData;
      const precision = PRECISION[meta.precision];
      const [lon, lat] = first.Point.pos.trim().split(/\s+/).map(Number);
      if (!precision) return { status: 'not_found' };
      if (lat === undefined || lon === undefined || !Number.isFinite(lat) || !Number.isFinite(lon)) {
        return { status: 'error', error: `malformed point: ${first.Point.pos}` };
      }
      const point = { lat, lon };
      if (query.cityCentre && kmBetween(point, query.cityCentre) > MAX_KM_FROM_CITY)
        return { status: 'not_found' };
      return {
        status: 'found',
        point,
        precision,
        providerPrecision: meta.precision,
        address: meta.text ?? geocodeText(query),
      };
    },
  };
}
