/**
 * Shared pieces of the fault tests (test/faults/*.test.ts): a private redis-server that a test
 * may kill and restart (the shared Redis on 6379 is never touched), the sender's and the
 * scheduler's environment, outbox bursts, duplicate counting at the fake Telegram, and
 * event-driven waits with deadlines. Everything listens on 127.0.0.1 only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '@fs/db';
import { insertOutbox, type OutboxRef, Queues } from '@fs/queue';
import {
  createTestDatabase,
  createTestRedis,
  type FakeCall,
  FakeTelegram,
  type TestDatabase,
  type TestRedis,
} from '@fs/testkit';
import { sql } from 'kysely';

export const ROOT = path.resolve(__dirname, '../..');
export const MASTER_TOKEN = '111111:faults-master-token';
export const ADMIN_TOKEN = '222222:faults-admin-token';
/** Logs of in-process services and child processes; FAULTS_LOG_LEVEL=info to see them. */
export const LOG_LEVEL = process.env.FAULTS_LOG_LEVEL ?? 'silent';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Polls `fn` until it returns a truthy value; fails with `what` and the last value after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs: number,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ── a private Redis ──────────────────────────────────────────────────────────

/**
 * A redis-server of this test alone on a free loopback port, without persistence: killing it
 * loses every key, as a crashed Redis without AOF/RDB does. Restart reuses the port.
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'fs-faults-redis-'));
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.port === 0 || attempt > 0) this.port = await freePort();
      try {
        await this.spawn();
        return;
      } catch (err) {
        if (attempt >= 5) throw err;
      }
    }
  }

  /** Starts it again on the same port, empty. */
  async restart(): Promise<void> {
    await this.spawn();
  }

  /** SIGKILL: no shutdown, no save; clients see the connection reset. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    child.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private spawn(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--dir',
        this.dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let out = '';
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`redis-server on ${this.port} not ready in 5 s:\n${out}`));
      }, 5000);
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (this.child === child) this.child = null;
        reject(new Error(`redis-server on ${this.port} exited (${code}):\n${out}`));
      });
    });
  }
}

// ── sender processes ────────────────────────────────────────────────────────

export interface SenderProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

const senders = new Set<ChildProcess>();

/** notifications-sender as a real process (`node --import tsx …/main.ts`). */
export function spawnSender(env: Record<string, string>): SenderProcess {
  // node itself, not the tsx wrapper: a signal must hit the process that holds the jobs.
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/notifications-sender/src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  senders.add(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-8000);
  });
  child.stderr?.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-8000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      senders.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, exited, output: () => out };
}

/** SIGKILL for every sender process still running (afterAll). */
export function killSenders(): void {
  for (const child of senders) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
}

