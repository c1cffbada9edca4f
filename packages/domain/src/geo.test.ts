import {
  addressMapUrl,
  describeGeoPrecision,
  distanceBandMetres,
  distanceFromYou,
  estimateEta,
  formatDistanceKm,
  formatEta,
  isValidPoint,
  LIVE_PERIOD_FOREVER,
  liveLocationUntil,
  yandexPointUrl,
  yandexRouteUrl,
  yandexSearchUrl,
} from './geo';

describe('formatDistanceKm', () => {
  it('shows one decimal with a comma under 10 km and whole km above', () => {
    expect(formatDistanceKm(3240)).toBe('3,2\u00a0км');
    expect(formatDistanceKm(350)).toBe('0,4\u00a0км');
    expect(formatDistanceKm(9960)).toBe('10\u00a0км');
    expect(formatDistanceKm(12_400)).toBe('12\u00a0км');
    expect(formatDistanceKm(-5)).toBe('0,0\u00a0км');
  });
  it('makes the push line', () => expect(distanceFromYou(3200)).toBe('≈ 3,2\u00a0км от вас'));
});

describe('describeGeoPrecision', () => {
  it('names the precision and its source', () => {
    expect(describeGeoPrecision('house', 'geocoder')).toBe('дом (геокодер)');
    expect(describeGeoPrecision('district', 'district_centroid')).toBe('центр района (справочник районов)');
    expect(describeGeoPrecision('pin', 'staff_pin')).toBe('точка, указанная сотрудником (геометка в чате)');
    expect(describeGeoPrecision('unknown', null)).toBe('неизвестна');
  });
});

describe('estimateEta', () => {
  it('grows with distance and is faster by car', () => {
    const near = estimateEta(2000, true);
    const far = estimateEta(15_000, true);
    expect(far.minMinutes).toBeGreaterThan(near.minMinutes);
    expect(estimateEta(10_000, false).maxMinutes).toBeGreaterThan(estimateEta(10_000, true).maxMinutes);
  });
  it('is a range of whole 5-minute steps, at least 5 minutes wide', () => {
    for (const d of [0, 500, 3200, 8000, 25_000, 60_000]) {
      const eta = estimateEta(d, true);
      expect(eta.minMinutes % 5).toBe(0);
      expect(eta.maxMinutes % 5).toBe(0);
      expect(eta.maxMinutes - eta.minMinutes).toBeGreaterThanOrEqual(5);
    }
  });
  it('matches the documented model: 10 km straight by car ≈ 14 km road at 25 km/h + 5 min', () => {
    // central = 14 / 25 * 60 + 5 = 38.6 min → 0.7× = 27 → 25; 1.5× = 58 → 60
    expect(estimateEta(10_000, true)).toEqual({ minMinutes: 25, maxMinutes: 60 });
  });
  it('formats minutes and hours', () => {
    expect(formatEta({ minMinutes: 15, maxMinutes: 30 })).toBe('≈ 15–30 минут');
    expect(formatEta({ minMinutes: 45, maxMinutes: 90 })).toBe('≈ 45 минут – 1 ч 30 мин');
    expect(formatEta({ minMinutes: 60, maxMinutes: 120 })).toBe('≈ 1 ч – 2 ч');
  });
});

describe('map links and points', () => {
  it('routes from the phone’s own position to the order (no start point in the link)', () => {
    expect(yandexRouteUrl({ lat: 55.75, lon: 37.617 })).toBe(
      'https://yandex.ru/maps/?rtext=~55.750000%2C37.617000&rtt=auto',
    );
  });
  it('an address without coordinates links to a Yandex Maps search; with them, to the point', () => {
    const address = 'Москва, ул. Тверская, д. 7 & кв. 12';
    expect(yandexSearchUrl(address)).toBe(
      'https://yandex.ru/maps/?text=%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0%2C%20%D1%83%D0%BB.%20%D0%A2%D0%B2%D0%B5%D1%80%D1%81%D0%BA%D0%B0%D1%8F%2C%20%D0%B4.%207%20%26%20%D0%BA%D0%B2.%2012',
    );
    expect(new URL(addressMapUrl(address)).searchParams.get('text')).toBe(address);
    expect(addressMapUrl(address, null)).toBe(yandexSearchUrl(address));
    expect(addressMapUrl(address, { lat: 55.75, lon: 37.617 })).toBe(
      yandexPointUrl({ lat: 55.75, lon: 37.617 }),
    );
  });
  it('validates coordinates', () => {
    expect(isValidPoint(55.7, 37.6)).toBe(true);
    expect(isValidPoint(91, 37.6)).toBe(false);
    expect(isValidPoint(55, Number.NaN)).toBe(false);
    expect(isValidPoint('55', 37)).toBe(false);
  });
});

describe('live location period', () => {
  it('ends live period seconds after the message, or never for "until stopped"', () => {
    const sent = new Date('2026-12-05T10:00:00Z');
    expect(liveLocationUntil(sent, 900)).toEqual(new Date('2026-12-05T10:15:00Z'));
    expect(liveLocationUntil(sent, LIVE_PERIOD_FOREVER)).toBeNull();
  });
});

describe('distanceBandMetres', () => {
  it('turns the weight into band widths; 0 means distance only breaks ties', () => {
    expect(distanceBandMetres(0)).toBeNull();
    expect(distanceBandMetres(10)).toBe(1000);
    expect(distanceBandMetres(5)).toBe(2000);
    expect(distanceBandMetres(1)).toBe(10_000);
  });
});
