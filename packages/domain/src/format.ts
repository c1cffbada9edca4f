import { formatInTimeZone } from 'date-fns-tz';

/**
 * Formatting helpers for texts shown to people: HTML escaping for Telegram's HTML parse mode,
 * money, time slots in a city's zone, time left. Pure functions; the caller passes `now`.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes user-provided text for Telegram's HTML parse mode (the only escaper to use). */
export function escapeHtml(text: string | number | null | undefined): string {
  return String(text ?? '').replace(/[&<>"]/g, (c) => HTML_ESCAPES[c]!);
}

/** Shortens to at most `max` characters (code points), ending with "…" when cut. Escape after. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars
    .slice(0, Math.max(0, max - 1))
    .join('')
    .trimEnd()}…`;
}

/** Russian plural form: pluralRu(3, 'раунд', 'раунда', 'раундов') → 'раунда'. */
export function pluralRu(n: number, one: string, few: string, many: string): string {
  const abs = Math.abs(n) % 100;
  const last = abs % 10;
  if (abs > 10 && abs < 20) return many;
  if (last === 1) return one;
  if (last >= 2 && last <= 4) return few;
  return many;
}

const NBSP = '\u00a0';

/** Kopecks → "1 500 ₽" or "1 500,50 ₽" (groups and the sign separated by no-break spaces). */
export function formatMoney(kopecks: number | bigint): string {
  const k = BigInt(kopecks);
  const negative = k < 0n;
  const abs = negative ? -k : k;
  const rub = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  const kop = abs % 100n;
  const frac = kop === 0n ? '' : `,${kop.toString().padStart(2, '0')}`;
  return `${negative ? '−' : ''}${rub}${frac}${NBSP}₽`;
}

export interface TimeslotInput {
  start: string | Date | null;
  end: string | Date | null;
  isAsap?: boolean;
}

/**
 * A local calendar date (`yyyy-MM-dd`) for people: "05.12", or "05.01.2027" when it is not in
 * the city's current year (a date typed in December for January says which year it means).
 */
export function formatLocalDate(day: string, now: Date, tz: string): string {
  const dayMonth = `${day.slice(8, 10)}.${day.slice(5, 7)}`;
  return day.slice(0, 4) === formatInTimeZone(now, tz, 'yyyy') ? dayMonth : `${dayMonth}.${day.slice(0, 4)}`;
}

function dayLabel(instant: Date, tz: string, now: Date): string {
  const day = formatInTimeZone(instant, tz, 'yyyy-MM-dd');
  const today = formatInTimeZone(now, tz, 'yyyy-MM-dd');
  if (day === today) return 'сегодня';
  // Calendar arithmetic, not now + 24 h: a DST day is 23 or 25 hours long.
  const [y, m, d] = today.split('-').map(Number);
  const tomorrow = new Date(Date.UTC(y!, m! - 1, d! + 1)).toISOString().slice(0, 10);
  if (day === tomorrow) return 'завтра';
  return formatLocalDate(day, now, tz);
}

/**
 * A visit window in the city's zone: "сегодня 14:00–16:00", "завтра 09:00–11:00",
 * "25.11 14:00–16:00", "как можно скорее", or "не указано".
 */
export function formatTimeslot(slot: TimeslotInput, tz: string, now: Date): string {
  if (slot.isAsap) return 'как можно скорее';
  if (!slot.start) return 'не указано';
  const start = new Date(slot.start);
  const from = `${dayLabel(start, tz, now)} ${formatInTimeZone(start, tz, 'HH:mm')}`;
  if (!slot.end) return from;
  const end = new Date(slot.end);
  const sameDay = formatInTimeZone(start, tz, 'yyyy-MM-dd') === formatInTimeZone(end, tz, 'yyyy-MM-dd');
  if (sameDay) return `${from}–${formatInTimeZone(end, tz, 'HH:mm')}`;
  return `${from} – ${dayLabel(end, tz, now)} ${formatInTimeZone(end, tz, 'HH:mm')}`;
}

/**
 * Time left until `deadline`: "45 сек", "1 мин 30 сек", "2 мин", "2 ч 15 мин", "1 д 3 ч";
 * null when it has passed.
 */
export function formatRemaining(deadline: string | Date, now: Date): string | null {
  const seconds = Math.ceil((new Date(deadline).getTime() - now.getTime()) / 1000);
  if (!Number.isFinite(seconds) || seconds <= 0) return null;
  const join = (a: number, ua: string, b: number, ub: string) =>
    b === 0 ? `${a} ${ua}` : `${a} ${ua} ${b} ${ub}`;
  if (seconds < 60) return `${seconds} сек`;
  if (seconds < 3600) return join(Math.floor(seconds / 60), 'мин', seconds % 60, 'сек');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 24 * 60) return join(Math.floor(minutes / 60), 'ч', minutes % 60, 'мин');
  const hours = Math.floor(minutes / 60);
  return join(Math.floor(hours / 24), 'д', hours % 24, 'ч');
}

/** An instant in the city's zone: "сегодня 18:00", "завтра 09:30", "27.11 18:00". */
export function formatMoment(instant: string | Date, tz: string, now: Date): string {
  const at = new Date(instant);
  return `${dayLabel(at, tz, now)} ${formatInTimeZone(at, tz, 'HH:mm')}`;
}
