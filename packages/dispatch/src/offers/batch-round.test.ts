import type { Db } from '@fs/db';
import {
  createCity,
  createMaster,
  createOrder,
  createStaff,
  type DispatchTestEnv,
  expireOffersNow,
  northOf,
  setMasterPoint,
  setOrderPoint,
  setSettings,
  setupDispatchEnv,
} from '../../test/fixtures';
import { startShift } from '../masters/master-shift';
import { cancelOrderByStaff } from '../orders/order-admin';
import { handOut } from './batch-round';
import { distributeOrder } from './distribute';
import { declineOffer } from './offer-decline';

let env: DispatchTestEnv;
let db: Db;

beforeAll(async () => {
  env = await setupDispatchEnv();
  db = env.db;
});
afterAll(() => env.close());

const BATCH = { batch: 50 };

async function offersOf(orderIds: number[]) {
  return db
    .selectFrom('offers')
    .select(['order_id', 'master_id', 'state', 'distance_m'])
    .where('order_id', 'in', orderIds)
    .execute();
}

describe('batch rounds (issue 12)', () => {
  it('offers the waiting orders of a city in one round, one distinct master each', async () => {
    const { cityId } = await createCity(db);
    const masters = [
      await createMaster(db, { cityId, rating: 5 }),
      await createMaster(db, { cityId, rating: 4.5 }),
      await createMaster(db, { cityId, rating: 4 }),
    ];
    const orders = [
      await createOrder(db, { cityId }),
      await createOrder(db, { cityId }),
      await createOrder(db, { cityId }),
      await createOrder(db, { cityId }),
    ];
    const res = await distributeOrder(env.deps, orders[1]!, BATCH);
    expect(res.outcome).toBe('offered');
    // The trigger first: it takes the best master.
    expect(res.offers.map((o) => o.masterId)).toEqual([masters[0]]);
    const outcomes = Object.fromEntries((res.batch ?? []).map((r) => [r.orderId, r.outcome]));
    expect(outcomes).toEqual({
      [orders[0]!]: 'offered',
      [orders[2]!]: 'offered',
      [orders[3]!]: 'masters_busy',
    });
    const offers = await offersOf(orders);
    expect(offers).toHaveLength(3);
    expect(new Set(offers.map((o) => o.master_id)).size).toBe(3);
    // The outbox rows exist and were enqueued after commit.
    const pushes = await db
      .selectFrom('notifications_outbox')
      .select(['order_id', 'enqueued_at'])
      .where('event', '=', 'new_offer')
      .where('order_id', 'in', orders)
      .execute();
    expect(pushes).toHaveLength(3);
    for (const p of pushes) expect(p.enqueued_at).not.toBeNull();

    // A wake-up requested before the round considered the busy order is skipped without ranking.
    const skipped = await distributeOrder(env.deps, orders[3]!, {
      ...BATCH,
      requestedAt: new Date(Date.now() - 60_000),
    });
    expect(skipped.outcome).toBe('masters_busy');
    // An offered order's wake-up finds its open offer.
    expect((await distributeOrder(env.deps, orders[0]!, BATCH)).outcome).toBe('offers_open');
  });

  it('gives the nearest of equal masters and skips those beyond the radius; nobody left → escalation', async () => {
    await setSettings(db, { distance_weight: 5, distance_max_km: 10 });
    try {
      const { cityId } = await createCity(db);
      const centre: [number, number] = [59.93, 30.33];
      const far = await createMaster(db, { cityId });
      const near = await createMaster(db, { cityId });
      const outside = await createMaster(db, { cityId, rating: 5, hasVehicle: true });
      await setMasterPoint(db, far, ...northOf(...centre, 6));
      await setMasterPoint(db, near, ...northOf(...centre, 1.5));
      await setMasterPoint(db, outside, ...northOf(...centre, 25));
      const a = await createOrder(db, { cityId });
      const b = await createOrder(db, { cityId });
      const c = await createOrder(db, { cityId });
      for (const o of [a, b, c]) await setOrderPoint(db, o, ...centre);
      const res = await distributeOrder(env.deps, a, BATCH);
      expect(res.offers.map((o) => o.masterId)).toEqual([near]);
      const offers = await offersOf([a, b, c]);
      expect(offers.find((o) => o.order_id === a)?.distance_m).toBeGreaterThan(1400);
      expect(offers.find((o) => o.order_id === b)?.master_id).toBe(far);
      expect(offers.some((o) => o.master_id === outside)).toBe(false);
      expect(res.batch?.find((r) => r.orderId === c)?.outcome).toBe('masters_busy');
    } finally {
      await setSettings(db, { distance_weight: 5, distance_max_km: 50 });
    }
  });

  it('escalates an order nobody qualifies for through the per-order path, once', async () => {
    const { cityId } = await createCity(db);
    await createMaster(db, { cityId, skills: ['plumbing'] });
    const orderId = await createOrder(db, { cityId, category: 'electrics' });
    const res = await distributeOrder(env.deps, orderId, BATCH);
    expect(res.outcome).toBe('escalated');
    expect(res.escalations).toEqual([expect.objectContaining({ level: 'logist', notified: true })]);
    const again = await distributeOrder(env.deps, orderId, BATCH);
    expect(again.escalations.every((e) => !e.notified)).toBe(true);
  });

  it('offers a guarantee order to its preferred master alone', async () => {
    await setSettings(db, { distribution_offers_per_round: 2 });
    try {
      const { cityId } = await createCity(db);
      const preferred = await createMaster(db, { cityId, rating: 3 });
      await createMaster(db, { cityId, rating: 5 });
      const g = await createOrder(db, {
        cityId,
        type: 'guarantee',
        status: 'guarantee',
        preferredMasterId: preferred,
      });
      const res = await distributeOrder(env.deps, g, BATCH);
      expect(res.offers.map((o) => o.masterId)).toEqual([preferred]);
    } finally {
      await setSettings(db, { distribution_offers_per_round: 1 });
    }
  });
});

