/**
 * `pnpm staff:code` as a process (node --import tsx, as pnpm runs it): issues a code of the
 * asked role and cities, valid the asked hours, printed once; bad arguments exit 2.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@fs/testkit';

const ROOT = path.resolve(__dirname, '../../../..');
// tsx compiles on start: tens of seconds on a busy 2-core machine. The limit bounds a hang.
const RUN_WITHIN_MS = 120_000;
jest.setTimeout(3 * RUN_WITHIN_MS);

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 1 });
});
afterAll(() => tdb?.drop());

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/db/src/cli/staff-code.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: tdb.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`staff-code did not finish within ${RUN_WITHIN_MS} ms\n${out}\n${err}`));
    }, RUN_WITHIN_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

it('issues a logist code for the given cities, valid the given hours, printed once', async () => {
  const r = await run(['--role', 'logist', '--city', 'Москва', '--city', 'Казань', '--hours', '12']);
  expect(r).toMatchObject({ code: 0 });
  const code = /: ([A-Z0-9]{8})\n/.exec(r.out)?.[1];
  expect(code).toBeDefined();
  expect(r.out.split(code!).length - 1).toBe(2); // the code line and the /start hint
  const row = await tdb.db
    .selectFrom('staff_access_codes as k')
    .select(['k.id', 'k.role', 'k.created_at', 'k.expires_at', 'k.comment', 'k.used_at'])
    .where('k.code', '=', code!)
    .executeTakeFirstOrThrow();
  expect(row).toMatchObject({ role: 'logist', comment: 'pnpm staff:code', used_at: null });
  expect((row.expires_at!.getTime() - row.created_at.getTime()) / 3_600_000).toBeCloseTo(12, 1);
  const cities = await tdb.db
    .selectFrom('staff_access_code_cities as kc')
    .innerJoin('cities as c', 'c.id', 'kc.city_id')
    .select('c.name')
    .where('kc.access_code_id', '=', row.id)
    .orderBy('c.name')
    .execute();
  expect(cities.map((c) => c.name)).toEqual(['Казань', 'Москва']);
});

it.each([
  [['--role', 'logist'], '--city is required for logist'],
  [['--role', 'city_admin', '--city', 'Атлантида'], 'unknown cities: Атлантида'],
])('%j → exit 2: %s', async (args, message) => {
  const r = await run(args);
  expect(r.code).toBe(2);
  expect(r.err).toContain(message);
});
