import { runUnassignedDigest } from '@fs/dispatch';
import {
  createCity,
  createMaster,
  createOrder,
  createStaff,
  type DispatchTestEnv,
  setSettings,
  setupDispatchEnv,
} from '@fs/dispatch/test/fixtures';
import { renderNotification } from '@fs/domain';
import { sql } from 'kysely';
import type { SchedulerHandle } from '../src/scheduler';
import { eventually, startTestScheduler } from './helpers';

const CHANNEL = -1001234567;
let env: DispatchTestEnv;
let globalAdmin: number;

beforeAll(async () => {
  env = await setupDispatchEnv();
  await setSettings(env.db, {
    unassigned_digest_minutes: 10,
    alerts_channel_id: String(CHANNEL),
    distribution_tick_seconds: 600,
  });
  globalAdmin = await createStaff(env.db, 'global_admin');
});
afterAll(() => env.close());

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

/** The digest rows written for one city, as (recipient, order ids). */
async function digestRows(cityId: number) {
  const rows = await env.db
    .selectFrom('notifications_outbox')
    .select(['id', 'bot', 'staff_user_id', 'chat_id', 'payload', 'dedup_key'])
    .where('event', '=', 'unassigned_orders')
    .where('dedup_key', 'like', `unassigned_orders:${cityId}:%`)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    bot: r.bot,
    to: r.staff_user_id !== null ? `s${r.staff_user_id}` : `c${r.chat_id}`,
    orderIds: (r.payload as { order_ids: number[] }).order_ids,
    payload: r.payload,
  }));
}

async function cityWithStaff() {
  const { cityId } = await createCity(env.db);
  const { cityId: otherCityId } = await createCity(env.db);
  const logist = await createStaff(env.db, 'logist', [cityId]);
  const cityAdmin = await createStaff(env.db, 'city_admin', [cityId]);
  await createStaff(env.db, 'logist', [otherCityId]);
  const recipients = [`s${globalAdmin}`, `s${logist}`, `s${cityAdmin}`, `c${CHANNEL}`].sort();
  return { cityId, otherCityId, recipients };
}

