/**
 * The `order_timeslots` setting: the visit windows staff offer to clients, in the city's local
 * time, written as "10-13,13-16,16-19" (whole hours) or with minutes ("9:30-12:00"). This
 * module has no imports so that the settings registry can use its validator.
 */

/** One visit window of a day, local wall-clock `HH:MM` (start < end, same day). */
export interface SlotBucket {
  start: string;
  end: string;
}

export const DEFAULT_ORDER_TIMESLOTS = '10-13,13-16,16-19';
export const MAX_TIMESLOT_BUCKETS = 8;

const TIME = /^([01]?\d|2[0-3])(?::([0-5]\d))?$/;

function parseTime(raw: string): string | null {
  const m = TIME.exec(raw);
  if (!m) return null;
  return `${m[1]!.padStart(2, '0')}:${m[2] ?? '00'}`;
}

export type ParsedTimeslots = { ok: true; buckets: SlotBucket[] } | { ok: false; error: string };

/**
 * Parses the setting: comma-separated `start-end` windows, ascending and not overlapping,
 * 1 to MAX_TIMESLOT_BUCKETS of them, each inside one day (00:00–23:59). Errors are Russian
 * (shown to staff who edit the setting).
 */
export function parseTimeslotBuckets(spec: string): ParsedTimeslots {
  const format = 'Формат: 10-13,13-16,16-19 (часы или ЧЧ:ММ, через запятую, по возрастанию).';
  const parts = spec
    .split(',')
    .map((p) => p.replace(/\s+/g, ''))
    .filter((p) => p.length > 0);
  if (parts.length === 0) return { ok: false, error: `Укажите хотя бы один интервал. ${format}` };
  if (parts.length > MAX_TIMESLOT_BUCKETS)
    return { ok: false, error: `Не больше ${MAX_TIMESLOT_BUCKETS} интервалов. ${format}` };
  const buckets: SlotBucket[] = [];
  for (const part of parts) {
    const [a, b, extra] = part.split('-');
    const start = a === undefined ? null : parseTime(a);
    const end = b === undefined ? null : parseTime(b);
    if (!start || !end || extra !== undefined)
      return { ok: false, error: `Не понял интервал «${part}». ${format}` };
    if (start >= end) return { ok: false, error: `Интервал «${part}»: начало должно быть раньше конца.` };
    const prev = buckets[buckets.length - 1];
    if (prev && start < prev.end)
      return { ok: false, error: `Интервалы должны идти по возрастанию и не пересекаться («${part}»).` };
    buckets.push({ start, end });
  }
  return { ok: true, buckets };
}

/** The setting's validator for the settings registry: a Russian error, or null when valid. */
export function timeslotsSettingError(spec: string): string | null {
  const parsed = parseTimeslotBuckets(spec);
  return parsed.ok ? null : parsed.error;
}

/** The buckets of a stored setting value; the default when it is malformed. */
export function timeslotBucketsOf(spec: string): SlotBucket[] {
  const parsed = parseTimeslotBuckets(spec);
  if (parsed.ok) return parsed.buckets;
  return (parseTimeslotBuckets(DEFAULT_ORDER_TIMESLOTS) as { ok: true; buckets: SlotBucket[] }).buckets;
}
