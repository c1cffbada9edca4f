import { recordLiveLocation, setBaseLocation } from '@fs/dispatch';
import {
  createCity,
  createMaster,
  type DispatchTestEnv,
  setSettings,
  setupDispatchEnv,
} from '@fs/dispatch/test/fixtures';
import { sql } from 'kysely';
import type { SchedulerHandle } from '../src/scheduler';
import { eventually, startTestScheduler } from './helpers';

let env: DispatchTestEnv;
let scheduler: SchedulerHandle;

beforeAll(async () => {
  env = await setupDispatchEnv();
  await setSettings(env.db, { distribution_tick_seconds: 600 });
  scheduler = await startTestScheduler(env);
});
afterAll(async () => {
  await scheduler.stop();
  await env.close();
});

describe('places job', () => {
  it('runs every 30 s for the cluster; ends live locations past their period and purges old geocoder answers', async () => {
    const all = await env.queues.distribution.getJobSchedulers();
    expect(all.filter((s) => s.key === 'places-housekeeping')).toEqual([
      expect.objectContaining({ name: 'places', every: 30_000 }),
    ]);

    const { cityId } = await createCity(env.db);
    const masterId = await createMaster(env.db, { cityId });
    await setBaseLocation(env.db, masterId, { lat: 55.75, lon: 37.6 });
    const started = await recordLiveLocation(env.db, masterId, {
      point: { lat: 55.8, lon: 37.5 },
      messageId: 1,
      sentAt: new Date(Date.now() - 10_000),
      livePeriod: 60,
      editedAt: null,
    });
    expect(started).toBe('started');
    await env.db
      .updateTable('masters')
      .set({ live_until: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', masterId)
      .execute();
    await env.db
      .insertInto('geocode_cache')
      .values([
        { provider: 'yandex', query: 'old', found: false, expires_at: sql<Date>`now() - interval '8 days'` },
        { provider: 'yandex', query: 'fresh', found: false, expires_at: sql<Date>`now() + interval '1 day'` },
      ])
      .execute();

    await env.queues.distribution.add('places', {});
    await eventually(
      async () => {
        const m = await env.db
          .selectFrom('masters')
          .select('live_active')
          .where('id', '=', masterId)
          .executeTakeFirstOrThrow();
        return !m.live_active;
      },
      60_000,
      'live location ended',
    );
    const point = await env.db
      .selectFrom('masters')
      .select(sql<number>`round(latitude(geo_point::earth)::numeric, 4)::float8`.as('lat'))
      .where('id', '=', masterId)
      .executeTakeFirstOrThrow();
    expect(point.lat).toBe(55.75);
    await eventually(
      async () => (await env.db.selectFrom('geocode_cache').select('query').execute()).length === 1,
      60_000,
      'old answers purged',
    );
    expect(await env.db.selectFrom('geocode_cache').select('query').execute()).toEqual([{ query: 'fresh' }]);
  });
});
