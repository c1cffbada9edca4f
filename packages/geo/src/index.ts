export type { GeocodeAnswer, GeocodeQuery, Geocoder } from './geocoder';
export {
  type AddressInput,
  cacheKey,
  GEOCODE_CACHE_TTL,
  type GeoLogger,
  type LocateDeps,
  locateAddress,
  locationColumns,
  type OrderLocation,
  UNKNOWN_LOCATION,
} from './locate';
export { createYandexGeocoder, geocodeText, type YandexGeocoderOptions } from './yandex';

import type { Geocoder } from './geocoder';
import { createYandexGeocoder } from './yandex';

/** The geocoder the environment asks for (`GEOCODER_PROVIDER`), or null for "centroids only". */
export function createGeocoder(env: {
  GEOCODER_PROVIDER: 'none' | 'yandex';
  GEOCODER_URL: string;
  GEOCODER_API_KEY?: string | undefined;
  GEOCODER_TIMEOUT_MS: number;
}): Geocoder | null {
  if (env.GEOCODER_PROVIDER === 'none' || !env.GEOCODER_API_KEY) return null;
  return createYandexGeocoder({
    url: env.GEOCODER_URL,
    apiKey: env.GEOCODER_API_KEY,
    timeoutMs: env.GEOCODER_TIMEOUT_MS,
  });
}
