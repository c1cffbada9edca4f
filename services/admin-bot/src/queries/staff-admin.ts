import { type Db, type IssuedAccessCode, insertAccessCode } from '@fs/db';
import { audit } from '@fs/dispatch';
import { ACCESS_CODE_TTL_HOURS, type StaffRole } from '@fs/domain';
import { sql } from 'kysely';
import { type Page, readPage } from './page';

/** Staff and access codes, as global admins manage them. */

export const STAFF_PER_PAGE = 10;

/** Issues a one-time code for `role` and `cityIds` (ignored for global admins); audited. */
export async function issueAccessCode(
  db: Db,
  input: { staffId: number; role: StaffRole; cityIds: readonly number[] },
): Promise<IssuedAccessCode> {
  return db.transaction().execute(async (trx) => {
    const issued = await insertAccessCode(trx, { ...input, issuedByStaffId: input.staffId });
    await audit(trx, {
      staffId: input.staffId,
      action: 'access_code.issue',
      entityType: 'access_code',
      entityId: issued.id,
      payload: {
        role: input.role,
        city_ids: input.role === 'global_admin' ? [] : [...new Set(input.cityIds)],
      },
    });
    return issued;
  });
}

export type StaffIdentity = { tgUserId: number } | { username: string };

/** "123456789" → Telegram id; "@name" → username (lower-cased); undefined for anything else. */
export function parseStaffIdentity(input: string): StaffIdentity | undefined {
  const raw = input.trim();
  if (/^\d{5,15}$/.test(raw)) {
    const id = Number(raw);
    return Number.isSafeInteger(id) ? { tgUserId: id } : undefined;
  }
  const m = /^@([A-Za-z][A-Za-z0-9_]{4,31})$/.exec(raw);
  return m ? { username: m[1]!.toLowerCase() } : undefined;
}

/**
 * Adds a staff member by Telegram id, or invites one by @username: the invitation is taken by
 * whoever first writes with that username before it expires (ACCESS_CODE_TTL_HOURS, like an
 * access code). 'exists' when that id or username is already known; an expired, never taken
 * invitation is renewed with the new role and cities instead.
 */
export async function addStaff(
  db: Db,
  input: { staffId: number; who: StaffIdentity; role: StaffRole; cityIds: readonly number[] },
): Promise<{ id: number; inviteExpiresAt: Date | null } | 'exists'> {
  const cityIds = input.role === 'global_admin' ? [] : [...new Set(input.cityIds)];
  const byUsername = 'username' in input.who;
  const expiresAt = byUsername
    ? sql<Date>`now() + make_interval(hours => ${ACCESS_CODE_TTL_HOURS}::int)`
    : null;
  return db.transaction().execute(async (trx) => {
    // Serialises concurrent adds of the same person.
    await sql`SELECT pg_advisory_xact_lock(hashtext('staff_add'))`.execute(trx);
    const existing = await trx
      .selectFrom('staff_users')
      .select(['id', sql<boolean>`tg_user_id IS NULL AND invite_expires_at <= now()`.as('expired_invite')])
      .where((eb) =>
        'tgUserId' in input.who
          ? eb('tg_user_id', '=', input.who.tgUserId)
          : eb(sql<string>`lower(username)`, '=', input.who.username),
      )
      .executeTakeFirst();
    if (existing && !existing.expired_invite) return 'exists' as const;
    const row = existing
      ? await trx
          .updateTable('staff_users')
          .set({
            role: input.role,
            is_active: true,
            invite_expires_at: expiresAt,
            updated_at: sql<Date>`now()`,
          })
          .where('id', '=', existing.id)
          .returning(['id', 'invite_expires_at'])
          .executeTakeFirstOrThrow()
      : await trx
          .insertInto('staff_users')
          .values({
            role: input.role,
            tg_user_id: 'tgUserId' in input.who ? input.who.tgUserId : null,
            username: 'username' in input.who ? input.who.username : null,
            full_name: '',
            invite_expires_at: expiresAt,
          })
          .returning(['id', 'invite_expires_at'])
          .executeTakeFirstOrThrow();
    if (existing) await trx.deleteFrom('staff_cities').where('staff_user_id', '=', row.id).execute();
    if (cityIds.length > 0) {
      await trx
        .insertInto('staff_cities')
        .values(cityIds.map((city_id) => ({ staff_user_id: row.id, city_id })))
        .execute();
    }
    await audit(trx, {
      staffId: input.staffId,
      action: existing ? 'staff.invitation_renewed' : 'staff.add',
      entityType: 'staff',
      entityId: row.id,
      payload: { ...input.who, role: input.role, city_ids: cityIds },
    });
    return { id: row.id, inviteExpiresAt: row.invite_expires_at };
  });
}

