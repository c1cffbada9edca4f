import { CATEGORIES, normalizeRuPhone, ORDER_TYPES } from '@fs/domain';
import { defineWizard } from '@fs/telegram';
import { z } from 'zod';
import type { CallbackArgs } from '../../callbacks';
import { ORDER_CREATE_FIELDS } from '../../callbacks/order-create';
import { texts } from '../../texts';

/**
 * The order being created: what the wizard has collected so far (kept in the Redis session,
 * so it must stay plain JSON), the step order of the full and quick flows, and the rules for
 * typed input.
 */

export type Field = CallbackArgs<'ocEditField'>['field'];

/** The wizard's screens (✏️ Изменить → field jumps to the step of that name). */
const STEPS = [
  'mode',
  'quickPhone',
  ...ORDER_CREATE_FIELDS,
  'streetManual',
  'slotDate',
  'slotsOfDate',
  'late',
  'confirm',
  'editMenu',
] as const;
export type Step = (typeof STEPS)[number];

/** A chosen visit time: ASAP (window computed at creation) or a bucket on a local date. */
const slotChoiceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('asap') }),
  z.object({ kind: z.literal('slot'), date: z.string(), start: z.string(), end: z.string() }),
]);
export type SlotChoice = z.infer<typeof slotChoiceSchema>;

const draftSchema = z.object({
  /** Random id of this wizard run: keys its files in Redis and guards double creation. */
  nonce: z.string(),
  mode: z.enum(['full', 'quick']),
  /** The quick flow found the client's last order: only category, description and slot are asked. */
  reused: z.boolean().optional(),
  /** Set after the confirmation card was reached: a step then returns to the card. */
  editing: z.boolean().optional(),
  cityId: z.number().int().optional(),
  cityName: z.string().optional(),
  /** null: staff chose "🚫 Без района". */
  districtId: z.number().int().nullable().optional(),
  districtName: z.string().nullable().optional(),
  /** null: "🚫 Без улицы". */
  street: z.string().nullable().optional(),
  streetId: z.number().int().nullable().optional(),
  house: z.string().optional(),
  apartment: z.string().nullable().optional(),
  comment: z.string().nullable().optional(),
  clientName: z.string().optional(),
  clientPhone: z.string().optional(),
  category: z.enum(CATEGORIES).optional(),
  description: z.string().optional(),
  slot: slotChoiceSchema.optional(),
  type: z.enum(ORDER_TYPES).optional(),
  /** The date typed for "📅 Другая дата" (`yyyy-MM-dd`). */
  slotDate: z.string().optional(),
  /** Search results currently shown as buttons (ids), so a stale list cannot be replayed. */
  streetIds: z.array(z.number().int()).optional(),
});

/** The order being created: what the wizard has collected so far. */
export type Draft = z.infer<typeof draftSchema>;

/** The order-creation wizard: the step shown and the draft. */
export const orderCreateWizard = defineWizard(
  'orderCreate',
  z.object({ step: z.enum(STEPS), draft: draftSchema }),
);

const FULL: readonly Step[] = [...ORDER_CREATE_FIELDS, 'confirm'];
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