export async function waitReady(svc: SenderProcess, port: number, timeoutMs: number): Promise<void> {
  let gone = false;
  void svc.exited.then(() => {
    gone = true;
  });
  await waitUntil(
    'sender /health/ready = 200',
    async () => {
      if (gone) throw new Error(`sender exited before becoming ready\n${svc.output()}`);
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`, {
        signal: AbortSignal.timeout(1000),
      }).catch(() => null);
      return res?.status === 200;
    },
    timeoutMs,
    100,
  );
}

/** What a test of sender processes runs against: its own database, Redis prefix, fake Telegram and queues. */
export interface SenderProcessBase {
  tdb: TestDatabase;
  redis: TestRedis;
  tg: FakeTelegram;
  queues: Queues;
}

export async function startSenderProcessBase(): Promise<SenderProcessBase> {
  const tg = new FakeTelegram();
  const [tdb, redis] = await Promise.all([createTestDatabase(), createTestRedis(), tg.start()]);
  return { tdb, redis, tg, queues: new Queues({ connection: redis.connection, prefix: redis.prefix }) };
}

/** afterAll: SIGKILL for the sender processes still running, then closes the base (parts a failed start left unset are skipped). */
export async function stopSenderProcessBase(b: Partial<SenderProcessBase>): Promise<void> {
  killSenders();
  await b.queues?.close();
  await b.redis?.cleanup();
  await b.tg?.stop();
  await b.tdb?.drop();
}

// ── service environments ───────────────────────────────────────────────────

export function senderEnv(o: {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  apiRoot: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: o.databaseUrl,
    DATABASE_POOL_SIZE: '20',
    REDIS_URL: o.redisUrl,
    REDIS_PREFIX: o.prefix,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL,
    LOG_PRETTY: 'false',
    SHUTDOWN_TIMEOUT_MS: '5000',
    TELEGRAM_API_ROOT: o.apiRoot,
    MASTER_BOT_TOKEN: MASTER_TOKEN,
    ADMIN_BOT_TOKEN: ADMIN_TOKEN,
    OUTBOX_RELAY_INTERVAL_MS: '500',
    ...o.extra,
  };
}

// ── outbox bursts ───────────────────────────────────────────────────────────

/** `count` pending staff_message rows to distinct raw chat ids, in one statement (not enqueued). */
export async function insertChatBurst(
  db: Db,
  o: { count: number; bot?: 'master' | 'admin'; firstChatId: number; text?: string },
): Promise<{ refs: OutboxRef[]; chatIds: number[] }> {
  const chatIds = Array.from({ length: o.count }, (_, i) => o.firstChatId + i);
  const refs = await insertOutbox(
    db,
    chatIds.map((chatId, i) => ({
      bot: o.bot ?? 'master',
      event: 'staff_message' as const,
      chat_id: chatId,
      payload: { from: 'Диспетчер', text: `${o.text ?? 'Сообщение'} ${i + 1}` },
    })),
  );
  return { refs, chatIds };
}

export async function outboxCounts(db: Db, ids?: readonly number[]): Promise<Record<string, number>> {
  let q = db
    .selectFrom('notifications_outbox')
    .select(['status', sql<string>`count(*)`.as('n')])
    .groupBy('status');
  if (ids) q = q.where('id', 'in', ids as number[]);
  const rows = await q.execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Waits until every row of `ids` is `sent`; on timeout the error carries the rows' status counts (and `context()`). */
export async function waitAllSent(
  db: Db,
  ids: readonly number[],
  timeoutMs: number,
  context?: () => string,
): Promise<void> {
  await waitUntil(
    `every row of ${ids.length} sent`,
    async () => (await outboxCounts(db, ids)).sent === ids.length,
    timeoutMs,
    200,
  ).catch(async (err: Error) => {
    const counts = JSON.stringify(await outboxCounts(db, ids));
    throw new Error(`${err.message}: ${counts}${context ? `\n${context()}` : ''}`);
  });
}

/** Accepted sendMessage calls per chat on one token. */
export function acceptedSendsByChat(tg: FakeTelegram, token: string): Map<number, FakeCall[]> {
  const byChat = new Map<number, FakeCall[]>();
  for (const c of tg.calls) {
    if (c.token !== token || c.method !== 'sendMessage' || !c.response?.ok) continue;
    const chat = Number(c.params.chat_id);
    const list = byChat.get(chat) ?? [];
    list.push(c);
    byChat.set(chat, list);
  }
  return byChat;
}

/** Messages Telegram accepted more than once for the same chat, over the given chats. */
export function duplicates(tg: FakeTelegram, token: string, chatIds: readonly number[]): number {
  const byChat = acceptedSendsByChat(tg, token);
  return chatIds.reduce((n, id) => n + Math.max(0, (byChat.get(id)?.length ?? 0) - 1), 0);
}

/** A run-unique block of fake chat ids (so parallel files never share a chat). */
export function chatIdBase(): number {
  return 5_000_000_000 + Math.floor(Math.random() * 1_000_000) * 10_000;
}

/** The one-line figure summary each fault test prints. */
export function report(test: string, figures: Record<string, string | number | boolean>): void {
  const line = Object.entries(figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.log(`[faults] ${test}: ${line}`);
}