export interface StaffRow {
  id: number;
  full_name: string;
  username: string | null;
  tg_user_id: number | null;
  role: StaffRole;
  is_active: boolean;
  created_at: Date;
  invite_expires_at: Date | null;
  linked_at: Date | null;
  cities: string[];
}

const citiesOf = sql<string[]>`coalesce((SELECT array_agg(c.name ORDER BY c.name) FROM staff_cities sc
  JOIN cities c ON c.id = sc.city_id WHERE sc.staff_user_id = s.id), '{}')`;

const staffRows = (db: Db) =>
  db
    .selectFrom('staff_users as s')
    .select([
      's.id',
      's.full_name',
      's.username',
      's.tg_user_id',
      's.role',
      's.is_active',
      's.created_at',
      's.invite_expires_at',
      's.linked_at',
      citiesOf.as('cities'),
    ]);

export async function listStaff(db: Db, page: number, perPage = STAFF_PER_PAGE): Promise<Page<StaffRow>> {
  const count = db
    .selectFrom('staff_users')
    .select((eb) => eb.fn.countAll<string>().as('total'))
    .executeTakeFirstOrThrow();
  return readPage(count, page, perPage, (offset, limit) =>
    staffRows(db)
      .orderBy('s.is_active', 'desc')
      .orderBy('s.role')
      .orderBy('s.id')
      .offset(offset)
      .limit(limit)
      .execute(),
  );
}

export async function loadStaff(db: Db, staffId: number): Promise<StaffRow | undefined> {
  return staffRows(db).where('s.id', '=', staffId).executeTakeFirst();
}

/** Turns a staff member's access off or on; false when it already was. Audited. */
export async function setStaffActive(
  db: Db,
  input: { actorId: number; staffId: number; active: boolean },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('staff_users')
      .set({ is_active: input.active, updated_at: sql<Date>`now()` })
      .where('id', '=', input.staffId)
      .where('is_active', '=', !input.active)
      .returning('id')
      .executeTakeFirst();
    if (!row) return false;
    await audit(trx, {
      staffId: input.actorId,
      action: input.active ? 'staff.activate' : 'staff.deactivate',
      entityType: 'staff',
      entityId: input.staffId,
    });
    return true;
  });
}

export interface CodeRow {
  id: number;
  code: string;
  role: StaffRole;
  expires_at: Date | null;
  cities: string[];
}

const ACTIVE_CODE = sql<boolean>`k.used_at IS NULL AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())`;

export async function listActiveCodes(
  db: Db,
  page: number,
  perPage = STAFF_PER_PAGE,
): Promise<Page<CodeRow>> {
  const codes = db.selectFrom('staff_access_codes as k').where(ACTIVE_CODE);
  const count = codes.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
  return readPage(count, page, perPage, (offset, limit) =>
    codes
      .select([
        'k.id',
        'k.code',
        'k.role',
        'k.expires_at',
        sql<string[]>`coalesce((SELECT array_agg(c.name ORDER BY c.name) FROM staff_access_code_cities kc
        JOIN cities c ON c.id = kc.city_id WHERE kc.access_code_id = k.id), '{}')`.as('cities'),
      ])
      .orderBy('k.id', 'desc')
      .offset(offset)
      .limit(limit)
      .execute(),
  );
}

/** Revokes an unused code; false when it was already used or revoked. Audited. */
export async function revokeAccessCode(db: Db, input: { actorId: number; codeId: number }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('staff_access_codes')
      .set({ revoked_at: sql<Date>`now()` })
      .where('id', '=', input.codeId)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!row) return false;
    await audit(trx, {
      staffId: input.actorId,
      action: 'access_code.revoke',
      entityType: 'access_code',
      entityId: input.codeId,
    });
    return true;
  });
}

/** The names of existing cities among `ids`, by name. */
export async function cityNames(db: Db, ids: readonly number[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('cities')
    .select('name')
    .where('id', 'in', [...ids])
    .orderBy('name')
    .execute();
  return rows.map((r) => r.name);
}