describe('unassigned-orders digest', () => {
  it('reports a city once per set of orders, again when a new order joins, never for assigned or fresh orders', async () => {
    const { cityId, otherCityId, recipients } = await cityWithStaff();
    const master = await createMaster(env.db, { cityId });
    const a = await createOrder(env.db, { cityId, createdAt: minutesAgo(30) });
    const b = await createOrder(env.db, {
      cityId,
      status: 'guarantee',
      type: 'guarantee',
      createdAt: minutesAgo(15),
    });
    await createOrder(env.db, { cityId, createdAt: minutesAgo(5) }); // fresh
    await createOrder(env.db, {
      cityId,
      status: 'assigned',
      assignedMasterId: master,
      createdAt: minutesAgo(40),
    });
    await createOrder(env.db, { cityId, status: 'deferred', createdAt: minutesAgo(40) });
    await createOrder(env.db, { cityId: otherCityId, createdAt: minutesAgo(40) });

    await runUnassignedDigest(env.deps);
    const first = await digestRows(cityId);
    expect(first.map((r) => r.to).sort()).toEqual(recipients);
    for (const r of first) {
      expect(r.bot).toBe('admin');
      expect(r.orderIds).toEqual([a, b]);
    }
    const city = await env.db
      .selectFrom('cities')
      .select('name')
      .where('id', '=', cityId)
      .executeTakeFirstOrThrow();
    expect(renderNotification('unassigned_orders', first[0]!.payload as never, new Date()).text).toBe(
      `<b>⚠️ Заявки без мастера: 2</b>\n\n🏙 Город: ${city.name}\nБез мастера дольше 10 мин: #${a}, #${b}`,
    );

    // Same orders: nothing new.
    await runUnassignedDigest(env.deps);
    expect(await digestRows(cityId)).toHaveLength(first.length);

    // A new order joins: the list goes out again, with all waiting orders.
    const c = await createOrder(env.db, { cityId, createdAt: minutesAgo(12) });
    await runUnassignedDigest(env.deps);
    const second = (await digestRows(cityId)).slice(first.length);
    expect(second.map((r) => r.to).sort()).toEqual(recipients);
    for (const r of second) expect(r.orderIds).toEqual([a, b, c]);
    await runUnassignedDigest(env.deps);
    expect(await digestRows(cityId)).toHaveLength(first.length * 2);

    // One gets a master: a shorter list is not news.
    await env.db
      .updateTable('orders')
      .set({ status: 'assigned', assigned_master_id: master })
      .where('id', '=', a)
      .execute();
    await runUnassignedDigest(env.deps);
    expect(await digestRows(cityId)).toHaveLength(first.length * 2);
  });

  it('reports an order again when it starts waiting anew (returned to search)', async () => {
    const { cityId } = await cityWithStaff();
    const a = await createOrder(env.db, { cityId, createdAt: minutesAgo(60) });
    await runUnassignedDigest(env.deps);
    const before = (await digestRows(cityId)).length;
    expect(before).toBe(4);
    // That report was 30 minutes ago; since then the order was assigned and returned to search
    // 11 minutes ago: a new waiting episode.
    await env.db
      .updateTable('orders')
      .set({ unassigned_digest_at: minutesAgo(30) })
      .where('id', '=', a)
      .execute();
    await env.db
      .insertInto('order_status_history')
      .values({
        order_id: a,
        from_status: 'assigned',
        to_status: 'searching',
        actor_type: 'staff',
        reason: 'manual_return',
        created_at: minutesAgo(11),
      })
      .execute();
    await runUnassignedDigest(env.deps);
    const after = await digestRows(cityId);
    expect(after).toHaveLength(8);
    expect(after.slice(4).every((r) => r.orderIds.length === 1 && r.orderIds[0] === a)).toBe(true);
  });

  it('two concurrent runs report once', async () => {
    const { cityId } = await cityWithStaff();
    const ids = [
      await createOrder(env.db, { cityId, createdAt: minutesAgo(20) }),
      await createOrder(env.db, { cityId, createdAt: minutesAgo(25) }),
    ];
    const results = await Promise.all([
      runUnassignedDigest(env.deps),
      runUnassignedDigest(env.deps),
      runUnassignedDigest(env.deps),
    ]);
    const rows = await digestRows(cityId);
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r.orderIds).toEqual(ids);
    expect(results.reduce((n, r) => n + r.outbox, 0)).toBe(4);
    const events = await env.db
      .selectFrom('system_events')
      .select(['source', 'level', 'context'])
      .where('source', '=', 'digest')
      .where(sql<string>`context->>'city_id'`, '=', String(cityId))
      .execute();
    expect(events).toHaveLength(1);
  });

  describe('as a Job Scheduler of two scheduler replicas', () => {
    let schedulers: SchedulerHandle[] = [];
    afterAll(async () => {
      for (const s of schedulers) await s.stop();
    });

    it('is scheduled once for the cluster (every 60 s) and its job sends the digest', async () => {
      schedulers = [await startTestScheduler(env), await startTestScheduler(env)];
      const all = await env.queues.distribution.getJobSchedulers();
      const digest = all.filter((s) => s.key === 'unassigned-digest');
      expect(digest).toHaveLength(1);
      expect(digest[0]).toMatchObject({ name: 'unassigned-digest', every: 60_000 });

      const { cityId } = await cityWithStaff();
      const id = await createOrder(env.db, { cityId, createdAt: minutesAgo(30) });
      const jobs = await Promise.all([
        env.queues.distribution.add('unassigned-digest', {}),
        env.queues.distribution.add('unassigned-digest', {}),
      ]);
      const rows = await eventually(async () => {
        const r = await digestRows(cityId);
        return r.length >= 4 ? r : null;
      });
      expect(rows.map((r) => r.orderIds)).toEqual([[id], [id], [id], [id]]);
      // Both jobs finished: still one digest.
      await eventually(async () => (await Promise.all(jobs.map((j) => j.isCompleted()))).every(Boolean));
      expect(await digestRows(cityId)).toHaveLength(4);
    });
  });
});
