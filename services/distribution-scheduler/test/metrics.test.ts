import {
  createCity,
  createOrder,
  type DispatchTestEnv,
  setSettings,
  setupDispatchEnv,
} from '@fs/dispatch/test/fixtures';
import { sql } from 'kysely';
import type { SchedulerHandle } from '../src/scheduler';
import { eventually, startTestScheduler } from './helpers';

let env: DispatchTestEnv;
const schedulers: SchedulerHandle[] = [];

beforeAll(async () => {
  env = await setupDispatchEnv();
  await setSettings(env.db, { distribution_tick_seconds: 600 });
  schedulers.push(await startTestScheduler(env), await startTestScheduler(env));
});
afterAll(async () => {
  await Promise.all(schedulers.map((s) => s.stop()));
  await env.close();
});

const scrape = async (s: SchedulerHandle) => (await fetch(`${s.address}/metrics`)).text();

/** The value of one sample line, e.g. `fs_orders{status="searching",service="…"} 3`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('scheduler metrics read on scrape', () => {
  it('orders by status (open statuses only) and the three queue depths', async () => {
    const { cityId } = await createCity(env.db);
    await createOrder(env.db, { cityId, status: 'deferred', deferredUntil: new Date(Date.now() + 3600_000) });
    await createOrder(env.db, { cityId, status: 'deferred', deferredUntil: new Date(Date.now() + 3600_000) });
    await createOrder(env.db, { cityId, status: 'closed', closedAt: new Date() });
    await env.queues.notifyStaff.add('send', { outboxId: 1 }, { jobId: 'outbox-1', delay: 60_000 });

    const text = await scrape(schedulers[0]!);
    expect(sample(text, 'fs_orders', { status: 'deferred' })).toBe(2);
    expect(sample(text, 'fs_orders', { status: 'working' })).toBe(0);
    expect(sample(text, 'fs_orders', { status: 'closed' })).toBeUndefined();
    expect(sample(text, 'fs_queue_jobs', { queue: 'notify-staff', state: 'delayed' })).toBe(1);
    expect(sample(text, 'fs_queue_jobs', { queue: 'notify-master', state: 'waiting' })).toBe(0);
    expect(sample(text, 'fs_queue_jobs', { queue: 'distribution', state: 'failed' })).toBe(0);
  });

  it('the last safety tick (cluster-wide, the same on every replica) and the tick interval', async () => {
    expect(sample(await scrape(schedulers[0]!), 'fs_distribution_tick_interval_seconds')).toBe(600);
    // The Job Scheduler ran its first tick at start-up; a 1 s interval makes another.
    const first = await eventually(
      async () => sample(await scrape(schedulers[0]!), 'fs_distribution_last_tick_timestamp_seconds'),
      60_000,
      'the first tick',
    );
    await setSettings(env.db, { distribution_tick_seconds: 1 });
    const later = await eventually(
      async () => {
        const v = sample(await scrape(schedulers[1]!), 'fs_distribution_last_tick_timestamp_seconds')!;
        return v > first ? v : 0;
      },
      60_000,
      'a later tick',
    );
    expect(
      sample(await scrape(schedulers[0]!), 'fs_distribution_last_tick_timestamp_seconds'),
    ).toBeGreaterThanOrEqual(later);
    expect(later).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(sample(await scrape(schedulers[1]!), 'fs_distribution_tick_interval_seconds')).toBe(1);
    await setSettings(env.db, { distribution_tick_seconds: 600 });
  });

  it('time to accept: each new distribution_metrics row observed once across replicas', async () => {
    // The first scrape places the cursor after the rows that already exist.
    await Promise.all(schedulers.map(scrape));
    const { cityId } = await createCity(env.db);
    const insert = async (via: 'auto' | 'manual', fromCreation: number, fromFirstOffer: number | null) => {
      const orderId = await createOrder(env.db, { cityId });
      await sql`
        INSERT INTO distribution_metrics (order_id, city_id, category, order_type, round_number, masters_offered,
          seconds_from_creation, seconds_from_first_offer, via, assigned_at)
        VALUES (${orderId}, ${cityId}, 'electrics', 'normal', 1, 1, ${fromCreation}, ${fromFirstOffer}, ${via},
          now() - interval '1 minute')
      `.execute(env.db);
    };
    await insert('auto', 3, 2);
    await insert('auto', 100, 40);
    await insert('auto', 20, null);
    await insert('manual', 500, null);

    // Both replicas scraped twice: the rows are counted once in total.
    await Promise.all([...schedulers, ...schedulers].map(scrape));
    const last = await Promise.all(schedulers.map(scrape));
    const total = (name: string, labels: Record<string, string> = {}) =>
      last.reduce((sum, t) => sum + (sample(t, name, labels) ?? 0), 0);
    expect(total('fs_distribution_time_to_accept_seconds_count')).toBe(3);
    expect(total('fs_distribution_time_to_accept_seconds_sum')).toBe(123);
    expect(total('fs_distribution_time_to_accept_seconds_bucket', { le: '5' })).toBe(1);
    expect(total('fs_distribution_first_offer_to_accept_seconds_count')).toBe(2);
    expect(total('fs_distribution_offers_total', { outcome: 'accepted' })).toBe(3);
  });

  it('rows younger than the settle time wait for a later scrape', async () => {
    const { cityId } = await createCity(env.db);
    const orderId = await createOrder(env.db, { cityId });
    await sql`
      INSERT INTO distribution_metrics (order_id, city_id, category, order_type, round_number, masters_offered,
        seconds_from_creation, via)
      VALUES (${orderId}, ${cityId}, 'electrics', 'normal', 1, 1, 7, 'auto')
    `.execute(env.db);
    const counts = await Promise.all(
      schedulers.map(
        async (s) => sample(await scrape(s), 'fs_distribution_time_to_accept_seconds_count') ?? 0,
      ),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('the outbox backlog, under the sender names, so its alert outlives every sender', async () => {
    // No sender runs here: rows stay pending, as they do while every sender is down.
    const rows = await sql<{ id: number }>`
      INSERT INTO notifications_outbox (bot, event, chat_id, status, created_at, not_before)
      VALUES ('admin', 'limit_changed', 1, 'pending', now() - interval '90 seconds', NULL),
             ('admin', 'limit_changed', 2, 'pending', now() - interval '10 seconds', NULL),
             ('admin', 'limit_changed', 3, 'pending', now() - interval '1 hour', now() + interval '1 hour'),
             ('admin', 'limit_changed', 4, 'sent', now() - interval '1 day', NULL)
      RETURNING id
    `.execute(env.db);
    try {
      for (const text of await Promise.all(schedulers.map(scrape))) {
        // (Earlier tests' escalations may have left rows of their own.)
        expect(sample(text, 'notifications_outbox_pending')).toBeGreaterThanOrEqual(3);
        // The row held until later is not overdue; the oldest due one waits since 90 s.
        const age = sample(text, 'notifications_outbox_oldest_pending_age_seconds')!;
        expect(age).toBeGreaterThanOrEqual(90);
        expect(age).toBeLessThan(3600);
      }
    } finally {
      await sql`DELETE FROM notifications_outbox WHERE id = ANY(${rows.rows.map((r) => r.id)})`.execute(
        env.db,
      );
    }
  });
});
