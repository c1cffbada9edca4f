import type { GeoPoint } from '@fs/domain';

/** An address to find: the city name, the street as staff typed it, and the house. */
export interface GeocodeQuery {
  city: string;
  street: string;
  house: string | null;
  /** The city's centre, when known: the search is biased to it and far answers are refused. */
  cityCentre: GeoPoint | null;
}

/** What a geocoder found. Only `found` and `not_found` are cached; `error` never is. */
export type GeocodeAnswer =
  | {
      status: 'found';
      point: GeoPoint;
      /** house (the building), near (a neighbour / interpolated number) or street. */
      precision: 'house' | 'near' | 'street';
      /** The provider's own precision word, kept for staff and logs. */
      providerPrecision: string;
      /** The address as the provider understood it. */
      address: string;
    }
  | { status: 'not_found' }
  | { status: 'error'; error: string };

/** A geocoding provider behind one HTTP API (see yandex.ts). */
export interface Geocoder {
  /** Provider name, part of the cache key (answers of different providers are not mixed). */
  readonly provider: string;
  geocode(query: GeocodeQuery): Promise<GeocodeAnswer>;
}
