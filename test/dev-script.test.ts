/**
 * `pnpm dev` as a person runs it in a terminal (sandbox mode, own ports, a test database and
 * Redis prefix): once every service is up, Ctrl-C (SIGINT to the terminal's foreground process
 * group: pnpm and the script) stops everything, and the output ends with one line saying so —
 * no pnpm "ELIFECYCLE Command failed", no per-service "… exited with code 0" command lines —
 * and the exit code is 0.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fs/testkit';

const ROOT = path.resolve(__dirname, '..');

jest.setTimeout(300_000);

let tdb: TestDatabase;
let redis: TestRedis;

beforeAll(async () => {
  [tdb, redis] = await Promise.all([createTestDatabase({ poolSize: 1 }), createTestRedis()]);
});

afterAll(async () => {
  await redis?.cleanup();
  await tdb?.drop();
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

async function until(done: () => boolean, ms: number, what: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const STARTED = [
  'admin bot started',
  'master bot started',
  'distribution scheduler started',
  'notifications sender started',
  'client bot started',
  'sandbox ready',
];

it('Ctrl-C stops every service and the output ends with one line saying all services stopped', async () => {
  const [admin, master, scheduler, sender, client, api, web, sms] = await Promise.all(
    Array.from({ length: 8 }, () => freePort()),
  );
  const child = spawn('pnpm', ['dev'], {
    cwd: ROOT,
    // Its own process group, like a terminal's foreground job: the whole group gets the SIGINT.
    detached: true,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_URL: tdb.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      // Empty tokens win over a developer's .env: sandbox mode, nothing reaches Telegram.
      MASTER_BOT_TOKEN: '',
      ADMIN_BOT_TOKEN: '',
      CLIENT_BOT_TOKEN: '',
      ADMIN_BOT_PORT: String(admin),
      MASTER_BOT_PORT: String(master),
      SCHEDULER_PORT: String(scheduler),
      SENDER_PORT: String(sender),
      CLIENT_BOT_PORT: String(client),
      SANDBOX_API_PORT: String(api),
      SANDBOX_WEB_PORT: String(web),
      SANDBOX_SMS_PORT: String(sms),
      SANDBOX_STOP_DELAY_MS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  try {
    await until(
      () => STARTED.every((line) => output.includes(line)),
      240_000,
      () => `not every service started:\n${output.slice(-3000)}`,
    );
    process.kill(-child.pid!, 'SIGINT');
    const { code, signal } = await exited;
    const lines = output.trimEnd().split('\n');
    expect({ code, signal, last: lines.at(-1) }).toEqual({
      code: 0,
      signal: null,
      last: '▸ all services stopped',
    });
    expect(output).not.toContain('ELIFECYCLE');
    expect(output).not.toMatch(/exited with code/);
    // Every service drained rather than being killed.
    expect(output.match(/stopped cleanly/g)).toHaveLength(STARTED.length);
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
});
