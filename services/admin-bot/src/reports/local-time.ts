/**
 * Wall-clock parts of an instant in an IANA zone (Intl, no extra dependency), for report
 * cells and log lines.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(tz, f);
  }
  return f;
}

export interface LocalParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

export function localParts(instant: Date, tz: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(instant)) parts[p.type] = p.value;
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** "25.11.2026 14:05" */
export function formatDateTime(instant: Date, tz: string): string {
  const p = localParts(instant, tz);
  return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute}`;
}

/** "25.11 14:05:09" */
export function formatLogTime(instant: Date, tz: string): string {
  const p = localParts(instant, tz);
  return `${p.day}.${p.month} ${p.hour}:${p.minute}:${p.second}`;
}
