import {
  type Category,
  type GeoPoint,
  isValidPoint,
  type ModerationSubmittedPayload,
  normalizeRuPhone,
  type ReferralRegisteredPayload,
} from '@fs/domain';
import { insertOutbox, type OutboxInsert, type OutboxRef } from '@fs/queue';
import { sql } from 'kysely';
import { runAfterCommit } from '../shared/after-commit';
import { type ActFile, attachmentRow } from '../shared/attachments';
import type { DispatchDeps, Executor } from '../shared/deps';
import { staffRecipients } from '../shared/staff-recipients';
import {
  checkPayout,
  type PayoutDetails,
  parseFullName,
  parseVehiclePlate,
  payoutData,
} from './master-registration-input';
import { ensureReferralCode, REFERRAL_CODE_SHAPE } from './referral-code';

/** The master's profile as the onboarding wizard collected it. */
export interface RegistrationInput {
  tgUserId: number;
  username: string | null;
  fullName: string;
  phone: string;
  cityId: number;
  districtIds: readonly number[];
  skills: readonly Category[];
  hasVehicle: boolean;
  vehiclePlate: string | null;
  payout: PayoutDetails;
  /** When the master accepted the personal-data processing terms. */
  pdnAcceptedAt: Date;
  /** Passport and selfie; null keeps what is stored (documents not required). */
  documents: { passport: ActFile; selfie: ActFile } | null;
  referralCode: string | null;
  /** The base point sent during onboarding (optional; issue 18); null keeps what is stored. */
  basePoint?: GeoPoint | null;
  /**
   * One id per filled-in form (the wizard's): submitting the same form twice notifies staff
   * once; a new form (a fix after rejection) notifies again.
   */
  submissionId: string;
}

export type RegistrationField = 'name' | 'phone' | 'city' | 'districts' | 'skills' | 'vehicle' | 'payout';

export type RegistrationResult =
  | {
      kind: 'submitted';
      masterId: number;
      /** The profile was rejected before and is now sent again. */
      resubmitted: boolean;
      /** The referrer recorded by this submission (null: no code, invalid, or recorded before). */
      referrerId: number | null;
      ownReferralCode: string;
    }
  /** A value does not pass the rules (a stale or forged session): nothing changed. */
  | { kind: 'invalid'; field: RegistrationField }
  | { kind: 'already_approved' }
  | { kind: 'blocked' }
  | { kind: 'deleted' };

/** Why a Telegram user may not (re)fill the form, or null when they may. */
export async function registrationRefusal(
  db: Executor,
  tgUserId: number,
): Promise<'already_approved' | 'blocked' | 'deleted' | null> {
  const m = await db
    .selectFrom('masters')
    .select(['is_deleted', 'is_blocked', 'moderation_status', 'verified'])
    .where('tg_user_id', '=', tgUserId)
    .executeTakeFirst();
  return m ? refusalOf(m) : null;
}

function refusalOf(m: {
  is_deleted: boolean;
  is_blocked: boolean;
  moderation_status: string;
  verified: boolean;
}): 'already_approved' | 'blocked' | 'deleted' | null {
  if (m.is_deleted) return 'deleted';
  if (m.is_blocked) return 'blocked';
  if (m.moderation_status === 'approved' && m.verified) return 'already_approved';
  return null;
}

/** The master (not deleted) who owns `code`, for the referral step; null when there is none. */
export async function findReferrer(
  db: Executor,
  code: string,
): Promise<{ id: number; tgUserId: number; fullName: string } | null> {
  const normalised = code.trim().toUpperCase();
  if (!REFERRAL_CODE_SHAPE.test(normalised)) return null;
  const row = await db
    .selectFrom('masters')
    .select(['id', 'tg_user_id', 'full_name'])
    .where('referral_code', '=', normalised)
    .where('is_deleted', '=', false)
    .executeTakeFirst();
  return row ? { id: row.id, tgUserId: row.tg_user_id, fullName: row.full_name } : null;
}

/** Dedup key of the staff notice for one submitted form. */
export function moderationSubmittedDedupKey(masterId: number, submissionId: string, staffId: number): string {
  return `moderation_submitted:${masterId}:${submissionId}:s${staffId}`;
}

