import { formatInTimeZone, fromZonedTime } from 'date-fns-tz';
import { SETTINGS } from './settings';

/**
 * Working hours of a city, interpreted in the city's own IANA zone. All arithmetic goes
 * through zone conversion (never fixed offsets), so days with a DST change are handled.
 */

/**
 * A daily window in local wall-clock time, `HH:MM` (start inclusive, end exclusive). Equal
 * start and end mean the whole day (round the clock); `cityWorkingWindow` writes it 00:00–00:00.
 */
export interface WorkingWindow {
  start: string;
  end: string;
}

/** The round-the-clock window. */
export const FULL_DAY_WINDOW: WorkingWindow = { start: '00:00', end: '00:00' };

/** Whether a window (`HH:MM` or Postgres `HH:MM:SS`) is the whole day: start equals end. */
export function isFullDay(start: string, end: string): boolean {
  return parseMinutes(start) === parseMinutes(end);
}

/** Postgres `time` columns read as `HH:MM:SS`; settings are `HH:MM`. */
const TIME_RE = /^(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/;

function parseMinutes(time: string): number {
  const m = TIME_RE.exec(time.trim());
  if (!m) throw new Error(`invalid time of day: ${time}`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (minutes >= 24 * 60) throw new Error(`invalid time of day: ${time}`);
  return minutes;
}

function normalizeTime(time: string): string {
  const minutes = parseMinutes(time);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function isValidWindow(start: string | null | undefined, end: string | null | undefined): boolean {
  if (!start || !end) return false;
  try {
    return parseMinutes(start) <= parseMinutes(end);
  } catch {
    return false;
  }
}

/**
 * The city's window: its own override when set, else the global settings; a malformed global
 * window (e.g. start after end typed by staff) falls back to the defaults rather than closing
 * every city.
 */
export function cityWorkingWindow(
  city: { working_hours_start: string | null; working_hours_end: string | null },
  settings: { working_hours_start: string; working_hours_end: string },
): WorkingWindow {
  const own = isValidWindow(city.working_hours_start, city.working_hours_end);
  if (own || isValidWindow(settings.working_hours_start, settings.working_hours_end)) {
    const start = own ? city.working_hours_start! : settings.working_hours_start;
    const end = own ? city.working_hours_end! : settings.working_hours_end;
    return isFullDay(start, end) ? FULL_DAY_WINDOW : { start: normalizeTime(start), end: normalizeTime(end) };
  }
  return { start: SETTINGS.working_hours_start.default, end: SETTINGS.working_hours_end.default };
}

/** The local calendar date (`yyyy-MM-dd`) of an instant in a zone. */
export function localDateOf(instant: Date, tz: string): string {
  return formatInTimeZone(instant, tz, 'yyyy-MM-dd');
}

/** The instant at which the wall clock in `tz` shows `time` on local date `date`. */
export function atLocalTime(date: string, time: string, tz: string): Date {
  return fromZonedTime(`${date}T${normalizeTime(time)}:00`, tz);
}

function addCalendarDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

function localMinutes(instant: Date, tz: string): number {
  return parseMinutes(formatInTimeZone(instant, tz, 'HH:mm'));
}

/** Whether the local wall clock in `tz` shows a time before `time` (at 00:00: never). */
export function isBeforeLocalTime(now: Date, tz: string, time: string): boolean {
  return localMinutes(now, tz) < parseMinutes(time);
}

/** The instant the window closes on local date `date`: for a full day, the next midnight. */
export function windowEndOn(date: string, window: WorkingWindow, tz: string): Date {
  return isFullDay(window.start, window.end)
    ? atLocalTime(addCalendarDays(date, 1), '00:00', tz)
    : atLocalTime(date, window.end, tz);
}

/** Whether `now` is inside the window; a full-day window (start = end) always is. */
export function isWithinWorkingHours(now: Date, tz: string, start: string, end: string): boolean {
  if (isFullDay(start, end)) return true;
  const m = localMinutes(now, tz);
  return m >= parseMinutes(start) && m < parseMinutes(end);
}

/**
 * The earliest instant at or after `now` that lies inside the city's working window:
 * `now` itself during working hours (always, for a full day), today's start before it,
 * tomorrow's start after the end.
 */
export function nextWorkingStart(now: Date, tz: string, start: string, end: string): Date {
  if (isWithinWorkingHours(now, tz, start, end)) return now;
  const today = localDateOf(now, tz);
  const todayStart = atLocalTime(today, start, tz);
  if (todayStart.getTime() > now.getTime()) return todayStart;
  return atLocalTime(addCalendarDays(today, 1), start, tz);
}

/**
 * When a deferred order wakes (→ searching): at the start of the working window on its time
 * slot's local day (or at the slot's start if the slot begins before the window opens), or,
 * without a slot, at the next working-hours start after it was deferred. A result in the past
 * means "wake now".
 */
export function deferredWakeAt(params: {
  timeslotStart: Date | null;
  deferredAt: Date;
  tz: string;
  window: WorkingWindow;
}): Date {
  const { timeslotStart, deferredAt, tz, window } = params;
  if (timeslotStart) {
    const dayStart = atLocalTime(localDateOf(timeslotStart, tz), window.start, tz);
    return dayStart.getTime() <= timeslotStart.getTime() ? dayStart : timeslotStart;
  }
  return nextWorkingStart(deferredAt, tz, window.start, window.end);
}
