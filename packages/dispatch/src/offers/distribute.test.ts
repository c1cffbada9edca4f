import type { Db } from '@fs/db';
import { createRedis, Queues } from '@fs/queue';
import { sql } from 'kysely';
import {
  createCity,
  createMaster,
  createOrder,
  createStaff,
  type DispatchTestEnv,
  expireOffersNow,
  expiryJobs,
  missDeliveryDeadlineNow,
  openOffers,
  outboxRows,
  setSettings,
  setupDispatchEnv,
} from '../../test/fixtures';
import { returnOrderToSearch } from '../orders/order-admin';
import { assignOrderToMaster } from '../orders/order-admin-assign';
import type { DispatchDeps } from '../shared/deps';
import { findCandidates } from './candidates';
import { distributeOrder } from './distribute';
import { findDueWork, wakeCityOrders } from './due-work';
import { resetDistribution } from './escalation';
import { acceptOffer } from './offer-accept';
import { declineOffer } from './offer-decline';

let env: DispatchTestEnv;
let db: Db;
let deps: DispatchDeps;

beforeAll(async () => {
  env = await setupDispatchEnv();
  ({ db, deps } = env);
});
afterAll(() => env.close());

async function order(id: number) {
  return db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('distributeOrder: offering', () => {
  it('offers the best candidate, writes the push and schedules the expiry', async () => {
    const { cityId, districtIds } = await createCity(db, {
      timezone: 'Asia/Novosibirsk',
      districts: ['Центральный'],
    });
    const best = await createMaster(db, { cityId, hasVehicle: true, districtIds });
    await createMaster(db, { cityId, districtIds });
    const orderId = await createOrder(db, { cityId, districtId: districtIds[0]! });

    const res = await distributeOrder(deps, orderId);
    expect(res).toMatchObject({
      outcome: 'offered',
      round: 1,
      offers: [{ masterId: best }],
      expiredOffers: 0,
    });
    expect(res.secondsToFirstOffer).toBeGreaterThanOrEqual(0);

    const [offer] = await openOffers(db, orderId);
    expect(offer).toMatchObject({ master_id: best, round_number: 1, state: 'sent' });
    const o = await order(orderId);
    expect(o.dist_rounds_used).toBe(1);
    expect(o.first_offer_at).not.toBeNull();
    const sla = await db
      .selectFrom('offers')
      .select(sql<number>`extract(epoch FROM expires_at - sent_at)::int`.as('s'))
      .where('id', '=', offer!.id)
      .executeTakeFirstOrThrow();
    expect(sla.s).toBe(120);

    const [push] = await outboxRows(db, { orderId, event: 'new_offer' });
    expect(push).toMatchObject({ bot: 'master', master_id: best, offer_id: offer!.id, status: 'pending' });
    expect(push!.enqueued_at).not.toBeNull();
    expect(push!.payload).toEqual({
      order_id: orderId,
      offer_id: offer!.id,
      expires_at: res.expiresAt!.toISOString(),
      city: expect.stringMatching(/^City /),
      timezone: 'Asia/Novosibirsk',
      district: 'Центральный',
      street: 'Тверская',
      category: 'electrics',
      description: 'Не работает розетка',
      timeslot_start: null,
      timeslot_end: null,
      is_asap: false,
      type: 'normal',
    });
    expect(await env.queues.notifyMaster.getJob(`outbox-${push!.id}`)).toBeDefined();
    const [expiry] = await expiryJobs(env.queues, orderId, 1);
    expect(expiry!.id).toBe(`expiry-${orderId}-1-${res.expiresAt!.getTime()}`);
    expect(await expiry!.isDelayed()).toBe(true);
  });

  it('stops while the round is open, and re-offers at once after an expiry', async () => {
    const { cityId } = await createCity(db);
    const first = await createMaster(db, { cityId, hasVehicle: true });
    const second = await createMaster(db, { cityId });
    const orderId = await createOrder(db, { cityId });
    await distributeOrder(deps, orderId);
    expect((await distributeOrder(deps, orderId)).outcome).toBe('offers_open');

    await expireOffersNow(db, orderId);
    const res = await distributeOrder(deps, orderId);
    expect(res).toMatchObject({
      outcome: 'offered',
      expiredOffers: 1,
      round: 2,
      offers: [{ masterId: second }],
    });
    const closed = await outboxRows(db, { orderId, event: 'offer_closed' });
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ master_id: first, payload: { order_id: orderId, reason: 'expired' } });
    const states = await db
      .selectFrom('offers')
      .select('state')
      .where('order_id', '=', orderId)
      .orderBy('id')
      .execute();
    expect(states.map((s) => s.state)).toEqual(['expired', 'sent']);
  });

  it('withdraws an offer whose push never arrived: not a refusal, no round used, offered again', async () => {
    const { cityId } = await createCity(db);
    const best = await createMaster(db, { cityId, hasVehicle: true });
    await createMaster(db, { cityId });
    const orderId = await createOrder(db, { cityId });
    const first = await distributeOrder(deps, orderId);
    expect(first).toMatchObject({ outcome: 'offered', round: 1, offers: [{ masterId: best }] });

    await missDeliveryDeadlineNow(db, orderId); // the sender never delivered the push
    const again = await distributeOrder(deps, orderId);
    expect(again).toMatchObject({
      outcome: 'offered',
      expiredOffers: 0,
      withdrawnOffers: 1,
      round: 1, // the withdrawn round does not count
      offers: [{ masterId: best }], // and the master is not excluded
    });
    const offers = await db
      .selectFrom('offers')
      .select(['state', 'close_reason', 'master_id', 'round_number'])
      .where('order_id', '=', orderId)
      .orderBy('id')
      .execute();
    expect(offers).toEqual([
      { state: 'withdrawn', close_reason: 'undelivered', master_id: best, round_number: 1 },
      { state: 'sent', close_reason: null, master_id: best, round_number: 1 },
    ]);
    expect((await order(orderId)).dist_rounds_used).toBe(1);
    // The waiting push of the withdrawn offer is dropped; there is nothing to edit, so no offer_closed.
    const pushes = await outboxRows(db, { orderId, event: 'new_offer' });
    expect(pushes.map((p) => [p.status, p.last_error])).toEqual([
      ['skipped', 'offer withdrawn before delivery'],
      ['pending', null],
    ]);
    expect(await outboxRows(db, { orderId, event: 'offer_closed' })).toEqual([]);
    // A new expiry job for the same round number (the first one is the job that ran this).
    expect(await expiryJobs(env.queues, orderId, 1)).toHaveLength(2);
  });

  it('a withdrawn offer whose push a sender holds gets an offer_closed; a mixed round still counts', async () => {
    await setSettings(db, { distribution_offers_per_round: 2 });
    try {
      const { cityId } = await createCity(db);
      const a = await createMaster(db, { cityId, hasVehicle: true });
      const b = await createMaster(db, { cityId, hasVehicle: true });
      await createMaster(db, { cityId });
      const orderId = await createOrder(db, { cityId });
      const offered = (await distributeOrder(deps, orderId)).offers.map((o) => o.masterId);
      expect(offered.sort()).toEqual([a, b].sort());
      const open = await openOffers(db, orderId);
      const offerA = open.find((o) => o.master_id === a);
      const offerB = open.find((o) => o.master_id === b);
      // a's push is delivered and runs out; b's push is in a sender's hands when its deadline passes.
      await db
        .updateTable('offers')
        .set({ delivered_at: sql<Date>`now()` })
        .where('id', '=', offerA!.id)
        .execute();
      await db
        .updateTable('notifications_outbox')
        .set({ status: 'sent' })
        .where('offer_id', '=', offerB!.id)
        .execute();
      await db
        .updateTable('offers')
        .set({ expires_at: sql<Date>`now() - interval '1 second'` })
        .where('order_id', '=', orderId)
        .execute();
      const res = await distributeOrder(deps, orderId);
      expect(res).toMatchObject({ expiredOffers: 1, withdrawnOffers: 1, round: 2 });
      const closed = await outboxRows(db, { orderId, event: 'offer_closed' });
      expect(closed.map((r) => [r.offer_id, (r.payload as { reason: string }).reason]).sort()).toEqual(
        [
          [offerA!.id, 'expired'],
          [offerB!.id, 'withdrawn'],
        ].sort(),
      );
      // a let it expire (excluded from this order); b was only withdrawn (offered again).
      expect(res.offers.map((o) => o.masterId)).toContain(b);
      expect(res.offers.map((o) => o.masterId)).not.toContain(a);
    } finally {
      await setSettings(db, { distribution_offers_per_round: 1 });
    }
  });

  it('offers a whole round at once when offers_per_round > 1', async () => {
    await setSettings(db, { distribution_offers_per_round: 3 });
    try {
      const { cityId } = await createCity(db);
      for (let i = 0; i < 5; i++) await createMaster(db, { cityId });
      const orderId = await createOrder(db, { cityId });
      const res = await distributeOrder(deps, orderId);
      expect(res.offers).toHaveLength(3);
      expect(await outboxRows(db, { orderId, event: 'new_offer' })).toHaveLength(3);
    } finally {
      await setSettings(db, { distribution_offers_per_round: 1 });
    }
  });

  it('does nothing for assigned, cancelled or draft orders', async () => {
    const { cityId } = await createCity(db);
    await createMaster(db, { cityId });
    for (const status of ['created', 'canceled', 'closed'] as const) {
      const orderId = await createOrder(db, { cityId, status });
      expect((await distributeOrder(deps, orderId)).outcome).toBe('not_distributable');
    }
    expect((await distributeOrder(deps, 987_654)).outcome).toBe('not_found');
  });

  it('skips an order another worker holds', async () => {
    const { cityId } = await createCity(db);
    await createMaster(db, { cityId });
    const orderId = await createOrder(db, { cityId });
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    const holder = db.transaction().execute(async (trx) => {
      await trx.selectFrom('orders').select('id').where('id', '=', orderId).forUpdate().execute();
      locked();
      await held;
    });
    await isLocked;
    expect((await distributeOrder(deps, orderId)).outcome).toBe('locked');
    release();
    await holder;
    expect((await distributeOrder(deps, orderId)).outcome).toBe('offered');
  });

  it('commits the offer even when Redis is down (the relay and the tick recover)', async () => {
    const { cityId } = await createCity(db);
    await createMaster(db, { cityId });
    const orderId = await createOrder(db, { cityId });
    const dead = createRedis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: null,
      retryStrategy: () => null,
    });
    dead.on('error', () => {});
    const deadQueues = new Queues({ connection: dead, prefix: env.redis.prefix });
    for (const q of [deadQueues.distribution, deadQueues.notifyMaster, deadQueues.notifyStaff])
      q.on('error', () => {});
    try {
      const res = await distributeOrder({ ...deps, queues: deadQueues }, orderId);
      expect(res.outcome).toBe('offered');
      const [push] = await outboxRows(db, { orderId, event: 'new_offer' });
      expect(push?.enqueued_at).toBeNull();
    } finally {
      await deadQueues.close().catch(() => {});
      dead.disconnect();
    }
  });
});

