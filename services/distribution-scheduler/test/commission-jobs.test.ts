import {
  createCity,
  createMaster,
  createOrder,
  createStaff,
  type DispatchTestEnv,
  setSettings,
  setupDispatchEnv,
} from '@fs/dispatch/test/fixtures';
import type { SchedulerHandle } from '../src/scheduler';
import { eventually, startTestScheduler } from './helpers';

let env: DispatchTestEnv;
let schedulers: SchedulerHandle[] = [];

beforeAll(async () => {
  env = await setupDispatchEnv();
  await setSettings(env.db, { distribution_tick_seconds: 600 });
  // Two replicas: one commission schedule for the cluster, and the job's effects happen once.
  schedulers = [await startTestScheduler(env), await startTestScheduler(env)];
});
afterAll(async () => {
  for (const s of schedulers) await s.stop();
  await env.close();
});

describe('commission deadline jobs', () => {
  it('one Job Scheduler every 60 s; its job blocks the master of an overdue commission once, even run twice at once', async () => {
    const all = await env.queues.distribution.getJobSchedulers();
    const mine = all.filter((s) => s.key === 'commission-deadlines');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ name: 'commissions', every: 60_000 });

    const { cityId } = await createCity(env.db);
    const adminId = await createStaff(env.db, 'city_admin', [cityId]);
    const masterId = await createMaster(env.db, { cityId });
    const orderId = await createOrder(env.db, { cityId, status: 'payment', assignedMasterId: masterId });
    const { id } = await env.db
      .insertInto('commissions')
      .values({
        order_id: orderId,
        master_id: masterId,
        amount_kopecks: 150_000,
        rate: '0.5000',
        deadline_at: new Date(Date.now() - 1000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    await Promise.all([
      env.queues.distribution.add('commissions', {}),
      env.queues.distribution.add('commissions', {}),
    ]);
    await eventually(
      async () => {
        const m = await env.db
          .selectFrom('masters')
          .select('is_blocked')
          .where('id', '=', masterId)
          .executeTakeFirstOrThrow();
        return m.is_blocked;
      },
      60_000,
      'master blocked',
    );
    const c = await env.db
      .selectFrom('commissions')
      .select(['status', 'blocked_applied'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(c).toEqual({ status: 'overdue', blocked_applied: true });
    // Let both jobs finish, then count the notices.
    await eventually(
      async () => (await env.queues.distribution.getJobCounts('waiting', 'active')).active === 0,
      60_000,
      'jobs finished',
    );
    const outbox = await env.db
      .selectFrom('notifications_outbox')
      .select(['event', 'master_id', 'staff_user_id'])
      .where('order_id', '=', orderId)
      .orderBy('id')
      .execute();
    expect(outbox).toEqual([
      { event: 'commission_overdue', master_id: masterId, staff_user_id: null },
      { event: 'commission_overdue', master_id: null, staff_user_id: adminId },
    ]);
  });
});
