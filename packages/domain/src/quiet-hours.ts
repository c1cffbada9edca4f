import { formatInTimeZone } from 'date-fns-tz';
import { SETTINGS } from './settings';
import { atLocalTime, localDateOf, type WorkingWindow } from './working-hours';

/**
 * Quiet hours for client SMS: no SMS at night in the city's own zone (an ASAP order is the
 * exception: the master may be at the door soon). The window usually crosses midnight
 * (21:00–09:00); a window with start < end (e.g. 13:00–14:00) is quiet within the same day.
 */

const TIME_RE = /^(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/;

function minutesOf(time: string): number | null {
  const m = TIME_RE.exec(time.trim());
  if (!m) return null;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return v < 24 * 60 ? v : null;
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** The city's quiet window: its own when set and valid, else the settings', else the defaults. */
export function citySmsQuietWindow(
  city: { sms_quiet_start: string | null; sms_quiet_end: string | null },
  settings: { client_sms_quiet_start: string; client_sms_quiet_end: string },
): WorkingWindow {
  for (const [start, end] of [
    [city.sms_quiet_start, city.sms_quiet_end],
    [settings.client_sms_quiet_start, settings.client_sms_quiet_end],
  ] as const) {
    const s = start ? minutesOf(start) : null;
    const e = end ? minutesOf(end) : null;
    if (s !== null && e !== null && s !== e) return { start: hhmm(s), end: hhmm(e) };
  }
  return { start: SETTINGS.client_sms_quiet_start.default, end: SETTINGS.client_sms_quiet_end.default };
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

/**
 * When an SMS due at `now` may go out: null when `now` is outside the quiet window (send now),
 * else the instant the window ends in the city's zone (DST-safe: through zone conversion).
 */
export function smsQuietUntil(now: Date, tz: string, quiet: WorkingWindow): Date | null {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === null || end === null || start === end) return null;
  const local = minutesOf(formatInTimeZone(now, tz, 'HH:mm'))!;
  const today = localDateOf(now, tz);
  if (start < end) {
    return local >= start && local < end ? atLocalTime(today, quiet.end, tz) : null;
  }
  // Crosses midnight: quiet from `start` to 24:00 and from 00:00 to `end`.
  if (local >= start) return atLocalTime(addDays(today, 1), quiet.end, tz);
  if (local < end) return atLocalTime(today, quiet.end, tz);
  return null;
}