describe('distributeOrder: after a staff reset', () => {
  it('schedules a new expiry job for a reused round number', async () => {
    const { cityId } = await createCity(db);
    await createMaster(db, { cityId });
    await createMaster(db, { cityId });
    const orderId = await createOrder(db, { cityId });
    const first = await distributeOrder(deps, orderId);
    await db.updateTable('offers').set({ state: 'canceled' }).where('order_id', '=', orderId).execute();
    await resetDistribution(db, orderId);
    await new Promise((r) => setTimeout(r, 5));
    const res = await distributeOrder(deps, orderId);
    expect(res.round).toBe(1);
    const jobs = await expiryJobs(env.queues, orderId, 1);
    expect(jobs.map((j) => j.id)).toEqual([
      `expiry-${orderId}-1-${first.expiresAt!.getTime()}`,
      `expiry-${orderId}-1-${res.expiresAt!.getTime()}`,
    ]);
    expect(await jobs[1]!.isDelayed()).toBe(true);
  });
});

describe('distributeOrder: escalation', () => {
  it('escalates to logists after the rounds, then to admins, once per episode, and again after a staff reset', async () => {
    const { cityId, districtIds } = await createCity(db, { districts: ['Центр'] });
    const { cityId: elsewhere } = await createCity(db);
    const logist = await createStaff(db, 'logist', [cityId]);
    const cityAdmin = await createStaff(db, 'city_admin', [cityId]);
    const globalAdmin = await createStaff(db, 'global_admin');
    await createStaff(db, 'logist', [elsewhere]);
    await createStaff(db, 'global_admin', [elsewhere]);
    await setSettings(db, { alerts_channel_id: '-100123' });
    try {
      await createMaster(db, { cityId, districtIds });
      await createMaster(db, { cityId, districtIds });
      const orderId = await createOrder(db, { cityId, districtId: districtIds[0]! });

      expect((await distributeOrder(deps, orderId)).round).toBe(1);
      await expireOffersNow(db, orderId);
      expect((await distributeOrder(deps, orderId)).round).toBe(2);
      await expireOffersNow(db, orderId);
      const esc = await distributeOrder(deps, orderId);
      expect(esc).toMatchObject({
        outcome: 'escalated',
        expiredOffers: 1,
        escalations: [{ level: 'logist', reason: 'rounds_exhausted', notified: true }],
      });
      const logistRows = await outboxRows(db, { orderId, event: 'escalation_logist' });
      expect(logistRows.map((r) => r.staff_user_id ?? `chat ${r.chat_id}`).sort()).toEqual(
        [logist, cityAdmin, globalAdmin, 'chat -100123'].sort(),
      );
      expect(logistRows[0]!.payload).toMatchObject({
        order_id: orderId,
        reason: 'rounds_exhausted',
        rounds_used: 2,
      });
      const o = await order(orderId);
      expect(o.escalation_reason).toBe('rounds_exhausted');
      expect(o.escalated_logist_at).not.toBeNull();
      expect(o.escalation_logist_notified_at).not.toBeNull();

      // Same episode: no second notice; admin escalation not yet due.
      expect((await distributeOrder(deps, orderId)).escalations).toEqual([
        { level: 'logist', reason: 'rounds_exhausted', notified: false },
      ]);
      expect(await outboxRows(db, { orderId, event: 'escalation_logist' })).toHaveLength(4);
      expect(await findDueWork(db)).not.toContain(orderId);
      // One log line for the staff log viewer per notified escalation, not per re-run.
      expect(
        await db
          .selectFrom('system_events')
          .select(['source', 'level', 'message'])
          .where('order_id', '=', orderId)
          .execute(),
      ).toEqual([
        {
          source: 'distribution',
          level: 'warn',
          message: `order #${orderId} escalated to logists (rounds_exhausted, rounds used 2); 4 notices`,
        },
      ]);

      // escalate_to_admin_after_min (10) later:
      await db
        .updateTable('orders')
        .set({ escalated_logist_at: sql<Date>`now() - interval '11 minutes'` })
        .where('id', '=', orderId)
        .execute();
      expect(await findDueWork(db)).toContain(orderId);
      const admin = await distributeOrder(deps, orderId);
      expect(admin.escalations).toContainEqual({
        level: 'admin',
        reason: 'rounds_exhausted',
        notified: true,
      });
      const adminRows = await outboxRows(db, { orderId, event: 'escalation_admin' });
      expect(adminRows.map((r) => r.staff_user_id ?? `chat ${r.chat_id}`).sort()).toEqual(
        [cityAdmin, globalAdmin, 'chat -100123'].sort(),
      );
      await distributeOrder(deps, orderId);
      expect(await outboxRows(db, { orderId, event: 'escalation_admin' })).toHaveLength(3);
      expect(await findDueWork(db)).not.toContain(orderId);

      // Staff "distribute again": a new episode. Everyone refused already → no_candidates, told again.
      await resetDistribution(db, orderId);
      const again = await distributeOrder(deps, orderId);
      expect(again.escalations).toEqual([{ level: 'logist', reason: 'no_candidates', notified: true }]);
      expect(await outboxRows(db, { orderId, event: 'escalation_logist' })).toHaveLength(8);
    } finally {
      await setSettings(db, { alerts_channel_id: '' });
    }
  });

  it('escalates no_district when an order without a district finds nobody, and offers once a master appears', async () => {
    const { cityId } = await createCity(db);
    const orderId = await createOrder(db, { cityId });
    expect((await distributeOrder(deps, orderId)).escalations).toEqual([
      { level: 'logist', reason: 'no_district', notified: true },
    ]);
    expect(await findDueWork(db)).toContain(orderId); // retried: a master may come on shift
    const m = await createMaster(db, { cityId });
    const res = await distributeOrder(deps, orderId);
    expect(res).toMatchObject({ outcome: 'offered', offers: [{ masterId: m }] });
    const o = await order(orderId);
    expect([o.escalation_reason, o.escalated_logist_at]).toEqual([null, null]);
  });

  it('waits without escalating while the only masters are answering other offers', async () => {
    const { cityId } = await createCity(db);
    await createMaster(db, { cityId });
    const first = await createOrder(db, { cityId });
    const second = await createOrder(db, { cityId });
    expect((await distributeOrder(deps, first)).outcome).toBe('offered');
    const res = await distributeOrder(deps, second);
    expect(res).toMatchObject({ outcome: 'masters_busy', escalations: [] });
    expect((await order(second)).escalated_logist_at).toBeNull();
    expect(await findDueWork(db)).toContain(second);
  });

  it('escalates no_candidates for an order with a district', async () => {
    const { cityId, districtIds } = await createCity(db, { districts: ['Центр'] });
    const orderId = await createOrder(db, { cityId, districtId: districtIds[0]! });
    expect((await distributeOrder(deps, orderId)).escalations).toEqual([
      { level: 'logist', reason: 'no_candidates', notified: true },
    ]);
  });
});

