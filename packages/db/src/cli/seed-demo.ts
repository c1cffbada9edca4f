import { createDb } from '../db';
import { DEMO_ADMIN, DEMO_CITIES, DEMO_MASTERS, DEMO_WORKING_HOURS, seedDemo } from '../seed/demo';

/** `pnpm db:seed:demo`: the sandbox's demo admin and masters (idempotent; run `pnpm db:seed` first). */
async function main() {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/field_service';
  const db = createDb(url, { poolSize: 1, applicationName: 'seed-demo' });
  try {
    await seedDemo(db);
    console.log(
      `demo seed: global admin "${DEMO_ADMIN.fullName}" (tg ${DEMO_ADMIN.tgUserId}), ${DEMO_MASTERS.length} masters on shift in ${DEMO_CITIES.join(' and ')}; ` +
        `they now work round the clock (${DEMO_WORKING_HOURS.start}–${DEMO_WORKING_HOURS.end} city time)`,
    );
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error('demo seed failed:', err);
  process.exit(1);
});
