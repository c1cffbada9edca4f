import { Client } from 'pg';
import { TEST_PG_ADMIN_URL } from '../env';

export default async function globalTeardown(): Promise<void> {
  const template = process.env.FS_TEST_TEMPLATE_DB;
  if (!template) return;
  const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