describe('distributeOrder: after staff return to search', () => {
  it.each([
    ['per-order rounds', undefined],
    ['batch rounds', { batch: 50 }],
  ])(
    '%s: the next offer goes to another master, the removed one is told why; staff may still assign them',
    async (_, mode) => {
      const { cityId } = await createCity(db);
      const removed = await createMaster(db, { cityId, hasVehicle: true }); // the best of the city
      const other = await createMaster(db, { cityId });
      const staffId = await createStaff(db, 'logist', [cityId]);
      const actor = { staffId, staffName: 'Логист', inScope: (id: number | null) => id === cityId };
      const orderId = await createOrder(db, { cityId });

      const first = await distributeOrder(deps, orderId, mode);
      expect(first.offers.map((o) => o.masterId)).toEqual([removed]);
      expect((await acceptOffer(deps, { offerId: first.offers[0]!.offerId, masterId: removed })).kind).toBe(
        'won',
      );
      expect((await returnOrderToSearch(deps, actor, orderId, 'не может приехать')).kind).toBe('ok');

      const next = await distributeOrder(deps, orderId, mode);
      expect(next).toMatchObject({ outcome: 'offered', offers: [{ masterId: other }] });
      const explained = await findCandidates(db, await order(orderId), { limit: 0, explain: true });
      expect(explained.find((e) => e.masterId === removed)).toMatchObject({
        eligible: false,
        rejections: ['removed'],
      });

      // Staff choosing by hand may still give it back to them.
      expect((await assignOrderToMaster(deps, actor, orderId, removed)).kind).toBe('ok');
      expect(await order(orderId)).toMatchObject({ status: 'assigned', assigned_master_id: removed });
    },
  );
});

