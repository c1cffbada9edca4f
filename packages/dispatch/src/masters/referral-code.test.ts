import { createMaster, createTestDatabase, type TestDatabase } from '@fs/testkit';
import { ensureReferralCode, REFERRAL_CODE_SHAPE, referralCodeFromStart } from './referral-code';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(() => tdb?.drop());

describe('referral codes', () => {
  it('creates a code once and returns the same code afterwards', async () => {
    const m = await createMaster(tdb.db);
    const [a, b] = await Promise.all([ensureReferralCode(tdb.db, m.id), ensureReferralCode(tdb.db, m.id)]);
    expect(a).toMatch(REFERRAL_CODE_SHAPE);
    const stored = await tdb.db
      .selectFrom('masters')
      .select('referral_code')
      .where('id', '=', m.id)
      .executeTakeFirst();
    expect([a, b]).toContain(stored!.referral_code);
    expect(await ensureReferralCode(tdb.db, m.id)).toBe(stored!.referral_code);
  });

  it('reads the code from a /start payload', () => {
    expect(referralCodeFromStart('ref_abcd2345')).toBe('ABCD2345');
    expect(referralCodeFromStart('ref_')).toBeNull();
    expect(referralCodeFromStart('CITY7788')).toBeNull();
    expect(referralCodeFromStart('ref_<script>')).toBeNull();
  });
});
