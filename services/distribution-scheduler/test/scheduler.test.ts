import { DELIVERED_EXPIRES_AT_SQL, declineOffer, OFFER_CLOCK_NOT_STARTED_SQL } from '@fs/dispatch';
import {
  createCity,
  createMaster,
  createOrder,
  type DispatchTestEnv,
  openOffers,
  setSettings,
  setupDispatchEnv,
} from '@fs/dispatch/test/fixtures';
import { DISTRIBUTION_JOBS } from '@fs/queue';
import { sql } from 'kysely';
import type { SchedulerHandle } from '../src/scheduler';
import { eventually, startTestScheduler } from './helpers';

let env: DispatchTestEnv;
let scheduler: SchedulerHandle;

beforeAll(async () => {
  env = await setupDispatchEnv();
  // The safety tick stays out of the way unless a test turns it on: events must do the work.
  await setSettings(env.db, { distribution_tick_seconds: 600, distribution_sla_seconds: 1 });
  scheduler = await startTestScheduler(env);
});
afterAll(async () => {
  await scheduler?.stop();
  await env.close();
});

const offeredTo = async (orderId: number) => (await openOffers(env.db, orderId)).map((o) => o.master_id);

/** What the sender does when Telegram accepts the push: the offer clock starts, its expiry is scheduled. */
async function deliverLikeTheSender(orderId: number): Promise<void> {
  const rows = await env.db
    .updateTable('offers as f')
    .set({ delivered_at: sql<Date>`now()`, expires_at: sql<Date>`${sql.raw(DELIVERED_EXPIRES_AT_SQL)}` })
    .where('f.order_id', '=', orderId)
    .where(sql<boolean>`${sql.raw(OFFER_CLOCK_NOT_STARTED_SQL)}`)
    .returning(['f.id', 'f.expires_at'])
    .execute();
  await env.queues.scheduleDeliveredOfferExpiries(
    rows.map((r) => ({ orderId, offerId: r.id, expiresAt: r.expires_at })),
  );
}

describe('distribution scheduler', () => {
  it('serves health and metrics', async () => {
    const ready = await fetch(`${scheduler.address}/health/ready`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${scheduler.address}/metrics`)).text();
    expect(metrics).toContain('fs_distribution_job_duration_seconds');
    expect(metrics).toContain('fs_distribution_offers_total');
  });

  it('offers a woken order, and re-offers when the delayed expiry job fires (no tick)', async () => {
    const { cityId } = await createCity(env.db);
    const first = await createMaster(env.db, { cityId, hasVehicle: true });
    const second = await createMaster(env.db, { cityId });
    const orderId = await createOrder(env.db, { cityId });
    await env.queues.wakeOrder(orderId, 'created');

    expect(await eventually(async () => (await offeredTo(orderId))[0], 3000, 'first offer')).toBe(first);
    await deliverLikeTheSender(orderId);
    // SLA is 1 s from delivery: the sender's expiry job fires, expires the offer and offers the next master.
    expect(await eventually(async () => (await offeredTo(orderId))[0] === second, 4000, 'second offer')).toBe(
      true,
    );
    const states = await env.db
      .selectFrom('offers')
      .select('state')
      .where('order_id', '=', orderId)
      .orderBy('id')
      .execute();
    expect(states.map((s) => s.state)).toEqual(['expired', 'sent']);
  });

  it('withdraws an undelivered offer at its deadline and offers the same master again (no tick)', async () => {
    const { cityId } = await createCity(env.db);
    const first = await createMaster(env.db, { cityId, hasVehicle: true });
    await createMaster(env.db, { cityId });
    const orderId = await createOrder(env.db, { cityId });
    await env.queues.wakeOrder(orderId, 'created');
    expect(await eventually(async () => (await offeredTo(orderId))[0], 3000, 'first offer')).toBe(first);
    // No sender: the delivery deadline (1 s) passes, the expiry job withdraws it and offers again.
    const offers = await eventually(async () => {
      const rows = await env.db
        .selectFrom('offers')
        .select(['state', 'master_id', 'round_number'])
        .where('order_id', '=', orderId)
        .orderBy('id')
        .execute();
      return rows.length >= 2 ? rows : null;
    }, 4000);
    expect(offers.slice(0, 2)).toEqual([
      { state: 'withdrawn', master_id: first, round_number: 1 },
      { state: expect.stringMatching(/^(sent|withdrawn)$/), master_id: first, round_number: 1 },
    ]);
    await env.db.updateTable('orders').set({ status: 'canceled' }).where('id', '=', orderId).execute();
  });

  it('re-offers at once after a decline', async () => {
    await setSettings(env.db, { distribution_sla_seconds: 120 });
    try {
      const { cityId } = await createCity(env.db);
      const first = await createMaster(env.db, { cityId, hasVehicle: true });
      const second = await createMaster(env.db, { cityId });
      const orderId = await createOrder(env.db, { cityId });
      await env.queues.wakeOrder(orderId, 'created');
      const [offer] = await eventually(async () => {
        const o = await openOffers(env.db, orderId);
        return o.length > 0 ? o : null;
      });
      expect(offer!.master_id).toBe(first);
      const started = Date.now();
      await declineOffer(scheduler.deps, { offerId: offer!.id, masterId: first });
      await eventually(async () => (await offeredTo(orderId))[0] === second, 60_000, 'offer after decline');
      // "At once": the decline itself re-offered, long before the 120 s SLA or the 600 s tick could.
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      await setSettings(env.db, { distribution_sla_seconds: 1 });
    }
  });

  it('fails a malformed job with a reason instead of retrying it', async () => {
    const job = await env.queues.distribution.add(DISTRIBUTION_JOBS.order, { orderId: 'seven' });
    const failed = await eventually(async () => ((await job.isFailed()) ? job : null), 3000, 'failed job');
    const reloaded = await env.queues.distribution.getJob(failed.id!);
    expect(reloaded?.failedReason).toMatch(/malformed order job payload: orderId/);
  });

  it('follows a change of distribution_tick_seconds, and the tick finds an order whose wake-up was lost', async () => {
    const { cityId } = await createCity(env.db);
    const m = await createMaster(env.db, { cityId });
    const orderId = await createOrder(env.db, { cityId }); // never enqueued
    await new Promise((r) => setTimeout(r, 300));
    expect(await offeredTo(orderId)).toEqual([]);
    await setSettings(env.db, { distribution_tick_seconds: 1 });
    try {
      expect(await eventually(async () => (await offeredTo(orderId))[0], 5000, 'offer via tick')).toBe(m);
      const schedulers = (await env.queues.distribution.getJobSchedulers()).filter((s) => s.name === 'tick');
      expect(schedulers).toHaveLength(1);
      expect(schedulers[0]).toMatchObject({ every: 1000 });
    } finally {
      await setSettings(env.db, { distribution_tick_seconds: 600 });
    }
  });

  it('relays outbox rows whose enqueue was lost', async () => {
    const { id } = await env.db
      .insertInto('notifications_outbox')
      .values({
        bot: 'master',
        event: 'new_offer',
        chat_id: 1,
        payload: '{}',
        created_at: new Date(Date.now() - 10_000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await eventually(async () => env.queues.notifyMaster.getJob(`outbox-${id}`), 3000, 'relayed job');
  });
});
