import { findCandidates } from '@fs/dispatch';
import type { Category } from '@fs/domain';
import { createTestDatabase, getCity, type TestDatabase } from '@fs/testkit';
import { DEMO_ADMIN, DEMO_MASTERS, seedDemo } from '../../../packages/db/src/seed/demo';

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 2 });
});

afterAll(async () => {
  await tdb?.drop();
});

const CATEGORIES: Category[] = ['electrics', 'plumbing', 'appliances', 'windows', 'handyman', 'roadside'];

it('puts the demo admin and masters in place, idempotently, ready to receive orders round the clock', async () => {
  await seedDemo(tdb.db);
  // Someone played with the demo: a master went off shift and was blocked, the admin deactivated.
  await tdb.db
    .updateTable('masters')
    .set({ shift_status: 'off', is_blocked: true, blocked_reason: 'x' })
    .where('tg_user_id', '=', DEMO_MASTERS[0]!.tgUserId)
    .execute();
  await tdb.db.updateTable('staff_users').set({ is_active: false }).execute();
  await seedDemo(tdb.db);

  const admin = await tdb.db
    .selectFrom('staff_users')
    .select(['full_name', 'role', 'is_active'])
    .where('tg_user_id', '=', DEMO_ADMIN.tgUserId)
    .execute();
  expect(admin).toEqual([{ full_name: 'Демо Админ', role: 'global_admin', is_active: true }]);

  const masters = await tdb.db
    .selectFrom('masters as m')
    .innerJoin('cities as c', 'c.id', 'm.city_id')
    .select([
      'm.tg_user_id',
      'm.full_name',
      'c.name as city',
      'c.timezone',
      'c.working_hours_start',
      'c.working_hours_end',
      'm.moderation_status',
      'm.verified',
      'm.shift_status',
      'm.is_blocked',
      'm.payout_method',
      'm.payout_data',
    ])
    .orderBy('m.tg_user_id')
    .execute();
  expect(masters).toHaveLength(DEMO_MASTERS.length);
  for (const m of masters) {
    expect(m).toMatchObject({
      moderation_status: 'approved',
      verified: true,
      shift_status: 'on',
      is_blocked: false,
      working_hours_start: '00:00:00',
      working_hours_end: '00:00:00',
    });
    expect(m.payout_method).not.toBeNull();
    expect(Object.keys(m.payout_data).length).toBeGreaterThan(0);
  }
  expect(new Set(masters.map((m) => m.timezone))).toEqual(new Set(['Europe/Moscow', 'Asia/Novosibirsk']));

  // Every category has exactly one eligible master in each demo city: the walkthrough is predictable.
  for (const cityName of ['Москва', 'Новосибирск']) {
    const { city } = await getCity(tdb.db, cityName);
    for (const category of CATEGORIES) {
      const found = await findCandidates(
        tdb.db,
        { id: 0, city_id: city.id, district_id: null, category, type: 'normal', preferred_master_id: null },
        { limit: 10 },
      );
      const expected = DEMO_MASTERS.filter((m) => m.city === cityName && m.skills.includes(category));
      expect([cityName, category, found.map((c) => c.fullName)]).toEqual([
        cityName,
        category,
        expected.map((m) => m.fullName),
      ]);
    }
  }
});
