import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../shared/deps';

/** Deep links carry a referral code as `/start ref_<CODE>`. */
export const REFERRAL_START_PREFIX = 'ref_';

/** Letters and digits that cannot be confused when read aloud or retyped (no 0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const REFERRAL_CODE_SHAPE = /^[A-Z2-9]{6,12}$/;

export function newReferralCode(length = 8): string {
  let code = '';
  for (let i = 0; i < length; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** The referral code inside a `/start` payload (`ref_ABC…`), upper-cased, or null. */
export function referralCodeFromStart(payload: string): string | null {
  const raw = payload.trim();
  if (!raw.toLowerCase().startsWith(REFERRAL_START_PREFIX)) return null;
  const code = raw.slice(REFERRAL_START_PREFIX.length).toUpperCase();
  return REFERRAL_CODE_SHAPE.test(code) ? code : null;
}

/**
 * The master's own referral code, created on first use (unique; a collision retries with a
 * new code). Safe under concurrency: only a null code is ever set.
 */
export async function ensureReferralCode(db: Executor, masterId: number): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await db
      .selectFrom('masters')
      .select('referral_code')
      .where('id', '=', masterId)
      .executeTakeFirst();
    if (!existing) throw new Error(`no master ${masterId}`);
    if (existing.referral_code) return existing.referral_code;
    const code = newReferralCode();
    const taken = await db
      .selectFrom('masters')
      .select('id')
      .where('referral_code', '=', code)
      .executeTakeFirst();
    if (taken) continue;
    try {
      await db
        .updateTable('masters')
        .set({ referral_code: code, updated_at: sql<Date>`now()` })
        .where('id', '=', masterId)
        .where('referral_code', 'is', null)
        .execute();
    } catch (err) {
      // Another master took the same code between the check and the update: try a new one.
      if ((err as { code?: string }).code !== '23505') throw err;
    }
  }
  throw new Error(`could not allocate a referral code for master ${masterId}`);
}
