import { createDb, migrateToLatest, seed } from '@fs/db';
import { Client } from 'pg';
import { pgUrlFor, TEST_PG_ADMIN_URL } from '../env';

/** Builds this run's template database once: migrated and seeded. Workers clone it per file. */
export default async function globalSetup(): Promise<void> {
  const template = `fs_tpl_${Date.now()}_${process.pid}`;
  process.env.FS_TEST_TEMPLATE_DB = template;
  const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    // Databases of crashed runs older than an hour are abandoned: drop them. "Now" is the
    // server's clock, not this process's: a run under faketime must not drop live runs' databases.
    const stale = await admin.query<{ datname: string; now: string }>(
      "SELECT datname, (extract(epoch FROM now()) * 1000)::bigint::text AS now FROM pg_database WHERE datname LIKE 'fs_test_%' OR datname LIKE 'fs_tpl_%'",
    );
    for (const { datname, now } of stale.rows) {
      const ts = Number(datname.split('_')[2]);
      if (Number.isFinite(ts) && Number(now) - ts > 3600_000) {
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
      }
    }
    await admin.query(`CREATE DATABASE "${template}"`);
  } finally {
    await admin.end();
  }
  const db = createDb(pgUrlFor(template), { poolSize: 1 });
  try {
    await migrateToLatest(db);
    await seed(db);
  } finally {
    await db.destroy();
  }
}
