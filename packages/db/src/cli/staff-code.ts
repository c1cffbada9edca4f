/**
 * `pnpm staff:code`: a one-time staff access code on demand: the first global admin's when the
 * seed's has expired or was lost, or any role's without opening the admin bot.
 *
 *   pnpm staff:code                                   # global admin, valid 24 h
 *   pnpm staff:code --role logist --city Москва --city Казань --hours 72
 *
 * In containers the migrate image carries it as staff-code.js:
 *   docker compose run --rm migrate node staff-code.js --role global_admin
 *   kubernetes: a one-off pod of the migrate image, see infra/k8s/README.md
 *
 * Reads DATABASE_URL. The code is printed once, to stdout, and never logged elsewhere.
 * Exit code 0 on success, 1 on an error, 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { STAFF_ROLES, type StaffRole } from '@fs/domain';
import { insertAccessCode } from '../access-codes';
import { createDb } from '../db';

/** A code asked for by hand is used at once: a day is plenty. */
export const STAFF_CODE_DEFAULT_HOURS = 24;

class UsageError extends Error {}

const USAGE =
  'usage: pnpm staff:code [--role global_admin|city_admin|logist] [--city NAME ...] [--hours 1-168]';

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      role: { type: 'string', default: 'global_admin' },
      city: { type: 'string', multiple: true, default: [] },
      hours: { type: 'string', default: String(STAFF_CODE_DEFAULT_HOURS) },
    },
    strict: true,
  });
  const role = values.role as StaffRole;
  if (!STAFF_ROLES.includes(role)) throw new UsageError(`unknown role ${values.role}`);
  const hours = Number(values.hours);
  if (!Number.isInteger(hours) || hours < 1 || hours > 168) throw new UsageError('--hours must be 1-168');
  const cities = values.city as string[];
  if (role !== 'global_admin' && cities.length === 0) throw new UsageError(`--city is required for ${role}`);
  return { role, hours, cities };
}

async function main() {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/field_service';
  const db = createDb(url, { poolSize: 1, applicationName: 'staff-code' });
  try {
    const cities = args.cities.length
      ? await db.selectFrom('cities').select(['id', 'name']).where('name', 'in', args.cities).execute()
      : [];
    const unknown = args.cities.filter((n) => !cities.some((c) => c.name === n));
    if (unknown.length > 0) {
      console.error(`unknown cities: ${unknown.join(', ')}\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    const issued = await insertAccessCode(db, {
      role: args.role,
      cityIds: cities.map((c) => c.id),
      ttlHours: args.hours,
      comment: 'pnpm staff:code',
    });
    console.log(
      `\n  Access code (${args.role}${cities.length ? `, ${cities.map((c) => c.name).join(', ')}` : ''}): ${issued.code}\n` +
        `  Valid until ${issued.expiresAt.toISOString()}, once. Send it to the admin bot: /start ${issued.code}\n`,
    );
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error('staff:code failed:', err);
  process.exit(1);
});