/**
 * Sends the master's profile to moderation in one transaction: the master row is inserted or
 * updated by Telegram id (never duplicated, however often the form is submitted), districts and
 * skills are replaced, documents stored, the referrer recorded once (never oneself), the own
 * referral code allocated, and staff of the city (admins) and the referrer are notified through
 * the outbox. Values are re-checked here: a forged session changes nothing.
 */
export async function submitMasterRegistration(
  deps: DispatchDeps,
  input: RegistrationInput,
): Promise<RegistrationResult> {
  const fields = parseFields(input);
  if ('field' in fields) return { kind: 'invalid', field: fields.field };

  const outcome = await deps.db.transaction().execute(async (trx) => {
    const choice = await checkChoices(trx, input);
    if ('field' in choice) return { result: { kind: 'invalid', field: choice.field } as const, refs: [] };

    // Insert, or lock the existing row (a no-op update): concurrent submissions queue up here.
    const before = await trx
      .insertInto('masters')
      .values({ tg_user_id: input.tgUserId })
      .onConflict((oc) =>
        oc.column('tg_user_id').doUpdateSet({ tg_user_id: (eb) => eb.ref('excluded.tg_user_id') }),
      )
      .returning(['id', 'is_deleted', 'is_blocked', 'moderation_status', 'verified', 'referred_by_master_id'])
      .executeTakeFirstOrThrow();
    const refusal = refusalOf(before);
    if (refusal) return { result: { kind: refusal } as const, refs: [] };
    const masterId = before.id;

    await writeProfile(trx, masterId, input, fields, choice);
    if (input.documents) await replaceDocuments(trx, masterId, input.documents);
    const outbox: OutboxInsert[] = [];
    const referral =
      input.referralCode && before.referred_by_master_id === null
        ? await recordReferrer(trx, masterId, input.referralCode, fields.fullName)
        : null;
    if (referral) outbox.push(referral.notice);
    const ownReferralCode = await ensureReferralCode(trx, masterId);

    const resubmitted = before.moderation_status === 'rejected';
    const notice: ModerationSubmittedPayload = {
      master_id: masterId,
      master_name: fields.fullName,
      city: choice.city.name,
      phone: fields.phone,
      resubmitted,
    };
    for (const staffId of await staffRecipients(trx, choice.city.id, 'city_admins')) {
      outbox.push({
        bot: 'admin',
        event: 'moderation_submitted',
        staff_user_id: staffId,
        payload: { ...notice },
        dedup_key: moderationSubmittedDedupKey(masterId, input.submissionId, staffId),
      });
    }
    const refs: OutboxRef[] = await insertOutbox(trx, outbox);
    const referrerId = referral?.referrerId ?? null;
    return {
      result: { kind: 'submitted', masterId, resubmitted, referrerId, ownReferralCode } as const,
      refs,
    };
  });

  if (outcome.result.kind === 'submitted') {
    deps.logger.info(
      { master_id: outcome.result.masterId, resubmitted: outcome.result.resubmitted },
      'master registration submitted',
    );
  }
  await runAfterCommit(deps, { outbox: outcome.refs });
  return outcome.result;
}

interface ParsedFields {
  fullName: string;
  phone: string;
  payout: PayoutDetails;
  plate: string | null;
}

/** The typed fields, normalised (a forged session changes nothing), or the first invalid one. */
function parseFields(input: RegistrationInput): ParsedFields | { field: RegistrationField } {
  const fullName = parseFullName(input.fullName);
  if (!fullName.ok) return { field: 'name' };
  const phone = normalizeRuPhone(input.phone);
  if (!phone) return { field: 'phone' };
  const payout = checkPayout(input.payout);
  if (!payout) return { field: 'payout' };
  let plate: string | null = null;
  if (input.hasVehicle) {
    const p = parseVehiclePlate(input.vehiclePlate ?? '');
    if (!p.ok) return { field: 'vehicle' };
    plate = p.value;
  }
  return { fullName: fullName.value, phone, payout, plate };
}

interface Choices {
  city: { id: number; name: string };
  districtIds: number[];
  skills: Category[];
}

