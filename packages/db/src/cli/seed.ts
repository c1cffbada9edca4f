import { createDb } from '../db';
import { FIRST_ADMIN_CODE_TTL_HOURS, seed } from '../seed/seed';

/**
 * `pnpm db:seed`: idempotent reference data. While no global admin exists it issues the first
 * one's access code and prints it once (later runs say only until when it is valid).
 */
async function main() {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/field_service';
  const db = createDb(url, { poolSize: 1, applicationName: 'seed' });
  try {
    const r = await seed(db);
    console.log(`seed: ${r.cities} cities, ${r.districts} districts, skills and default settings in place`);
    if (r.firstAdminCode) {
      console.log(
        `\n  First global admin access code (shown once, valid ${FIRST_ADMIN_CODE_TTL_HOURS} h): ${r.firstAdminCode}\n  Send it to the admin bot: /start ${r.firstAdminCode}\n`,
      );
    } else if (r.pendingFirstAdminCodeUntil) {
      console.log(
        `\n  The first global admin's access code was printed by an earlier seed and is valid until ${r.pendingFirstAdminCodeUntil.toISOString()}.\n  Lost it? Issue a new one: pnpm staff:code (containers: node staff-code.js in the migrate image)\n`,
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