describe('distributeOrder: guarantee orders', () => {
  it('offers the preferred master alone first, then the others after a decline', async () => {
    await setSettings(db, { distribution_offers_per_round: 3 });
    try {
      const { cityId } = await createCity(db);
      const preferred = await createMaster(db, { cityId, rating: 3 });
      const others = [await createMaster(db, { cityId }), await createMaster(db, { cityId })];
      const orderId = await createOrder(db, {
        cityId,
        type: 'guarantee',
        status: 'guarantee',
        preferredMasterId: preferred,
      });
      const first = await distributeOrder(deps, orderId);
      expect(first.offers.map((o) => o.masterId)).toEqual([preferred]);

      await declineOffer(deps, { offerId: first.offers[0]!.offerId, masterId: preferred });
      const second = await distributeOrder(deps, orderId);
      expect(second.offers.map((o) => o.masterId).sort()).toEqual(others.sort());
      const [push] = await outboxRows(db, { orderId, event: 'new_offer' });
      expect(push!.payload).toMatchObject({ type: 'guarantee' });
    } finally {
      await setSettings(db, { distribution_offers_per_round: 1 });
    }
  });

  it('goes to the others at once when the preferred master is not available', async () => {
    const { cityId } = await createCity(db);
    const preferred = await createMaster(db, { cityId, shift: 'off' });
    const other = await createMaster(db, { cityId });
    const orderId = await createOrder(db, {
      cityId,
      type: 'guarantee',
      status: 'guarantee',
      preferredMasterId: preferred,
    });
    expect((await distributeOrder(deps, orderId)).offers.map((o) => o.masterId)).toEqual([other]);
  });
});

