/**
 * Fault: three notifications-sender processes (real replicas: own pools, Redis connections and
 * workers) share a burst, and one of them at a time is frozen with SIGSTOP — a process starved
 * of CPU on an overloaded machine: no renewal, no send, no record — while it holds rows whose
 * sends are in flight, for 115 % of SENDER_LEASE_MS, then resumed with SIGCONT. Six such stalls.
 *
 * Every row must reach Telegram exactly once: the others take a frozen holder's rows only once
 * its lease ran out more than the grace (half a lease) ago, and after the stall the holder
 * sends only on a claim it still surely holds (README "Delivery path", leases). Before the
 * takeover grace and the fence, this run had 14 rows delivered twice.
 */
import type { Queues } from '@fs/queue';
import type { FakeTelegram, TestDatabase, TestRedis } from '@fs/testkit';
import { sql } from 'kysely';
import {
  acceptedSendsByChat,
  chatIdBase,
  freePort,
  insertChatBurst,
  MASTER_TOKEN,
  report,
  type SenderProcess,
  senderEnv,
  sleep,
  spawnSender,
  startSenderProcessBase,
  stopSenderProcessBase,
  waitAllSent,
  waitReady,
  waitUntil,
  within,
} from './helpers';

jest.setTimeout(600_000); // three processes compiled by tsx on a loaded machine: up to a minute each

const REPLICAS = 3;
const STALLS = 6;
const WAVE = 150;
const LEASE_MS = 3000;
// Longer than the lease: on the lease alone (no takeover grace) the others re-send its rows.
const STALL_MS = Math.round(LEASE_MS * 1.15);

let tdb: TestDatabase;
let redis: TestRedis;
let tg: FakeTelegram;
let queues: Queues;

beforeAll(async () => {
  ({ tdb, redis, tg, queues } = await startSenderProcessBase());
});

afterAll(() => stopSenderProcessBase({ tdb, redis, tg, queues }));

/** Rows `sending` under a lease of this process (the lease owner is `host:pid:random`). */
async function heldBy(pid: number): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM notifications_outbox
    WHERE status = 'sending' AND lease_owner LIKE ${`%:${pid}:%`}`.execute(tdb.db);
  return Number(rows[0]!.n);
}

it('three senders, each frozen in turn for most of a lease while its sends are in flight: every row reaches Telegram exactly once', async () => {
  // Answers after 100-300 ms: a frozen process always has sends in the air.
  tg.setLatency(100, 200);
  const ports = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
  const replicas: SenderProcess[] = ports.map((port) =>
    spawnSender(
      senderEnv({
        databaseUrl: tdb.url,
        redisUrl: redis.url,
        prefix: redis.prefix,
        apiRoot: tg.apiRoot,
        extra: {
          HTTP_PORT: String(port),
          DATABASE_POOL_SIZE: '6',
          SENDER_RATE_PER_SECOND: '100',
          SENDER_CONCURRENCY: '20',
          SENDER_LEASE_MS: String(LEASE_MS),
          SENDER_SWEEP_INTERVAL_MS: '200',
        },
      }),
    ),
  );
  await Promise.all(replicas.map((r, i) => waitReady(r, ports[i]!, 300_000)));

  const base = chatIdBase();
  const ids: number[] = [];
  const chatIds: number[] = [];
  const stalls: number[] = [];
  for (let k = 0; k < STALLS; k++) {
    const wave = await insertChatBurst(tdb.db, { count: WAVE, firstChatId: base + k * WAVE });
    ids.push(...wave.refs.map((r) => r.id));
    chatIds.push(...wave.chatIds);
    await queues.enqueueOutbox(wave.refs);
    const victim = replicas[k % REPLICAS]!;
    const pid = victim.child.pid!;
    // The worst moment: the victim holds rows, some of them sent and not yet answered.
    await waitUntil(`replica ${pid} holds rows`, async () => (await heldBy(pid)) >= 3, 60_000, 10);
    const stoppedAt = Date.now();
    victim.child.kill('SIGSTOP');
    await sleep(STALL_MS);
    victim.child.kill('SIGCONT');
    stalls.push(Date.now() - stoppedAt);
  }

  await waitAllSent(tdb.db, ids, 180_000);

  const byChat = acceptedSendsByChat(tg, MASTER_TOKEN);
  const copies = chatIds.map((c) => byChat.get(c)?.length ?? 0);
  const duplicated = copies.filter((n) => n > 1).length;
  report('sender-starved', {
    replicas: REPLICAS,
    rows: ids.length,
    lease_ms: LEASE_MS,
    stalls: stalls.length,
    longest_stall_ms: Math.max(...stalls),
    rows_sent_twice_or_more: duplicated,
    extra_copies: copies.reduce((n, c) => n + Math.max(0, c - 1), 0),
  });
  expect({ duplicated, missing: copies.filter((n) => n === 0).length }).toEqual({
    duplicated: 0,
    missing: 0,
  });

  for (const r of replicas) r.child.kill('SIGTERM');
  for (const r of replicas)
    expect((await within(r.exited, 60_000, 'sender exit after SIGTERM')).code).toBe(0);
});