/** The chosen city (active), districts (of that city) and skills (active), or the invalid one. */
async function checkChoices(
  trx: Executor,
  input: RegistrationInput,
): Promise<Choices | { field: RegistrationField }> {
  const city = await trx
    .selectFrom('cities')
    .select(['id', 'name'])
    .where('id', '=', input.cityId)
    .where('is_active', '=', true)
    .executeTakeFirst();
  if (!city) return { field: 'city' };
  const cityDistricts = await trx
    .selectFrom('districts')
    .select('id')
    .where('city_id', '=', city.id)
    .execute();
  const valid = new Set(cityDistricts.map((d) => d.id));
  const districtIds = [...new Set(input.districtIds)];
  if (districtIds.some((id) => !valid.has(id)) || (valid.size > 0 && districtIds.length === 0)) {
    return { field: 'districts' };
  }
  const skills = [...new Set(input.skills)];
  const activeSkills = await trx.selectFrom('skills').select('code').where('is_active', '=', true).execute();
  const active = new Set<string>(activeSkills.map((s) => s.code));
  if (skills.length === 0 || skills.some((s) => !active.has(s))) return { field: 'skills' };
  return { city, districtIds, skills };
}

/** The profile as submitted, back to moderation (pending, off shift); districts and skills replaced. */
async function writeProfile(
  trx: Executor,
  masterId: number,
  input: RegistrationInput,
  f: ParsedFields,
  c: Choices,
): Promise<void> {
  await trx
    .updateTable('masters')
    .set({
      username: input.username,
      full_name: f.fullName,
      phone: f.phone,
      city_id: c.city.id,
      has_vehicle: input.hasVehicle,
      vehicle_plate: f.plate,
      payout_method: f.payout.method,
      payout_data: JSON.stringify(payoutData(f.payout)),
      pdn_accepted_at: input.pdnAcceptedAt,
      moderation_status: 'pending',
      moderation_reason: null,
      verified: false,
      verified_at: null,
      verified_by_staff_id: null,
      shift_status: 'off',
      break_until: null,
      ...(input.basePoint && isValidPoint(input.basePoint.lat, input.basePoint.lon)
        ? {
            base_lat: input.basePoint.lat,
            base_lon: input.basePoint.lon,
            base_updated_at: sql<Date>`now()`,
          }
        : {}),
      updated_at: sql<Date>`now()`,
      version: sql<number>`version + 1`,
    })
    .where('id', '=', masterId)
    .execute();

  await trx.deleteFrom('master_districts').where('master_id', '=', masterId).execute();
  if (c.districtIds.length > 0) {
    await trx
      .insertInto('master_districts')
      .values(c.districtIds.map((district_id) => ({ master_id: masterId, district_id })))
      .execute();
  }
  await trx.deleteFrom('master_skills').where('master_id', '=', masterId).execute();
  await trx
    .insertInto('master_skills')
    .values(c.skills.map((skill_code) => ({ master_id: masterId, skill_code })))
    .execute();
}

/** Records the referrer once (never oneself) and the referrer's notice; null when nothing changed. */
async function recordReferrer(
  trx: Executor,
  masterId: number,
  code: string,
  fullName: string,
): Promise<{ referrerId: number; notice: OutboxInsert } | null> {
  const referrer = await findReferrer(trx, code);
  if (!referrer || referrer.id === masterId) return null;
  const inserted = await trx
    .insertInto('referrals')
    .values({ master_id: masterId, referrer_id: referrer.id })
    .onConflict((oc) => oc.column('master_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return null;
  await trx
    .updateTable('masters')
    .set({ referred_by_master_id: referrer.id })
    .where('id', '=', masterId)
    .execute();
  const payload: ReferralRegisteredPayload = { referred_name: fullName };
  return {
    referrerId: referrer.id,
    notice: {
      bot: 'master',
      event: 'referral_registered',
      master_id: referrer.id,
      payload: { ...payload },
      dedup_key: `referral_registered:${masterId}`,
    },
  };
}

/** The master's passport and selfie replace the ones stored before. */
async function replaceDocuments(
  trx: Executor,
  masterId: number,
  docs: { passport: ActFile; selfie: ActFile },
): Promise<void> {
  await trx
    .deleteFrom('attachments')
    .where('entity_type', '=', 'master')
    .where('entity_id', '=', masterId)
    .where('document_kind', 'in', ['passport', 'selfie'])
    .execute();
  await trx
    .insertInto('attachments')
    .values(
      (['passport', 'selfie'] as const).map((kind) =>
        attachmentRow(docs[kind], {
          entityType: 'master',
          entityId: masterId,
          documentKind: kind,
          masterId,
        }),
      ),
    )
    .execute();
}