describe('deferred orders', () => {
  // Created 2026-11-24T18:00Z: 21:00 in Moscow, 04:00 on the 25th in Vladivostok.
  const createdAt = new Date('2026-11-24T18:00:00Z');
  const at = (iso: string): DispatchDeps => ({ ...deps, clock: () => new Date(iso) });

  it("wake in each city's morning, not before", async () => {
    const moscow = await createCity(db, { timezone: 'Europe/Moscow' });
    const vladivostok = await createCity(db, { timezone: 'Asia/Vladivostok' });
    await createMaster(db, { cityId: moscow.cityId });
    await createMaster(db, { cityId: vladivostok.cityId });
    const mow = await createOrder(db, { cityId: moscow.cityId, status: 'deferred', createdAt });
    const vvo = await createOrder(db, { cityId: vladivostok.cityId, status: 'deferred', createdAt });

    // 2026-11-25T01:00Z: 11:00 in Vladivostok (open), 04:00 in Moscow (night).
    const early = '2026-11-25T01:00:00Z';
    const due = await findDueWork(db, { now: new Date(early) });
    expect(due).toContain(vvo);
    expect(due).not.toContain(mow);

    const woke = await distributeOrder(at(early), vvo);
    expect(woke).toMatchObject({ outcome: 'offered', wokeFromDeferred: true });
    const slept = await distributeOrder(at(early), mow);
    expect(slept.outcome).toBe('deferred');
    expect(slept.wakeAt?.toISOString()).toBe('2026-11-25T07:00:00.000Z');
    expect((await order(mow)).status).toBe('deferred');

    const history = await db
      .selectFrom('order_status_history')
      .selectAll()
      .where('order_id', '=', vvo)
      .execute();
    expect(history).toMatchObject([
      { from_status: 'deferred', to_status: 'searching', actor_type: 'system', reason: 'deferred_wakeup' },
    ]);

    // 10:00 in Moscow.
    const morning = '2026-11-25T07:00:00Z';
    expect(await findDueWork(db, { now: new Date(morning) })).toContain(mow);
    expect((await distributeOrder(at(morning), mow)).outcome).toBe('offered');
  });

  it('wake at the start of the time slot day window, or at deferred_until when stored', async () => {
    const { cityId } = await createCity(db, { timezone: 'Asia/Vladivostok', hours: ['09:00', '18:00'] });
    // Slot 2026-11-27 15:00-17:00 Vladivostok → wake 09:00 local (city override) = 2026-11-26T23:00Z.
    const slotted = await createOrder(db, {
      cityId,
      status: 'deferred',
      createdAt,
      timeslot: [new Date('2026-11-27T05:00:00Z'), new Date('2026-11-27T07:00:00Z')],
    });
    const stored = await createOrder(db, {
      cityId,
      status: 'deferred',
      createdAt,
      deferredUntil: new Date('2026-11-26T12:00:00Z'),
    });
    expect((await distributeOrder(at('2026-11-26T22:59:00Z'), slotted)).wakeAt?.toISOString()).toBe(
      '2026-11-26T23:00:00.000Z',
    );
    const dueNoon = await findDueWork(db, { now: new Date('2026-11-26T12:00:00Z') });
    expect(dueNoon).toContain(stored);
    expect(dueNoon).not.toContain(slotted);
  });
});

