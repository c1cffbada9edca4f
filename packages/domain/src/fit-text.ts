import { escapeHtml, truncate } from './format';

/**
 * Telegram refuses a message text over 4,096 characters (a caption over 1,024) with 400
 * "message is too long". Texts that carry what people typed (cards, pushes, digests, lists)
 * are rendered through fitText so that they always fit: the long values are cut with "…",
 * never the labels, lines or tags around them.
 */
export const TELEGRAM_TEXT_LIMIT = 4096;
export const TELEGRAM_CAPTION_LIMIT = 1024;

/** HTML-escapes one user value, cut to the length fitText currently allows. */
export type Field = (value: string | number | null | undefined) => string;

/**
 * Renders `render` so that the result is at most `limit` characters: first with every value
 * whole; if that is too long, with each value that `field` wrapped cut to the largest common
 * length that fits (found by bisection, so short values are untouched). The length counted is
 * that of the HTML source, which is never less than what Telegram counts after parsing.
 */
export function fitText(render: (field: Field) => string, limit = TELEGRAM_TEXT_LIMIT): string {
  let longest = 0;
  const whole = render((value) => {
    const text = String(value ?? '');
    longest = Math.max(longest, Array.from(text).length);
    return escapeHtml(text);
  });
  if (whole.length <= limit) return whole;
  const at = (cap: number) => render((value) => escapeHtml(truncate(String(value ?? ''), cap)));
  return at(largestCap(1, longest - 1, (cap) => at(cap).length <= limit));
}

/**
 * The same rule for a template that escapes its values itself (the notification templates):
 * the payload with its long strings cut with "…" so that `render(payload)` is at most `limit`
 * characters. Strings of `keep` characters or fewer (dates, phones, codes, names of states) are
 * never cut; the payload itself comes back when it already fits.
 */
export function fitPayload<P>(
  payload: P,
  render: (payload: P) => string,
  limit = TELEGRAM_TEXT_LIMIT,
  keep = 40,
): P {
  if (render(payload).length <= limit) return payload;
  let longest = 0;
  cutStrings(payload, (s) => {
    longest = Math.max(longest, Array.from(s).length);
    return s;
  });
  if (longest <= keep) return payload;
  const at = (cap: number) => cutStrings(payload, (s) => truncate(s, cap));
  return at(largestCap(keep, longest - 1, (cap) => render(at(cap)).length <= limit));
}

/** A copy of `value` with every string passed through `cut` (arrays and plain objects deep). */
function cutStrings<T>(value: T, cut: (s: string) => string): T {
  if (typeof value === 'string') return cut(value) as T;
  if (Array.isArray(value)) return value.map((v) => cutStrings(v, cut)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cutStrings(v, cut)])) as T;
  }
  return value;
}

/** The largest cap in [lo, hi] for which `fits` holds (it is monotonic); lo when none does. */
function largestCap(lo: number, hi: number, fits: (cap: number) => boolean): number {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The last `max` items of a list that can grow without bound (history, offers, digest rows),
 * and how many were left out, for a "… и ещё N" line.
 */
export function lastItems<T>(items: readonly T[], max: number): { shown: readonly T[]; omitted: number } {
  return items.length <= max
    ? { shown: items, omitted: 0 }
    : { shown: items.slice(items.length - max), omitted: items.length - max };
}

/** The first `max` items of a list, and how many were left out. */
export function firstItems<T>(items: readonly T[], max: number): { shown: readonly T[]; omitted: number } {
  return items.length <= max
    ? { shown: items, omitted: 0 }
    : { shown: items.slice(0, max), omitted: items.length - max };
}
