/**
 * `services/sandbox/src/main.ts` as `pnpm dev` runs it: a child process that validates its
 * environment, prints the web URL, serves both ports, and exits 0 on SIGTERM.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@fs/testkit';

const ROOT = path.resolve(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

let tdb: TestDatabase;
// tsx compiles the sandbox on start: 20+ s on a busy 2-core machine. The limit bounds a hang.
const START_WITHIN_MS = 120_000;

beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 1 });
});

afterAll(async () => {
  await tdb?.drop();
});

function run(env: Record<string, string>) {
  const child = spawn(TSX, ['services/sandbox/src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
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
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, out: () => out, err: () => err };
}

async function until<T>(get: () => T | undefined, ms: number, what: () => string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it(
  'prints where to open the web chat, serves the page and the Bot API, and stops cleanly on SIGTERM',
  async () => {
    const p = run({
      DATABASE_URL: tdb.url,
      MASTER_BOT_TOKEN: '111111:main-test-master',
      ADMIN_BOT_TOKEN: '222222:main-test-admin',
      SANDBOX_API_PORT: '0',
      SANDBOX_SMS_PORT: '0',
      SANDBOX_WEB_PORT: '0',
      SANDBOX_STOP_DELAY_MS: '0',
      LOG_LEVEL: 'info',
      LOG_PRETTY: 'false',
    });
    try {
      const [, webUrl, token] = await until(
        () => /Откройте (http:\/\/127\.0\.0\.1:\d+)\/\?token=([\w-]{20,})/.exec(p.out()) ?? undefined,
        START_WITHIN_MS,
        () => p.out() + p.err(),
      );
      // The printed link carries this run's token; the API refuses calls without it.
      expect((await fetch(`${webUrl}/api/state`)).status).toBe(401);
      expect((await fetch(`${webUrl}/api/state?token=${token}`)).status).toBe(200);
      const apiRoot = await until(() => /"apiRoot":"([^"]+)"/.exec(p.out())?.[1], 5000, p.out);
      expect((await fetch(`${webUrl}/`)).status).toBe(200);
      const me = (await (await fetch(`${apiRoot}/bot222222:main-test-admin/getMe`)).json()) as {
        result: { username: string };
      };
      expect(me.result.username).toBe('fs_admin_sandbox_bot');
    } finally {
      p.child.kill('SIGTERM');
    }
    expect(await p.exited).toBe(0);
  },
  START_WITHIN_MS + 60_000,
);

it(
  'a bad environment stops it with the variable named',
  async () => {
    const p = run({ DATABASE_URL: tdb.url, MASTER_BOT_TOKEN: 'nope', SANDBOX_WEB_PORT: '0' });
    expect(await p.exited).toBe(1);
    expect(p.err()).toContain('MASTER_BOT_TOKEN must look like');
    expect(p.err()).toContain('ADMIN_BOT_TOKEN is required but not set');
  },
  START_WITHIN_MS,
);
