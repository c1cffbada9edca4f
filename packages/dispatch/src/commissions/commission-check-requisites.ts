import { sql } from 'kysely';
import { parseBankAccount, parseCardNumber, parseSbpPhone } from '../masters/master-registration-input';
import { audit } from '../shared/audit';
import type { DispatchDeps } from '../shared/deps';

/**
 * The owner's payment requisites (where masters pay commissions): one row `owner_requisites`
 * (id 1) whose `data` keys are the ones order-close snapshots into each new commission and the
 * master bot shows. Edited field by field by global admins; existing commissions keep their
 * snapshot.
 */

export const REQUISITE_FIELDS = [
  'card_number',
  'card_holder',
  'bank',
  'sbp_phone',
  'sbp_bank',
  'account',
  'other',
  'comment',
] as const;
export type RequisiteField = (typeof REQUISITE_FIELDS)[number];
export type OwnerRequisites = Partial<Record<RequisiteField, string>>;

const TEXT_MAX: Record<RequisiteField, number> = {
  card_number: 40,
  card_holder: 100,
  bank: 60,
  sbp_phone: 20,
  sbp_bank: 60,
  account: 40,
  other: 500,
  comment: 300,
};

export type RequisiteInputError = 'format' | 'checksum' | 'too_long';
export type RequisiteInput = { ok: true; value: string | null } | { ok: false; error: RequisiteInputError };

/** Staff input for one field; "-" clears it. Card: 16 digits with Luhn; SBP phone: +7…; account: 20 digits. */
export function parseRequisiteInput(field: RequisiteField, input: string): RequisiteInput {
  const raw = input.trim();
  if (raw === '-') return { ok: true, value: null };
  if (raw.length === 0) return { ok: false, error: 'format' };
  if (Array.from(raw).length > TEXT_MAX[field]) return { ok: false, error: 'too_long' };
  switch (field) {
    case 'card_number': {
      const r = parseCardNumber(raw);
      return r.ok ? { ok: true, value: r.value } : r;
    }
    case 'sbp_phone': {
      const r = parseSbpPhone(raw);
      return r.ok ? { ok: true, value: r.value } : r;
    }
    case 'account': {
      const r = parseBankAccount(raw);
      return r.ok ? { ok: true, value: r.value } : r;
    }
    default:
      return { ok: true, value: raw };
  }
}

export async function loadOwnerRequisites(db: DispatchDeps['db']): Promise<OwnerRequisites> {
  const row = await db.selectFrom('owner_requisites').select('data').where('id', '=', 1).executeTakeFirst();
  const out: OwnerRequisites = {};
  for (const field of REQUISITE_FIELDS) {
    const v = row?.data[field];
    if (typeof v === 'string' && v.trim()) out[field] = v;
  }
  return out;
}

/** Sets (or, with null, removes) one field, audited; returns the requisites as now stored. */
export async function updateOwnerRequisite(
  deps: Pick<DispatchDeps, 'db'>,
  staffId: number,
  field: RequisiteField,
  value: string | null,
): Promise<OwnerRequisites> {
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('owner_requisites')
      .values({ id: 1, data: '{}' })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    const data =
      value === null
        ? sql<Record<string, unknown>>`data - ${field}::text`
        : sql<Record<string, unknown>>`data || ${JSON.stringify({ [field]: value })}::jsonb`;
    await trx
      .updateTable('owner_requisites')
      .set({ data, updated_at: sql<Date>`now()`, updated_by_staff_id: staffId })
      .where('id', '=', 1)
      .execute();
    await audit(trx, {
      staffId,
      action: 'requisites.update',
      entityType: 'requisites',
      entityId: 1,
      payload: { field, value },
    });
  });
  return loadOwnerRequisites(deps.db);
}
