import {
  createCity,
  createMaster,
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
  // Two replicas: still one break schedule for the cluster.
  schedulers = [await startTestScheduler(env), await startTestScheduler(env)];
});
afterAll(async () => {
  for (const s of schedulers) await s.stop();
  await env.close();
});

describe('break jobs', () => {
  it('one Job Scheduler every 60 s for the cluster; its job ends due breaks and notifies', async () => {
    const all = await env.queues.distribution.getJobSchedulers();
    const breaks = all.filter((s) => s.key === 'master-breaks');
    expect(breaks).toHaveLength(1);
    expect(breaks[0]).toMatchObject({ name: 'breaks', every: 60_000 });

    const { cityId } = await createCity(env.db);
    const masterId = await createMaster(env.db, { cityId });
    await env.db
      .updateTable('masters')
      .set({ shift_status: 'break', break_until: new Date(Date.now() - 1000) })
      .where('id', '=', masterId)
      .execute();
    await env.queues.distribution.add('breaks', {});
    await eventually(
      async () => {
        const m = await env.db
          .selectFrom('masters')
          .select('shift_status')
          .where('id', '=', masterId)
          .executeTakeFirstOrThrow();
        return m.shift_status === 'on';
      },
      60_000,
      'break ended',
    );
    const ended = await env.db
      .selectFrom('notifications_outbox')
      .select('event')
      .where('master_id', '=', masterId)
      .execute();
    expect(ended).toEqual([{ event: 'break_ended' }]);
  });
});
