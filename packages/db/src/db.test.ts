import { createDb, createMigrator, MIGRATIONS, migrateToLatest, seed } from '@fs/db';
import { CATEGORIES } from '@fs/domain';
import { createTestDatabase, pgUrlFor, TEST_PG_ADMIN_URL, type TestDatabase } from '@fs/testkit';
import { Migrator, NO_MIGRATIONS } from 'kysely';
import { Client } from 'pg';

describe('migrations and seed', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ poolSize: 2 });
  });
  afterAll(() => t.drop());

  it('migrates an empty database up, down and up again, and a re-run is a no-op', async () => {
    const name = `fs_test_${Date.now()}_empty`;
    const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const db = createDb(pgUrlFor(name), { poolSize: 1 });
    try {
      const all = Object.keys(MIGRATIONS).map(() => 'Success');
      const first = await migrateToLatest(db);
      expect(first.results?.map((r) => r.status)).toEqual(all);
      const again = await migrateToLatest(db);
      expect(again.results).toEqual([]);
      const down = await createMigrator(db).migrateTo(NO_MIGRATIONS);
      expect(down.error).toBeUndefined();
      const tables = await db.introspection.getTables();
      expect(tables.map((t) => t.name)).toEqual([]);
      const up = await migrateToLatest(db);
      expect(up.results?.map((r) => r.status)).toEqual(all);
    } finally {
      await db.destroy();
      await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });

  it('runs a migration that landed after a higher-numbered one already ran (parallel issues)', async () => {
    const name = `fs_test_${Date.now()}_unordered`;
    const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const db = createDb(pgUrlFor(name), { poolSize: 1 });
    try {
      // 0172 (issue 17) landed on main after 0180 (issue 18) had run on existing databases.
      const late = '2026_12_05_0172_reviews';
      expect(Object.keys(MIGRATIONS).sort().indexOf(late)).toBeLessThan(Object.keys(MIGRATIONS).length - 1);
      const before = Object.fromEntries(Object.entries(MIGRATIONS).filter(([n]) => n !== late));
      const early = new Migrator({ db, provider: { getMigrations: async () => before } });
      expect((await early.migrateToLatest()).error).toBeUndefined();
      const result = await migrateToLatest(db);
      expect(result.results?.map((r) => [r.migrationName, r.status])).toEqual([[late, 'Success']]);
    } finally {
      await db.destroy();
      await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });

  it('seeds reference data idempotently; the first-admin code is printed by the run that made it only, valid 24 h', async () => {
    const counts = async () => ({
      cities: Number(
        (
          await t.db
            .selectFrom('cities')
            .select((e) => e.fn.countAll().as('c'))
            .executeTakeFirstOrThrow()
        ).c,
      ),
      districts: Number(
        (
          await t.db
            .selectFrom('districts')
            .select((e) => e.fn.countAll().as('c'))
            .executeTakeFirstOrThrow()
        ).c,
      ),
      settings: Number(
        (
          await t.db
            .selectFrom('settings')
            .select((e) => e.fn.countAll().as('c'))
            .executeTakeFirstOrThrow()
        ).c,
      ),
      codes: Number(
        (
          await t.db
            .selectFrom('staff_access_codes')
            .select((e) => e.fn.countAll().as('c'))
            .executeTakeFirstOrThrow()
        ).c,
      ),
    });
    // The template database was seeded: its first-admin code exists and is not shown again.
    const before = await counts();
    const again = await seed(t.db);
    expect(await counts()).toEqual(before);
    expect(before.cities).toBeGreaterThan(40);
    expect(before.codes).toBe(1);
    expect(again.firstAdminCode).toBeNull();
    expect(again.pendingFirstAdminCodeUntil).toBeInstanceOf(Date);

    // With no valid code left, a run issues one (printed by that run only), valid 24 h.
    await t.db
      .updateTable('staff_access_codes')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    const r1 = await seed(t.db);
    const r2 = await seed(t.db);
    expect(r1.firstAdminCode).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/);
    expect(r2.firstAdminCode).toBeNull();
    const issued = await t.db
      .selectFrom('staff_access_codes')
      .select(['created_at', 'expires_at'])
      .where('code', '=', r1.firstAdminCode!)
      .executeTakeFirstOrThrow();
    expect((issued.expires_at!.getTime() - issued.created_at.getTime()) / 3_600_000).toBeCloseTo(24, 1);
    expect(r2.pendingFirstAdminCodeUntil).toEqual(issued.expires_at);
    const skills = await t.db.selectFrom('skills').select('code').execute();
    expect(skills.map((s) => s.code).sort()).toEqual([...CATEGORIES].sort());
  });

  it('gives every city a valid IANA timezone', async () => {
    const cities = await t.db.selectFrom('cities').select(['name', 'timezone']).execute();
    for (const c of cities) {
      expect(() => new Intl.DateTimeFormat('ru-RU', { timeZone: c.timezone })).not.toThrow();
    }
    const zones = new Set(cities.map((c) => c.timezone));
    expect(zones.has('Asia/Vladivostok')).toBe(true);
  });

  it('allows one live offer per master and order and one accepted offer per order', async () => {
    const city = await t.db
      .selectFrom('cities')
      .select('id')
      .where('name', '=', 'Москва')
      .executeTakeFirstOrThrow();
    const order = await t.db
      .insertInto('orders')
      .values({ city_id: city.id, category: 'electrics', status: 'searching' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const [m1, m2] = await t.db
      .insertInto('masters')
      .values([{ tg_user_id: 9001 }, { tg_user_id: 9002 }])
      .returning('id')
      .execute();
    const offer = (master_id: number, state: 'sent' | 'accepted' | 'expired') =>
      t.db
        .insertInto('offers')
        .values({
          order_id: order.id,
          master_id,
          round_number: 1,
          state,
          expires_at: new Date(Date.now() + 60_000),
        })
        .execute();
    await offer(m1!.id, 'expired');
    await offer(m1!.id, 'sent');
    await expect(offer(m1!.id, 'sent')).rejects.toThrow(/uq_offers__order_master_live/);
    await offer(m2!.id, 'accepted');
    await expect(
      t.db
        .updateTable('offers')
        .set({ state: 'accepted' })
        .where('master_id', '=', m1!.id)
        .where('state', '=', 'sent')
        .execute(),
    ).rejects.toThrow(/uq_offers__order_accepted/);
    const accepted = await t.db.selectFrom('offers').select('id').where('state', '=', 'accepted').execute();
    expect(accepted).toHaveLength(1);
  });
});
