/**
 * Places: how precise an order's point is, how distances and arrival estimates are shown, and
 * the map link. Pure functions; distances themselves are computed in PostgreSQL (earthdistance)
 * next to the data, and reach this module as metres.
 */
import type { GeoPrecision, GeoSource } from './enums';
import { pluralRu } from './format';

export interface GeoPoint {
  lat: number;
  lon: number;
}

export const GEO_PRECISION_LABELS: Record<GeoPrecision, string> = {
  pin: 'точка, указанная сотрудником',
  house: 'дом',
  near: 'рядом с домом (±200 м)',
  street: 'центр улицы',
  district: 'центр района',
  unknown: 'неизвестна',
};

const GEO_SOURCE_LABELS: Record<GeoSource, string> = {
  geocoder: 'геокодер',
  street_centroid: 'справочник улиц',
  district_centroid: 'справочник районов',
  staff_pin: 'геометка в чате',
};

/** The order card's line: "дом (геокодер)", "центр района (справочник районов)", "неизвестна". */
export function describeGeoPrecision(precision: GeoPrecision, source: GeoSource | null): string {
  const label = GEO_PRECISION_LABELS[precision] ?? GEO_PRECISION_LABELS.unknown;
  return source && precision !== 'unknown' ? `${label} (${GEO_SOURCE_LABELS[source]})` : label;
}

export function isValidPoint(lat: unknown, lon: unknown): boolean {
  return (
    typeof lat === 'number' &&
    typeof lon === 'number' &&
    Number.isFinite(lat) &&
    Number.isFinite(lon) &&
    Math.abs(lat) <= 90 &&
    Math.abs(lon) <= 180
  );
}

/** Metres → "0,4 км", "3,2 км", "12 км" (one decimal under 10 km, Russian decimal comma). */
export function formatDistanceKm(metres: number): string {
  const tenths = Math.round(Math.max(0, metres) / 100) / 10;
  const text = tenths < 10 ? tenths.toFixed(1).replace('.', ',') : String(Math.round(tenths));
  return `${text}\u00a0км`;
}

/** The push line for a master: "≈ 3,2 км от вас". */
export function distanceFromYou(metres: number): string {
  return `≈ ${formatDistanceKm(metres)} от вас`;
}

/**
 * Arrival estimate from the straight-line distance. Roads are longer than the straight line
 * (a detour factor of 1.4 is typical for Russian cities' street grids, more across a river with
 * few bridges), and the average door-to-door speed is ~25 km/h by car in city traffic and ~15
 * km/h by public transport and on foot; 5 minutes go on getting out and parking. The range
 * spans the usual spread of both: from ×0.7 to ×1.5 of the central figure, rounded to 5 minutes.
 * It can still be wrong by more in jams, at night (faster) or across a river (slower).
 */
export const ETA_MODEL = {
  detourFactor: 1.4,
  carKmh: 25,
  transitKmh: 15,
  overheadMinutes: 5,
  lowFactor: 0.7,
  highFactor: 1.5,
} as const;

export interface EtaEstimate {
  minMinutes: number;
  maxMinutes: number;
}

export function estimateEta(straightMetres: number, hasVehicle: boolean): EtaEstimate {
  const m = ETA_MODEL;
  const roadKm = (Math.max(0, straightMetres) / 1000) * m.detourFactor;
  const central = (roadKm / (hasVehicle ? m.carKmh : m.transitKmh)) * 60 + m.overheadMinutes;
  const round5 = (x: number) => Math.max(5, Math.round(x / 5) * 5);
  const minMinutes = round5(central * m.lowFactor);
  return { minMinutes, maxMinutes: Math.max(minMinutes + 5, round5(central * m.highFactor)) };
}

/** "≈ 15–30 минут", "≈ 1 ч 10 мин – 2 ч". */
export function formatEta(eta: EtaEstimate): string {
  const part = (min: number, withUnit: boolean) => {
    if (min < 60) return withUnit ? `${min} ${pluralRu(min, 'минута', 'минуты', 'минут')}` : String(min);
    const h = Math.floor(min / 60);
    const rest = min % 60;
    return rest ? `${h} ч ${rest} мин` : `${h} ч`;
  };
  if (eta.maxMinutes < 60) return `≈ ${eta.minMinutes}–${part(eta.maxMinutes, true)}`;
  return `≈ ${part(eta.minMinutes, true)} – ${part(eta.maxMinutes, true)}`;
}

/**
 * A Yandex Maps route to the point from wherever the phone is (the start is left empty, so the
 * app uses the device's position: no master location goes into the link).
 */
export function yandexRouteUrl(to: GeoPoint): string {
  const c = (x: number) => x.toFixed(6);
  return `https://yandex.ru/maps/?rtext=~${c(to.lat)}%2C${c(to.lon)}&rtt=auto`;
}

/** A Yandex Maps link that shows one point (staff look at an order's point with it). */
export function yandexPointUrl(p: GeoPoint): string {
  const c = (x: number) => x.toFixed(6);
  return `https://yandex.ru/maps/?pt=${c(p.lon)},${c(p.lat)}&z=16&l=map`;
}

/** A Yandex Maps search for an address as people typed it (needs no coordinates). */
export function yandexSearchUrl(address: string): string {
  return `https://yandex.ru/maps/?text=${encodeURIComponent(address)}`;
}

/**
 * The one map link of an address shown to people (the master's order card): the point when it
 * is known, else a search for the address text.
 */
export function addressMapUrl(address: string, point?: GeoPoint | null): string {
  return point ? yandexPointUrl(point) : yandexSearchUrl(address);
}

/**
 * Telegram's live period that means "until the user stops sharing" (Bot API 7.x): such a live
 * location is used until the master stops sharing it or ends the shift.
 */
export const LIVE_PERIOD_FOREVER = 0x7fffffff;

/** When a live location sent at `sentAt` with `livePeriodSeconds` stops counting (null: never by itself). */
export function liveLocationUntil(sentAt: Date, livePeriodSeconds: number): Date | null {
  if (livePeriodSeconds >= LIVE_PERIOD_FOREVER) return null;
  return new Date(sentAt.getTime() + livePeriodSeconds * 1000);
}

/**
 * How the `distance_weight` setting (0–10) enters the ranking: masters are grouped into distance
 * bands of this width, nearer bands first, and within a band the other keys decide (car, average
 * check, rating, load); the exact distance then breaks the remaining ties. Weight 10 → 1 km
 * bands (distance almost always decides), 1 → 10 km bands, 0 → no bands: distance only breaks
 * ties left after every other key.
 */
export function distanceBandMetres(weight: number): number | null {
  if (!Number.isFinite(weight) || weight <= 0) return null;
  return Math.round(10_000 / Math.min(10, weight));
}
