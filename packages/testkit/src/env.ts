/** Where tests find the local services. Override with TEST_PG_URL / TEST_REDIS_URL. */
export const TEST_PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/**
 * Migrated, seeded database that each test file clones (CREATE DATABASE … TEMPLATE). One per
 * jest run (global setup sets FS_TEST_TEMPLATE_DB for the workers), so parallel runs never collide.
 */
export function templateDbName(): string {
  return process.env.FS_TEST_TEMPLATE_DB ?? 'fs_tpl_default';
}

export function pgUrlFor(database: string): string {
  const u = new URL(TEST_PG_ADMIN_URL);
  u.pathname = `/${database}`;
  return u.toString();
}
