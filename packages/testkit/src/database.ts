import { randomBytes } from 'node:crypto';
import { createDb, type Db } from '@fs/db';
import { Client } from 'pg';
import { pgUrlFor, TEST_PG_ADMIN_URL, templateDbName } from './env';

export interface TestDatabase {
  db: Db;
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

/**
 * A fresh, migrated and seeded database for one test file, cloned from the template that
 * jest's global setup built (a clone takes ~100 ms instead of running migrations).
 */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const name = `fs_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await withAdmin(async (c) => {
    // CREATE DATABASE … TEMPLATE fails if another session is connected to the template at that moment.
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE "${name}" TEMPLATE ${templateDbName()}`);
        return;
      } catch (err) {
        if (attempt >= 20 || !/being accessed by other users/.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  const url = pgUrlFor(name);
  const db = createDb(url, { poolSize: options.poolSize ?? 10, applicationName: 'test' });
  let dropped = false;
  return {
    db,
    url,
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.destroy();
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
