import type { Db } from '@fs/db';
import { audit } from '@fs/dispatch';
import { looksLikeAccessCode, type StaffRole } from '@fs/domain';
import { sql } from 'kysely';

/** Who is talking to the bot, as Telegram tells us. */
export interface TgUser {
  id: number;
  username?: string;
  fullName: string;
}

export interface StaffMember {
  id: number;
  fullName: string;
  role: StaffRole;
  isActive: boolean;
  /** City names (for greetings) and ids (for scoping), ordered by name. */
  cities: string[];
  cityIds: number[];
}

async function withCities(
  db: Db,
  row: { id: number; full_name: string; role: StaffRole; is_active: boolean },
): Promise<StaffMember> {
  const cities = await db
    .selectFrom('staff_cities as sc')
    .innerJoin('cities as c', 'c.id', 'sc.city_id')
    .select(['c.id', 'c.name'])
    .where('sc.staff_user_id', '=', row.id)
    .orderBy('c.name')
    .execute();
  return {
    id: row.id,
    fullName: row.full_name,
    role: row.role,
    isActive: row.is_active,
    cities: cities.map((c) => c.name),
    cityIds: cities.map((c) => c.id),
  };
}

const STAFF_COLUMNS = ['id', 'full_name', 'role', 'is_active'] as const;

/**
 * Takes a pending, unexpired invitation (a row pre-created by @username) for this Telegram
 * user: records who took it and when, audited. An expired invitation links nobody (a username
 * can change hands; the admin adds the person again).
 */
async function linkInvitation(db: Db, user: TgUser, username: string) {
  return db.transaction().execute(async (trx) => {
    const linked = await trx
      .updateTable('staff_users')
      .set({
        tg_user_id: user.id,
        full_name: sql<string>`CASE WHEN full_name = '' THEN ${user.fullName} ELSE full_name END`,
        linked_at: sql<Date>`now()`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', (eb) =>
        eb
          .selectFrom('staff_users')
          .select('id')
          .where('tg_user_id', 'is', null)
          .where(sql<string>`lower(username)`, '=', username.toLowerCase())
          .where('invite_expires_at', '>', sql<Date>`now()`)
          .orderBy('id')
          .limit(1),
      )
      .where('tg_user_id', 'is', null)
      .returning(STAFF_COLUMNS)
      .executeTakeFirst();
    if (linked) {
      await audit(trx, {
        staffId: linked.id,
        action: 'staff.invitation_taken',
        entityType: 'staff',
        entityId: linked.id,
        payload: { tg_user_id: user.id, username, full_name: user.fullName },
      });
    }
    return linked;
  });
}

/**
 * The staff member behind a Telegram user: by Telegram id; else a pending invitation by
 * @username (taken now, if unexpired); else, for ids in GLOBAL_ADMIN_TG_IDS, a new global
 * admin. Undefined for everyone else.
 */
export async function resolveStaff(
  db: Db,
  user: TgUser,
  globalAdminIds: readonly number[],
): Promise<StaffMember | undefined> {
  const byId = await db
    .selectFrom('staff_users')
    .select(STAFF_COLUMNS)
    .where('tg_user_id', '=', user.id)
    .executeTakeFirst();
  if (byId) return withCities(db, byId);

  if (user.username) {
    const linked = await linkInvitation(db, user, user.username);
    if (linked) return withCities(db, linked);
  }

  if (globalAdminIds.includes(user.id)) {
    await db
      .insertInto('staff_users')
      .values({
        tg_user_id: user.id,
        username: user.username ?? null,
        full_name: user.fullName,
        role: 'global_admin',
      })
      .onConflict((oc) => oc.column('tg_user_id').doNothing())
      .execute();
    const row = await db
      .selectFrom('staff_users')
      .select(STAFF_COLUMNS)
      .where('tg_user_id', '=', user.id)
      .executeTakeFirst();
    return row ? withCities(db, row) : undefined;
  }
  return undefined;
}

/**
 * Redeems a one-time access code in one transaction: the code must be unused, not revoked and
 * not expired (locked, so two people racing for one code cannot both win); creates (or
 * reactivates) the staff row with the code's role, gives it the code's cities and marks the
 * code used.
 */
export async function redeemAccessCode(db: Db, code: string, user: TgUser): Promise<StaffMember | undefined> {
  if (!looksLikeAccessCode(code)) return undefined;
  const staffId = await db.transaction().execute(async (trx) => {
    const access = await trx
      .selectFrom('staff_access_codes')
      .select(['id', 'role'])
      .where(sql<string>`lower(code)`, '=', code.toLowerCase())
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
      .orderBy('id')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    if (!access) return undefined;

    const staff = await trx
      .insertInto('staff_users')
      .values({
        tg_user_id: user.id,
        username: user.username ?? null,
        full_name: user.fullName,
        role: access.role,
      })
      .onConflict((oc) =>
        oc.column('tg_user_id').doUpdateSet({
          role: access.role,
          is_active: true,
          username: user.username ?? null,
          updated_at: sql<Date>`now()`,
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();

    await trx.deleteFrom('staff_cities').where('staff_user_id', '=', staff.id).execute();
    await trx
      .insertInto('staff_cities')
      .columns(['staff_user_id', 'city_id'])
      .expression((eb) =>
        eb
          .selectFrom('staff_access_code_cities')
          .select([sql<number>`${staff.id}::int`.as('staff_user_id'), 'city_id'])
          .where('access_code_id', '=', access.id),
      )
      .execute();
    await trx
      .updateTable('staff_access_codes')
      .set({ used_at: sql<Date>`now()`, used_by_staff_id: staff.id })
      .where('id', '=', access.id)
      .execute();
    return staff.id;
  });
  if (staffId === undefined) return undefined;
  const row = await db
    .selectFrom('staff_users')
    .select(STAFF_COLUMNS)
    .where('id', '=', staffId)
    .executeTakeFirstOrThrow();
  return withCities(db, row);
}
