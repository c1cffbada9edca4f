/**
 * A fixed-offset zone in which the local time is now `hour`:xx. Tests pick a city's clock this
 * way where the code under test reads the real clock (order creation's working hours): with
 * `hour` 12, a city open "00:00–23:59" is open whatever the wall clock says, even in the last
 * minute of a day.
 */
export function zoneAtLocalHour(hour: number, now = new Date()): string {
  let off = (((hour - now.getUTCHours()) % 24) + 24) % 24;
  if (off > 14) off -= 24;
  if (off === 0) return 'Etc/GMT';
  return off > 0 ? `Etc/GMT-${off}` : `Etc/GMT+${-off}`;
}
