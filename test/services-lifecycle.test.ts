/**
 * Each service as a real child process (`tsx services/<name>/src/main.ts`), the way it runs in
 * production: reads its env, connects to a fresh test database and a private Redis prefix,
 * becomes ready, serves /health/live and /metrics, and on SIGTERM drains and exits 0.
 * A bad environment stops it with exit code 1 and the variable's name on stderr. Telegram is
 * the testkit's FakeTelegram.
 *
 * The limits are for a busy 2-core machine (load 10-30: tsx compiling four services at once can
 * take most of a minute); they bound a hang, they do not measure speed. The services start side
 * by side (`it.concurrent`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  createTestDatabase,
  createTestRedis,
  FakeTelegram,
  type TestDatabase,
  type TestRedis,
} from '@fs/testkit';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const MASTER_TOKEN = '111111:lifecycle-master-token';
const ADMIN_TOKEN = '222222:lifecycle-admin-token';

jest.setTimeout(240_000);
/** Start-up to /health/ready, and to exit 1 on a bad environment. */
const START_LIMIT_MS = 120_000;
/** SIGTERM to exit: the service's own SHUTDOWN_TIMEOUT_MS (8 s) plus room for a busy machine. */
const STOP_LIMIT_MS = 60_000;

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

interface Running {
  child: ChildProcess;
  output: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startService(name: string, env: Record<string, string>): Running {
  const child = spawn(TSX, [`services/${name}/src/main.ts`], {
    cwd: ROOT,
    // Only what the test gives (plus PATH/HOME): nothing leaks in from the developer's shell.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  running.add(child);
  void exited.then(() => running.delete(child));
  return {
    child,
    exited,
    stderr: () => err,
    output: () => `--- stdout ---\n${out.slice(-4000)}\n--- stderr ---\n${err.slice(-4000)}`,
  };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Polls /health/ready until 200; fails early if the process exits. */
async function waitReady(svc: Running, base: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  let gone = false;
  void svc.exited.then(() => {
    gone = true;
  });
  while (Date.now() < deadline) {
    if (gone) throw new Error(`exited before becoming ready (${last})\n${svc.output()}`);
    try {
      const res = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`/health/ready not 200 within ${timeoutMs} ms (last: ${last})\n${svc.output()}`);
}

const running = new Set<ChildProcess>();
let telegram: FakeTelegram;
let apiRoot: string;
let redis: TestRedis;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  telegram = new FakeTelegram();
  [apiRoot, redis] = await Promise.all([telegram.start(), createTestRedis()]);
});

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await Promise.all(databases.map((d) => d.drop()));
  await redis?.cleanup();
  await telegram?.stop();
});

async function baseEnv(): Promise<Record<string, string>> {
  const tdb = await createTestDatabase({ poolSize: 1 });
  databases.push(tdb);
  return {
    DATABASE_URL: tdb.url,
    DATABASE_POOL_SIZE: '4',
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
    SHUTDOWN_TIMEOUT_MS: '8000',
    TELEGRAM_API_ROOT: apiRoot,
    BOT_MODE: 'polling',
    MASTER_BOT_TOKEN: MASTER_TOKEN,
    ADMIN_BOT_TOKEN: ADMIN_TOKEN,
  };
}

const SERVICES: { name: string; polls?: string }[] = [
  { name: 'admin-bot', polls: ADMIN_TOKEN },
  { name: 'master-bot', polls: MASTER_TOKEN },
  { name: 'distribution-scheduler' },
  { name: 'notifications-sender' },
];

describe.each(SERVICES)('$name as a process', ({ name, polls }) => {
  it.concurrent('becomes ready, serves health and metrics, and exits 0 on SIGTERM', async () => {
    const env = await baseEnv();
    const base = `http://127.0.0.1:${env.HTTP_PORT}`;
    const svc = startService(name, env);

    await waitReady(svc, base, START_LIMIT_MS);

    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('process_cpu_user_seconds_total');

    if (polls) {
      // The bot asked TELEGRAM_API_ROOT who it is and switched to long polling, with its own token.
      const methods = telegram.calls.filter((c) => c.token === polls).map((c) => c.method);
      expect(methods).toContain('getMe');
      await telegram.waitFor((c) => c.token === polls && c.method === 'deleteWebhook', 30_000);
    }

    svc.child.kill('SIGTERM');
    const { code, signal } = await within(svc.exited, STOP_LIMIT_MS, `${name} exit after SIGTERM`).catch(
      (err) => {
        throw new Error(`${err.message}\n${svc.output()}`);
      },
    );
    if (code !== 0) throw new Error(`${name} exited with code ${code} (signal ${signal})\n${svc.output()}`);
    expect(code).toBe(0);
  });
});

describe('a bad environment', () => {
  it.concurrent('stops master-bot with exit code 1 naming the missing MASTER_BOT_TOKEN', async () => {
    const { MASTER_BOT_TOKEN: _omitted, ...env } = await baseEnv();
    const svc = startService('master-bot', env);
    const { code } = await within(svc.exited, START_LIMIT_MS, 'master-bot exit');
    expect(code).toBe(1);
    expect(svc.stderr()).toContain('MASTER_BOT_TOKEN');
  });

  it.concurrent('stops notifications-sender with exit code 1 naming a malformed REDIS_PREFIX and ADMIN_BOT_TOKEN', async () => {
    const env = { ...(await baseEnv()), REDIS_PREFIX: 'no-hash-tag', ADMIN_BOT_TOKEN: 'not-a-token' };
    const svc = startService('notifications-sender', env);
    const { code } = await within(svc.exited, START_LIMIT_MS, 'notifications-sender exit');
    expect(code).toBe(1);
    expect(svc.stderr()).toContain('REDIS_PREFIX');
    expect(svc.stderr()).toContain('ADMIN_BOT_TOKEN');
  });
});
