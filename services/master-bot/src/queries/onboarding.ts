import type { Db } from '@fs/db';
import { type ActFile, masterStateByTgUser, type PayoutDetails } from '@fs/dispatch';
import { CATEGORIES, type Category, type PayoutMethod } from '@fs/domain';

/** Reads of the onboarding wizard: cities, districts, skills, and a stored profile to fix. */

export const CITY_PAGE_SIZE = 8;
export const CITY_SEARCH_LIMIT = 12;

/** One page of active cities by name, and how many there are. */
export async function listCities(db: Db, page: number) {
  const { total } = await db
    .selectFrom('cities')
    .select((eb) => eb.fn.countAll<string>().as('total'))
    .where('is_active', '=', true)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('cities')
    .select(['id', 'name'])
    .where('is_active', '=', true)
    .orderBy('name')
    .orderBy('id')
    .limit(CITY_PAGE_SIZE)
    .offset(page * CITY_PAGE_SIZE)
    .execute();
  return { rows, total: Number(total) };
}

/** Active cities whose name contains `query` (case-insensitive), best matches first. */
export async function searchCities(db: Db, query: string) {
  const needle = query.trim().toLocaleLowerCase('ru-RU').replace(/ё/g, 'е');
  const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .selectFrom('cities')
    .select(['id', 'name'])
    .where('is_active', '=', true)
    .where((eb) =>
      eb(eb.fn('replace', [eb.fn('lower', ['name']), eb.val('ё'), eb.val('е')]), 'like', pattern),
    )
    .orderBy((eb) => eb.fn('strpos', [eb.fn('lower', ['name']), eb.val(needle)]))
    .orderBy('name')
    .limit(CITY_SEARCH_LIMIT)
    .execute();
}

/** An active city with whether it has districts; undefined when missing or inactive. */
export async function activeCity(db: Db, cityId: number) {
  const city = await db
    .selectFrom('cities')
    .select(['id', 'name'])
    .where('id', '=', cityId)
    .where('is_active', '=', true)
    .executeTakeFirst();
  if (!city) return undefined;
  const district = await db
    .selectFrom('districts')
    .select('id')
    .where('city_id', '=', cityId)
    .executeTakeFirst();
  return { ...city, hasDistricts: district !== undefined };
}

export async function cityDistricts(db: Db, cityId: number) {
  return db
    .selectFrom('districts')
    .select(['id', 'name'])
    .where('city_id', '=', cityId)
    .orderBy('id')
    .execute();
}

/** Active skills in the platform's category order. */
export async function activeSkills(db: Db): Promise<{ code: Category; label: string }[]> {
  const rows = await db
    .selectFrom('skills')
    .select(['code', 'label'])
    .where('is_active', '=', true)
    .execute();
  return rows.sort((a, b) => CATEGORIES.indexOf(a.code) - CATEGORIES.indexOf(b.code));
}

export interface StoredProfile {
  moderationStatus: string;
  isBlocked: boolean;
  fullName: string;
  phone: string | null;
  cityId: number | null;
  districtIds: number[];
  skills: Category[];
  hasVehicle: boolean;
  vehiclePlate: string | null;
  basePoint: { lat: number; lon: number } | null;
  payoutMethod: PayoutMethod | null;
  payout: PayoutDetails | null;
  pdnAcceptedAt: Date | null;
  passport?: ActFile;
  selfie?: ActFile;
  referrerCode: string | null;
}

/** The stored profile of a (not deleted) master, to pre-fill the form when fixing it. */
export async function loadStoredProfile(db: Db, tgUserId: number): Promise<StoredProfile | undefined> {
  const m = await masterStateByTgUser(db, tgUserId)
    .leftJoin('masters as r', 'r.id', 'm.referred_by_master_id')
    .select([
      'm.phone',
      'm.has_vehicle',
      'm.vehicle_plate',
      'm.base_lat',
      'm.base_lon',
      'm.payout_method',
      'm.payout_data',
      'm.pdn_accepted_at',
      'r.referral_code as referrer_code',
    ])
    .executeTakeFirst();
  if (!m) return undefined;
  const [districts, skills, docs] = await Promise.all([
    db.selectFrom('master_districts').select('district_id').where('master_id', '=', m.id).execute(),
    db.selectFrom('master_skills').select('skill_code').where('master_id', '=', m.id).execute(),
    db
      .selectFrom('attachments')
      .select(['document_kind', 'file_type', 'file_id', 'file_unique_id', 'file_name', 'mime_type', 'size'])
      .where('entity_type', '=', 'master')
      .where('entity_id', '=', m.id)
      .where('document_kind', 'in', ['passport', 'selfie'])
      .orderBy('id')
      .execute(),
  ]);
  const fileOf = (kind: string): ActFile | undefined => {
    const d = docs.filter((x) => x.document_kind === kind).at(-1);
    if (!d || (d.file_type !== 'photo' && d.file_type !== 'document')) return undefined;
    return {
      fileType: d.file_type,
      fileId: d.file_id,
      fileUniqueId: d.file_unique_id,
      fileName: d.file_name,
      mimeType: d.mime_type,
      size: d.size,
    };
  };
  return {
    moderationStatus: m.moderation_status,
    isBlocked: m.is_blocked,
    fullName: m.full_name,
    phone: m.phone,
    cityId: m.city_id,
    districtIds: districts.map((d) => d.district_id),
    skills: skills.map((s) => s.skill_code),
    hasVehicle: m.has_vehicle,
    vehiclePlate: m.vehicle_plate,
    basePoint: m.base_lat !== null && m.base_lon !== null ? { lat: m.base_lat, lon: m.base_lon } : null,
    payoutMethod: m.payout_method,
    payout: m.payout_method ? ({ ...m.payout_data, method: m.payout_method } as PayoutDetails) : null,
    pdnAcceptedAt: m.pdn_accepted_at,
    passport: fileOf('passport'),
    selfie: fileOf('selfie'),
    referrerCode: m.referrer_code,
  };
}