describe('wake-ups when a master becomes available (issue 12)', () => {
  /**
   * One master, two orders: the older one is offered, the other found all busy. `before` is a
   * wake-up time older than that verdict, as for a job that was already waiting when the event
   * happened (its wake-up then joins that job instead of adding one).
   */
  async function busyPair() {
    const { cityId } = await createCity(db);
    const master = await createMaster(db, { cityId });
    const offered = await createOrder(db, { cityId });
    const busy = await createOrder(db, { cityId });
    const before = new Date(Date.now() - 60_000);
    const res = await distributeOrder(env.deps, offered, BATCH);
    expect(res.offers.map((o) => o.masterId)).toEqual([master]);
    expect(res.batch?.find((r) => r.orderId === busy)?.outcome).toBe('masters_busy');
    // Nothing new: the waiting job is skipped without ranking.
    expect((await distributeOrder(env.deps, busy, { ...BATCH, requestedAt: before })).outcome).toBe(
      'masters_busy',
    );
    return { cityId, master, offered, busy, before, offerId: res.offers[0]!.offerId };
  }

  async function expectWokenAndOffered(p: Awaited<ReturnType<typeof busyPair>>, masterId = p.master) {
    const jobs = await env.queues.distribution.getJobs(['waiting', 'prioritized', 'delayed']);
    expect(jobs.some((j) => j.data.orderId === p.busy)).toBe(true);
    const res = await distributeOrder(env.deps, p.busy, { ...BATCH, requestedAt: p.before });
    expect(res.outcome).toBe('offered');
    expect(res.offers.map((o) => o.masterId)).toEqual([masterId]);
  }

  it('the master declines', async () => {
    const p = await busyPair();
    await declineOffer(env.deps, { offerId: p.offerId, masterId: p.master });
    await expectWokenAndOffered(p);
  });

  it('the offer expires', async () => {
    const p = await busyPair();
    await expireOffersNow(db, p.offered);
    // The expiry job runs the per-order path: it closes the offer.
    expect((await distributeOrder(env.deps, p.offered)).expiredOffers).toBe(1);
    await expectWokenAndOffered(p);
  });

  it('staff cancel the offered order', async () => {
    const p = await busyPair();
    const staffId = await createStaff(db, 'city_admin', [p.cityId]);
    const actor = { staffId, staffName: 'Админ', inScope: () => true };
    expect((await cancelOrderByStaff(env.deps, actor, p.offered, 'клиент передумал')).kind).toBe('ok');
    await expectWokenAndOffered(p);
  });

  it('another master starts a shift', async () => {
    const p = await busyPair();
    const other = await createMaster(db, { cityId: p.cityId, shift: 'off' });
    expect((await startShift(env.deps, other)).kind).toBe('ok');
    await expectWokenAndOffered(p, other);
  });
});

describe('handOut', () => {
  const row = (id: number, candidates: [number, number, boolean][]) =>
    ({ id, candidates, k: 10, busy: 0 }) as unknown as Parameters<typeof handOut>[0][number];

  it('respects free slots, skips held masters and keeps rank order', () => {
    const slots = new Map<number, number>();
    const picks = handOut(
      [
        row(1, [
          [10, 1, false],
          [11, 2, false],
        ]),
        row(2, [
          [10, 1, false],
          [11, 2, false],
          [12, 1, false],
        ]),
        row(3, [
          [11, 2, false],
          [12, 1, false],
        ]),
      ],
      1,
      slots,
      new Set([12]),
    );
    expect(Object.fromEntries(picks)).toEqual({ 1: [10], 2: [11], 3: [11] });
    expect(slots.get(11)).toBe(0);
  });
});