describe('wakeCityOrders', () => {
  it('wakes the waiting orders of one city that have no open offer', async () => {
    const { cityId } = await createCity(db);
    const { cityId: other } = await createCity(db);
    const m = await createMaster(db, { cityId, shift: 'off' });
    const waiting = await createOrder(db, { cityId });
    const withOffer = await createOrder(db, { cityId });
    await db
      .insertInto('offers')
      .values({
        order_id: withOffer,
        master_id: m,
        round_number: 1,
        expires_at: new Date(Date.now() + 60_000),
      })
      .execute();
    await createOrder(db, { cityId: other });
    await createOrder(db, { cityId, status: 'deferred' });
    expect(await wakeCityOrders(deps, cityId, 'master_on_shift')).toBe(1);
    const jobs = await env.queues.distribution.getJobs(['waiting', 'prioritized']);
    expect(jobs.filter((j) => j.data.reason === 'master_on_shift').map((j) => j.data.orderId)).toEqual([
      waiting,
    ]);
  });
});

describe('findDueWork', () => {
  it('lists orders needing work by priority and leaves the others alone', async () => {
    const { cityId } = await createCity(db);
    const m = await createMaster(db, { cityId, shift: 'off' });
    const hour = 3600_000;
    const oldest = await createOrder(db, { cityId, createdAt: new Date(Date.now() - 5 * hour) });
    const newer = await createOrder(db, { cityId, createdAt: new Date(Date.now() - 4 * hour) });
    const logistEscalated = await createOrder(db, { cityId, createdAt: new Date(Date.now() - 3 * hour) });
    await db
      .updateTable('orders')
      .set({ escalated_logist_at: new Date(), escalation_reason: 'no_candidates' })
      .where('id', '=', logistEscalated)
      .execute();
    const slotStarted = await createOrder(db, {
      cityId,
      createdAt: new Date(Date.now() - 2 * hour),
      timeslot: [new Date(Date.now() - hour), new Date(Date.now() + hour)],
    });
    const guarantee = await createOrder(db, {
      cityId,
      type: 'guarantee',
      status: 'guarantee',
      createdAt: new Date(),
    });
    const adminEscalated = await createOrder(db, { cityId, createdAt: new Date() });
    await db
      .updateTable('orders')
      .set({
        escalated_logist_at: new Date(),
        escalated_admin_at: new Date(),
        escalation_reason: 'no_candidates',
      })
      .where('id', '=', adminEscalated)
      .execute();

    const expiredOffer = await createOrder(db, { cityId, createdAt: new Date(Date.now() - 6 * hour) });
    await db
      .insertInto('offers')
      .values({
        order_id: expiredOffer,
        master_id: m,
        round_number: 1,
        expires_at: new Date(Date.now() - 1000),
      })
      .execute();
    const openOffer = await createOrder(db, { cityId });
    await db
      .insertInto('offers')
      .values({
        order_id: openOffer,
        master_id: m,
        round_number: 1,
        expires_at: new Date(Date.now() + 60_000),
      })
      .execute();
    const staffHeld = await createOrder(db, { cityId });
    await db
      .updateTable('orders')
      .set({ escalated_logist_at: new Date(), escalation_reason: 'rounds_exhausted', dist_rounds_used: 2 })
      .where('id', '=', staffHeld)
      .execute();
    const assigned = await createOrder(db, { cityId, status: 'assigned', assignedMasterId: m });

    const due = (await findDueWork(db)).filter((id) =>
      [
        oldest,
        newer,
        logistEscalated,
        slotStarted,
        guarantee,
        adminEscalated,
        expiredOffer,
        openOffer,
        staffHeld,
        assigned,
      ].includes(id),
    );
    expect(due).toEqual([
      adminEscalated,
      guarantee,
      slotStarted,
      logistEscalated,
      expiredOffer,
      oldest,
      newer,
    ]);
  });
});
