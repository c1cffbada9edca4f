/**
 * The order total a master types when closing an order: "3500", "3 500", "3500,50",
 * "3500.5", "3 500 ₽". Returns kopecks or why the input was refused (the bot words it).
 */

/** Upper bound for one order's total, ₽. */
export const MAX_ORDER_TOTAL_RUB = 1_000_000;

export type AmountInputError = 'format' | 'not_positive' | 'too_big';
export type AmountInput = { ok: true; kopecks: number } | { ok: false; error: AmountInputError };

const SPACES = /[\s\u00a0\u202f]/;
/** Digits with optional thousands groups separated by a space, then an optional 1–2 digit fraction. */
const AMOUNT = /^(\d+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+)(?:[.,](\d{1,2}))?$/;
const CURRENCY_SUFFIX = /\s*(?:₽|р\.?|руб\.?|рублей|рубля|рубль)$/i;

export function parseAmountInput(input: string): AmountInput {
  const raw = input.trim().replace(CURRENCY_SUFFIX, '');
  if (raw.length === 0 || raw.length > 20) return { ok: false, error: 'format' };
  const m = AMOUNT.exec(raw);
  if (!m) return { ok: false, error: 'format' };
  const whole = m[1]!.split(SPACES).join('');
  const frac = (m[2] ?? '').padEnd(2, '0');
  if (whole.replace(/^0+/, '').length > String(MAX_ORDER_TOTAL_RUB).length)
    return { ok: false, error: 'too_big' };
  const kopecks = Number(whole) * 100 + Number(frac);
  if (kopecks <= 0) return { ok: false, error: 'not_positive' };
  if (kopecks > MAX_ORDER_TOTAL_RUB * 100) return { ok: false, error: 'too_big' };
  return { ok: true, kopecks };
}
