import type { SlotBucket } from './timeslots-setting';
import {
  atLocalTime,
  isBeforeLocalTime,
  isFullDay,
  localDateOf,
  type WorkingWindow,
  windowEndOn,
} from './working-hours';

/**
 * Visit time slots offered when staff create an order. Pure functions of `now`, the city's
 * IANA zone, its working window and the `order_timeslots` buckets; every instant is computed
 * through zone conversion (DST-safe), never with fixed offsets.
 */

/** A concrete visit window: a bucket on a local date, with its UTC instants. */
export interface Timeslot {
  /** Local calendar date, `yyyy-MM-dd`. */
  date: string;
  bucket: SlotBucket;
  start: Date;
  end: Date;
}

/**
 * The local date `days` after `date` in `tz`. Noon plus whole days of 24 h always lands on the
 * wanted calendar day, even across a 23- or 25-hour DST day.
 */
export function addLocalDays(date: string, days: number, tz: string): string {
  const noon = atLocalTime(date, '12:00', tz);
  return localDateOf(new Date(noon.getTime() + days * 86_400_000), tz);
}

/** Every bucket of a local date as a concrete slot. */
export function slotsOn(date: string, buckets: readonly SlotBucket[], tz: string): Timeslot[] {
  return buckets.map((bucket) => ({
    date,
    bucket,
    start: atLocalTime(date, bucket.start, tz),
    end: atLocalTime(date, bucket.end, tz),
  }));
}

/** A slot can still be chosen while it is not over (a slot already running is fine). */
export function isSlotOpen(slot: Pick<Timeslot, 'end'>, now: Date): boolean {
  return slot.end.getTime() > now.getTime();
}

/**
 * Whether a visit can still be booked into the slot: it ends more than `leadMinutes` after
 * now (setting `slot_lead_minutes`), so a master has time to get there. A slot already running
 * is fine while enough of it is left; with 0 minutes, while it is not over. The one rule for
 * showing a slot and for accepting it.
 */
export function isSlotBookable(slot: Pick<Timeslot, 'end'>, now: Date, leadMinutes: number): boolean {
  return slot.end.getTime() - now.getTime() > leadMinutes * 60_000;
}

/** Today's slots (city time) that can still be booked. */
export function todaySlots(
  now: Date,
  tz: string,
  buckets: readonly SlotBucket[],
  leadMinutes = 0,
): Timeslot[] {
  return slotsForDate(localDateOf(now, tz), now, tz, buckets, leadMinutes);
}

/** Tomorrow's slots (city time) that can be booked (all of them, unless the lead time reaches past midnight). */
export function tomorrowSlots(
  now: Date,
  tz: string,
  buckets: readonly SlotBucket[],
  leadMinutes = 0,
): Timeslot[] {
  return slotsForDate(addLocalDays(localDateOf(now, tz), 1, tz), now, tz, buckets, leadMinutes);
}

/** The slots of a chosen local date that can still be booked (today's that end too soon are left out). */
export function slotsForDate(
  date: string,
  now: Date,
  tz: string,
  buckets: readonly SlotBucket[],
  leadMinutes = 0,
): Timeslot[] {
  return slotsOn(date, buckets, tz).filter((s) => isSlotBookable(s, now, leadMinutes));
}

/**
 * The local time from which ASAP is too late: the threshold, or the day's end if earlier (a
 * full-day window ends at midnight, after any threshold).
 */
export function asapCutoff(window: WorkingWindow, lateThreshold: string): string {
  if (isFullDay(window.start, window.end)) return lateThreshold;
  // Normalised 'HH:MM' strings sort chronologically.
  return [lateThreshold, window.end].sort()[0]!;
}

export type AsapDecision =
  /** Visit as soon as possible: from now (not before the day's start) to the end of the working day. */
  | { kind: 'asap'; start: Date; end: Date }
  /** Too late today: the visit can only be tomorrow's first slot (staff confirm it). */
  | { kind: 'late'; slot: Timeslot };

/**
 * "Как можно скорее": the window [max(now, today's start), today's end] in city time, unless
 * the local time has reached the late threshold (or the end of the working day, whichever is
 * earlier); then it becomes tomorrow's first slot.
 */
export function asapDecision(params: {
  now: Date;
  tz: string;
  window: WorkingWindow;
  lateThreshold: string;
  buckets: readonly SlotBucket[];
}): AsapDecision {
  const { now, tz, window, lateThreshold, buckets } = params;
  const beforeCutoff = isBeforeLocalTime(now, tz, asapCutoff(window, lateThreshold));
  if (!beforeCutoff) return { kind: 'late', slot: tomorrowSlots(now, tz, buckets)[0]! };
  const today = localDateOf(now, tz);
  const dayStart = atLocalTime(today, window.start, tz);
  return {
    kind: 'asap',
    start: dayStart.getTime() > now.getTime() ? dayStart : now,
    end: windowEndOn(today, window, tz),
  };
}

export type SlotDateResult =
  | { ok: true; date: string }
  | { ok: false; reason: 'format' | 'past' | 'too_far' };

/**
 * A date typed as `ДД.ММ` (or `ДД.ММ.ГГГГ`): the nearest such date from today on in city time
 * (a day and month already past this year mean next year), at most `maxDaysAhead` days ahead.
 */
export function parseSlotDate(input: string, now: Date, tz: string, maxDaysAhead = 60): SlotDateResult {
  const m = /^(\d{1,2})[./](\d{1,2})(?:[./](\d{4}))?$/.exec(input.trim());
  if (!m) return { ok: false, reason: 'format' };
  const day = Number(m[1]);
  const month = Number(m[2]);
  const today = localDateOf(now, tz);
  const thisYear = Number(today.slice(0, 4));
  const iso = (y: number) => `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const isReal = (y: number) => {
    const d = new Date(Date.UTC(y, month - 1, day));
    return d.getUTCFullYear() === y && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
  };
  let date: string;
  if (m[3]) {
    const year = Number(m[3]);
    if (!isReal(year)) return { ok: false, reason: 'format' };
    date = iso(year);
    if (date < today) return { ok: false, reason: 'past' };
  } else {
    // 29.02 is real only in some years: try this year, then the next ones that have it.
    const year = [thisYear, thisYear + 1, thisYear + 2, thisYear + 3, thisYear + 4].find(
      (y) => isReal(y) && iso(y) >= today,
    );
    if (year === undefined) return { ok: false, reason: 'format' };
    date = iso(year);
  }
  if (date > addLocalDays(today, maxDaysAhead, tz)) return { ok: false, reason: 'too_far' };
  return { ok: true, date };
}
