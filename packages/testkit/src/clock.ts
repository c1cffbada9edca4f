/**
 * A fixed-offset zone in which the local time is now `hour`:xx. Tests pick a city's clock this
 * way where the code under test reads the real clock: which visit slots and "как можно скорее"
 * staff are offered, and whether a city with daytime hours is open. (For "always open", give
 * the city round-the-clock hours, 00:00–00:00, instead.)
 */
export function zoneAtLocalHour(hour: number, now = new Date()): string {
  let off = (((hour - now.getUTCHours()) % 24) + 24) % 24;
  if (off > 14) off -= 24;
  if (off === 0) return 'Etc/GMT';
  return off > 0 ? `Etc/GMT-${off}` : `Etc/GMT+${-off}`;
}
