import { createDb } from '../db';
import { migrateToLatest } from '../migrator';

/** `pnpm db:migrate`: applies pending migrations to DATABASE_URL. Idempotent. */
async function main() {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/field_service';
  const db = createDb(url, { poolSize: 1, applicationName: 'migrate' });
  try {
    const { results } = await migrateToLatest(db);
    const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    console.log(
      applied.length ? `migrations applied: ${applied.join(', ')}` : 'migrations: database is up to date',
    );
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error('migration failed:', err);
  process.exit(1);
});
