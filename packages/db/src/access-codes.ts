import { ACCESS_CODE_TTL_HOURS, newAccessCode, type StaffRole } from '@fs/domain';
import { sql } from 'kysely';
import type { Db } from './db';

type Executor = Pick<Db, 'insertInto'>;

export interface IssuedAccessCode {
  id: number;
  code: string;
  expiresAt: Date;
}

/**
 * Inserts a one-time access code (the one place codes are made: the admin bot, the seed's first
 * admin and `pnpm staff:code`).
 * Run it inside the caller's transaction when the caller audits it.
 */
export async function insertAccessCode(
  db: Executor,
  input: {
    role: StaffRole;
    cityIds?: readonly number[];
    issuedByStaffId?: number | null;
    ttlHours?: number;
    comment?: string | null;
  },
): Promise<IssuedAccessCode> {
  const cityIds = input.role === 'global_admin' ? [] : [...new Set(input.cityIds ?? [])];
  const hours = input.ttlHours ?? ACCESS_CODE_TTL_HOURS;
  // A clash with an existing code (about 1 in 10^12 per code) takes a new one; ON CONFLICT
  // keeps the caller's transaction usable.
  for (let attempt = 0; attempt < 5; attempt++) {
    const row = await db
      .insertInto('staff_access_codes')
      .values({
        code: newAccessCode(),
        role: input.role,
        issued_by_staff_id: input.issuedByStaffId ?? null,
        comment: input.comment ?? null,
        expires_at: sql<Date>`now() + make_interval(hours => ${hours}::int)`,
      })
      .onConflict((oc) => oc.column('code').doNothing())
      .returning(['id', 'code', 'expires_at'])
      .executeTakeFirst();
    if (!row) continue;
    if (cityIds.length > 0) {
      await db
        .insertInto('staff_access_code_cities')
        .values(cityIds.map((city_id) => ({ access_code_id: row.id, city_id })))
        .execute();
    }
    return { id: row.id, code: row.code, expiresAt: row.expires_at! };
  }
  throw new Error('insertAccessCode: five code clashes in a row');
}
