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
  // Largest cap in [1, longest) whose text fits; 1 ("…") when none does.
  let lo = 1;
  let hi = longest - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (at(mid).length <= limit) lo = mid;
    else hi = mid - 1;
  }
  return at(lo);
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
