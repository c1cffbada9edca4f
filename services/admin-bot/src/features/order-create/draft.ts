import { type Category, normalizeRuPhone, type OrderType } from '@fs/domain';
import type { CallbackArgs } from '../callbacks';
import { texts } from '../texts';

/**
 * The order being created: what the wizard has collected so far (kept in the Redis session,
 * so it must stay plain JSON), the step order of the full and quick flows, and the rules for
 * typed input.
 */

export const WIZARD_KIND = 'orderCreate';

export type Field = CallbackArgs<'ocEditField'>['field'];

export type Step =
  | 'mode'
  | 'quickPhone'
  | Exclude<Field, 'slot'>
  | 'streetManual'
  | 'slot'
  | 'slotDate'
  | 'slotsOfDate'
  | 'late'
  | 'confirm'
  | 'editMenu';

/** A chosen visit time: ASAP (window computed at creation) or a bucket on a local date. */
export type SlotChoice = { kind: 'asap' } | { kind: 'slot'; date: string; start: string; end: string };

export interface Draft {
  /** Random id of this wizard run: keys its files in Redis and guards double creation. */
  nonce: string;
  mode: 'full' | 'quick';
  /** The quick flow found the client's last order: only category, description and slot are asked. */
  reused?: boolean;
  /** Set after the confirmation card was reached: a step then returns to the card. */
  editing?: boolean;
  cityId?: number;
  cityName?: string;
  /** null: staff chose "🚫 Без района". */
  districtId?: number | null;
  districtName?: string | null;
  /** null: "🚫 Без улицы". */
  street?: string | null;
  streetId?: number | null;
  house?: string;
  apartment?: string | null;
  comment?: string | null;
  clientName?: string;
  clientPhone?: string;
  category?: Category;
  description?: string;
  slot?: SlotChoice;
  type?: OrderType;
  /** The date typed for "📅 Другая дата" (`yyyy-MM-dd`). */
  slotDate?: string;
  /** Search results currently shown as buttons (ids), so a stale list cannot be replayed. */
  streetIds?: number[];
}

const FULL: readonly Step[] = [
  'city',
  'district',
  'street',
  'house',
  'apartment',
  'comment',
  'name',
  'phone',
  'category',
  'description',
  'slot',
  'type',
  'files',
  'confirm',
];
const QUICK_REUSED: readonly Step[] = ['quickPhone', 'category', 'description', 'slot', 'confirm'];

/** Address fields a new city clears: asked again before returning to the card. */
function missingAddress(d: Draft): Step | undefined {
  if (d.cityId === undefined) return 'city';
  if (d.districtId === undefined) return 'district';
  if (d.street === undefined) return 'street';
  return undefined;
}

function sequence(d: Draft): readonly Step[] {
  return d.mode === 'quick' && d.reused ? QUICK_REUSED : FULL;
}

/** The step after `step`: the next one of the flow, or back to the card when editing. */
export function nextStep(d: Draft, step: Step): Step {
  if (d.editing) return missingAddress(d) ?? 'confirm';
  if (step === 'streetManual') return nextStep(d, 'street');
  const seq = sequence(d);
  let i = seq.indexOf(step) + 1;
  // Quick create asked the phone first: the full flow it falls back to skips it.
  while (seq[i] === 'phone' && d.mode === 'quick' && d.clientPhone) i++;
  return seq[i] ?? 'confirm';
}

/** The step "⬅️ Назад" goes to; 'mode' is the mode menu. */
export function previousStep(d: Draft, step: Step): Step {
  if (d.editing && !missingAddress(d)) return 'confirm';
  if (step === 'streetManual') return 'street';
  if (step === 'slotDate' || step === 'slotsOfDate' || step === 'late') return 'slot';
  const seq = sequence(d);
  let i = seq.indexOf(step) - 1;
  while (seq[i] === 'phone' && d.mode === 'quick' && d.clientPhone) i--;
  if (i < 0) return d.mode === 'quick' && step !== 'quickPhone' ? 'quickPhone' : 'mode';
  return seq[i]!;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const E = texts.orderCreate.error;
const chars = (s: string) => Array.from(s).length;

export function parseHouse(raw: string): Parsed<string> {
  const v = raw.trim();
  return chars(v) >= 1 && chars(v) <= 10 ? { ok: true, value: v } : { ok: false, error: E.house };
}

/** Empty or "-" means none. */
export function parseApartment(raw: string): Parsed<string | null> {
  const v = raw.trim();
  if (v === '' || v === '-') return { ok: true, value: null };
  return chars(v) <= 10 ? { ok: true, value: v } : { ok: false, error: E.apartment };
}

export function parseComment(raw: string): Parsed<string | null> {
  const v = raw.trim();
  if (v === '' || v === '-') return { ok: true, value: null };
  return chars(v) <= 250 ? { ok: true, value: v } : { ok: false, error: E.comment };
}

export function parseStreetName(raw: string): Parsed<string> {
  const v = raw.trim().replace(/\s+/g, ' ');
  return chars(v) >= 2 && chars(v) <= 200 ? { ok: true, value: v } : { ok: false, error: E.street };
}

// Letters (Latin, Cyrillic), then letters, spaces, hyphens and dots ("Иванова А.П.").
const CLIENT_NAME = /^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё\-. ]{1,59}$/;

export function parseClientName(raw: string): Parsed<string> {
  const v = raw.trim().replace(/\s+/g, ' ');
  return CLIENT_NAME.test(v) ? { ok: true, value: v } : { ok: false, error: E.name };
}

export function parseClientPhone(raw: string): Parsed<string> {
  const phone = normalizeRuPhone(raw);
  return phone ? { ok: true, value: phone } : { ok: false, error: E.phone };
}

export function parseDescription(raw: string): Parsed<string> {
  const v = raw.trim();
  const n = chars(v);
  return n >= 10 && n <= 500 ? { ok: true, value: v } : { ok: false, error: E.description(n) };
}

/** Search queries (city, district, street): 2–60 characters. */
export function parseQuery(raw: string): Parsed<string> {
  const v = raw.trim().replace(/\s+/g, ' ');
  if (chars(v) < 2) return { ok: false, error: E.searchTooShort };
  if (chars(v) > 60) return { ok: false, error: E.queryTooLong };
  return { ok: true, value: v };
}
