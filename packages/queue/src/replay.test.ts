import type { Db } from '@fs/db';
import type { BotKind, NotificationEvent } from '@fs/domain';
import {
  createMaster,
  createStaff,
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from '@fs/testkit';
import { UnrecoverableError, Worker } from 'bullmq';
import { sql } from 'kysely';
import { jobIds, QUEUES } from './names';
import { Queues } from './queues';
import { listFailedOutbox, replayFailedOutbox } from './replay';

let tdb: TestDatabase;
let redis: TestRedis;
let queues: Queues;
let db: Db;
let masterId: number;
let staffId: number;

beforeAll(async () => {
  tdb = await createTestDatabase();
  redis = await createTestRedis();
  db = tdb.db;
  queues = new Queues({ connection: redis.connection, prefix: redis.prefix });
  masterId = (await createMaster(db)).id;
  staffId = (await createStaff(db)).id;
});
afterAll(async () => {
  await queues.close();
  await redis.cleanup();
  await tdb.drop();
});
beforeEach(async () => {
  await db.deleteFrom('notifications_outbox').execute();
  await Promise.all([
    queues.notifyMaster.obliterate({ force: true }),
    queues.notifyStaff.obliterate({ force: true }),
  ]);
});

async function row(
  status: 'pending' | 'sent' | 'failed',
  opts: { bot?: BotKind; event?: NotificationEvent; failedAgo?: string } = {},
): Promise<{ id: number; bot: BotKind }> {
  const bot = opts.bot ?? 'master';
  return db
    .insertInto('notifications_outbox')
    .values({
      bot,
      event: opts.event ?? (bot === 'master' ? 'new_offer' : 'delivery_failed'),
      ...(bot === 'master' ? { master_id: masterId } : { staff_user_id: staffId }),
      payload: JSON.stringify({}),
      status,
      attempts: status === 'failed' ? 8 : 0,
      last_error: status === 'failed' ? 'telegram 502 Bad Gateway' : null,
      enqueued_at: sql<Date>`now() - interval '1 hour'`,
      created_at: sql<Date>`now() - interval '2 hours'`,
      updated_at: sql<Date>`now() - ${opts.failedAgo ?? '5 minutes'}::interval`,
    })
    .returning(['id', 'bot'])
    .executeTakeFirstOrThrow();
}

/** Leaves `outbox-<id>` jobs in BullMQ's failed set, as the sender does for a row that failed for good. */
async function failJobs(refs: { id: number; bot: BotKind }[]): Promise<void> {
  await queues.enqueueOutbox(refs);
  const byQueue = new Map<string, number>();
  for (const r of refs) {
    const name = r.bot === 'master' ? QUEUES.notifyMaster : QUEUES.notifyStaff;
    byQueue.set(name, (byQueue.get(name) ?? 0) + 1);
  }
  await Promise.all(
    [...byQueue].map(async ([name, n]) => {
      let failed = 0;
      const connection = redis.connection.duplicate();
      const worker = new Worker(
        name,
        async () => {
          throw new UnrecoverableError('telegram 502 Bad Gateway');
        },
        { connection, prefix: redis.prefix },
      );
      await new Promise<void>((resolve) =>
        worker.on('failed', () => {
          if (++failed === n) resolve();
        }),
      );
      await worker.close();
      connection.disconnect();
    }),
  );
}

const jobState = async (r: { id: number; bot: BotKind }) =>
  (await queues.notifyQueue(r.bot).getJob(jobIds.outbox(r.id)))?.getState();

describe('replayFailedOutbox', () => {
  it('resets failed rows to pending, replaces their failed jobs with waiting ones, leaves other rows alone', async () => {
    const a = await row('failed');
    const b = await row('failed', { bot: 'admin' });
    const pending = await row('pending');
    const sent = await row('sent');
    await failJobs([a, b]);
    expect(await jobState(a)).toBe('failed');

    expect(await replayFailedOutbox(db, queues)).toBe(2);

    const rows = await db
      .selectFrom('notifications_outbox')
      .select(['id', 'status', 'attempts', 'last_error', 'enqueued_at'])
      .orderBy('id')
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const r of [a, b]) {
      const after = byId.get(r.id)!;
      expect(after.status).toBe('pending');
      expect(after.attempts).toBe(0);
      expect(after.last_error).toMatch(
        /^replayed \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: telegram 502 Bad Gateway$/,
      );
      expect(after.enqueued_at!.getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(await jobState(r)).toBe('waiting');
    }
    expect(byId.get(pending.id)!.status).toBe('pending');
    expect(byId.get(pending.id)!.enqueued_at!.getTime()).toBeLessThan(Date.now() - 30 * 60_000);
    expect(byId.get(sent.id)!.status).toBe('sent');
    expect(await queues.notifyMaster.getWaitingCount()).toBe(1);
    expect(await queues.notifyStaff.getWaitingCount()).toBe(1);

    // Nothing failed any more: a second run replays nothing.
    expect(await replayFailedOutbox(db, queues)).toBe(0);
  });

  it('filters by ids, event and failure time, and honours the limit (oldest first)', async () => {
    const offer1 = await row('failed', { event: 'new_offer' });
    const offer2 = await row('failed', { event: 'new_offer', failedAgo: '3 hours' });
    const assigned = await row('failed', { event: 'order_assigned' });
    const staff = await row('failed', { bot: 'admin' });

    const since = new Date(Date.now() - 3600_000);
    expect((await listFailedOutbox(db, { event: 'new_offer', since })).map((r) => r.id)).toEqual([offer1.id]);
    expect((await listFailedOutbox(db, { ids: [assigned.id, offer2.id] })).map((r) => r.id)).toEqual([
      offer2.id,
      assigned.id,
    ]);

    expect(await replayFailedOutbox(db, queues, { event: 'new_offer', since })).toBe(1);
    expect(await replayFailedOutbox(db, queues, { ids: [offer1.id, offer2.id] })).toBe(1); // offer1 is pending now
    expect(await replayFailedOutbox(db, queues, { ids: [] })).toBe(0);
    expect(await replayFailedOutbox(db, queues, { limit: 1 })).toBe(1);
    const left = await listFailedOutbox(db);
    expect(left.map((r) => r.id)).toHaveLength(1);
    expect([assigned.id, staff.id]).toContain(left[0]!.id);
    expect(await jobState(offer1)).toBe('waiting');
    expect(await jobState(offer2)).toBe('waiting');
  });

  it('a row whose job is still waiting keeps that job (no duplicate)', async () => {
    const r = await row('failed');
    await queues.enqueueOutbox([r]);
    expect(await replayFailedOutbox(db, queues, { ids: [r.id] })).toBe(1);
    expect(await jobState(r)).toBe('waiting');
    expect(await queues.notifyMaster.getWaitingCount()).toBe(1);
  });
});
