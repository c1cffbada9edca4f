/**
 * What staff type in the masters/finance wizards (a reason, an order limit, a message to a
 * master), checked once here; the bots word the refusals.
 */

export const STAFF_REASON_MIN = 3;
export const STAFF_REASON_MAX = 500;
export const STAFF_MESSAGE_MAX = 1000;
/** A per-master limit of active orders (0 = no orders at all), as the setting allows. */
export const MASTER_LIMIT_MIN = 0;
export const MASTER_LIMIT_MAX = 50;

export type TextInput = { ok: true; text: string } | { ok: false; error: 'too_short' | 'too_long' };

function boundedText(input: string, min: number, max: number): TextInput {
  const text = input.trim().replace(/\s+\n/g, '\n');
  if (Array.from(text).length < min) return { ok: false, error: 'too_short' };
  if (Array.from(text).length > max) return { ok: false, error: 'too_long' };
  return { ok: true, text };
}

/** A reason for a rejection, a block or an unblock: 3–500 characters. */
export function parseStaffReason(input: string): TextInput {
  return boundedText(input, STAFF_REASON_MIN, STAFF_REASON_MAX);
}

/** A message from staff to a master: 1–1000 characters. */
export function parseStaffMessage(input: string): TextInput {
  return boundedText(input, 1, STAFF_MESSAGE_MAX);
}

export type LimitInput = { ok: true; limit: number | null } | { ok: false };

/** An order limit: a whole number 0–50, or "-" to fall back to the default setting. */
export function parseMasterLimit(input: string): LimitInput {
  const raw = input.trim();
  if (raw === '-') return { ok: true, limit: null };
  if (!/^\d{1,3}$/.test(raw)) return { ok: false };
  const n = Number(raw);
  return n >= MASTER_LIMIT_MIN && n <= MASTER_LIMIT_MAX ? { ok: true, limit: n } : { ok: false };
}
