import { atLocalTime, localDateOf } from '@fs/domain';
import { formatDateTime } from './local-time';

/**
 * Report periods: whole local days in one IANA zone, [from, to) in UTC instants. Presets are
 * relative to `now`; a typed range is inclusive of both dates.
 */
export type PeriodPreset = 'today' | 'yesterday' | 'last7' | 'month' | 'prevmonth';

export interface ReportPeriod {
  from: Date;
  /** Exclusive. */
  to: Date;
  /** First and last local day, `yyyy-MM-dd`. */
  firstDay: string;
  lastDay: string;
  tz: string;
}

/** The longest typed range accepted. */
export const MAX_PERIOD_DAYS = 366;

function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + n)).toISOString().slice(0, 10);
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** The period of local days firstDay..lastDay (inclusive) in `tz`. */
export function periodOfDays(firstDay: string, lastDay: string, tz: string): ReportPeriod {
  return {
    from: atLocalTime(firstDay, '00:00', tz),
    to: atLocalTime(addDays(lastDay, 1), '00:00', tz),
    firstDay,
    lastDay,
    tz,
  };
}

export function presetPeriod(preset: PeriodPreset, now: Date, tz: string): ReportPeriod {
  const today = localDateOf(now, tz);
  const monthStart = `${today.slice(0, 8)}01`;
  switch (preset) {
    case 'today':
      return periodOfDays(today, today, tz);
    case 'yesterday': {
      const y = addDays(today, -1);
      return periodOfDays(y, y, tz);
    }
    case 'last7':
      return periodOfDays(addDays(today, -6), today, tz);
    case 'month': {
      const [y, m] = today.split('-').map(Number);
      const last = new Date(Date.UTC(y!, m!, 0)).toISOString().slice(0, 10);
      return periodOfDays(monthStart, last, tz);
    }
    case 'prevmonth': {
      const lastOfPrev = addDays(monthStart, -1);
      return periodOfDays(`${lastOfPrev.slice(0, 8)}01`, lastOfPrev, tz);
    }
  }
}

const DATE = String.raw`(\d{1,2})\.(\d{1,2})\.(\d{4})`;
const RANGE_RE = new RegExp(String.raw`^${DATE}\s*(?:[-–—]|\s)\s*${DATE}$`);

function isoDay(d: string, m: string, y: string): string | null {
  const day = Number(d);
  const month = Number(m);
  const year = Number(y);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  return date.toISOString().slice(0, 10);
}

export type PeriodInputError = 'format' | 'order' | 'too_long';

/** Parses "ДД.ММ.ГГГГ–ДД.ММ.ГГГГ" (hyphen, en/em dash or a space between). */
export function parsePeriodInput(
  input: string,
  tz: string,
): { ok: true; period: ReportPeriod } | { ok: false; error: PeriodInputError } {
  const m = RANGE_RE.exec(input.trim());
  if (!m) return { ok: false, error: 'format' };
  const first = isoDay(m[1]!, m[2]!, m[3]!);
  const last = isoDay(m[4]!, m[5]!, m[6]!);
  if (!first || !last) return { ok: false, error: 'format' };
  if (first > last) return { ok: false, error: 'order' };
  if (daysBetween(first, last) + 1 > MAX_PERIOD_DAYS) return { ok: false, error: 'too_long' };
  return { ok: true, period: periodOfDays(first, last, tz) };
}

/** "01.11.2026 – 30.11.2026" (or one date when the period is a single day). */
export function periodLabel(p: ReportPeriod): string {
  const fmt = (day: string) => `${day.slice(8, 10)}.${day.slice(5, 7)}.${day.slice(0, 4)}`;
  return p.firstDay === p.lastDay ? fmt(p.firstDay) : `${fmt(p.firstDay)} – ${fmt(p.lastDay)}`;
}

/** A local date and time for report cells: "25.11.2026 14:05". */
export function formatReportTime(instant: Date | null, tz: string): string {
  return instant ? formatDateTime(instant, tz) : '';
}
