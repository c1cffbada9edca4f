import { createDb } from '../db';
import { seed } from '../seed/seed';

/** `pnpm db:seed`: idempotent reference data; prints the first global admin's access code once. */
async function main() {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/field_service';
  const db = createDb(url, { poolSize: 1, applicationName: 'seed' });
  try {
    const r = await seed(db);
    console.log(`seed: ${r.cities} cities, ${r.districts} districts, skills and default settings in place`);
    if (r.firstAdminCode) {
      console.log(
        `\n  First global admin access code: ${r.firstAdminCode}\n  Send it to the admin bot: /start ${r.firstAdminCode}\n`,
      );
    }
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error('seed failed:', err);
  process.exit(1);
});
