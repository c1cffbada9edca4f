import { sql } from 'kysely';
import {
  createActiveOrder,
  createCity,
  createMaster,
  createOffer,
  createOrder,
  createStaff,
  type DispatchTestEnv,
  outboxRows,
  setSettings,
  setupDispatchEnv,
} from '../../test/fixtures';
import { distributeOrder } from './distribute';
import { acceptOffer } from './offer-accept';
import { declineOffer, markOfferViewed } from './offer-decline';

let env: DispatchTestEnv;
let cityId: number;

beforeAll(async () => {
  env = await setupDispatchEnv({ poolSize: 20 });
  ({ cityId } = await createCity(env.db));
});
afterAll(() => env.close());

async function orderWithOffers(masterCount: number, offerOpts: { expiresInSec?: number } = {}) {
  const orderId = await createOrder(env.db, { cityId });
  const masters: number[] = [];
  const offers: number[] = [];
  for (let i = 0; i < masterCount; i++) {
    const m = await createMaster(env.db, { cityId });
    masters.push(m);
    offers.push(await createOffer(env.db, orderId, m, offerOpts));
  }
  return { orderId, masters, offers };
}

/** The order's accepted offers (their masters). */
function acceptedOffers(orderId: number) {
  return env.db
    .selectFrom('offers')
    .select('master_id')
    .where('order_id', '=', orderId)
    .where('state', '=', 'accepted')
    .execute();
}

describe('acceptOffer', () => {
  it('assigns the order to the winner, cancels the others and records history and metrics', async () => {
    const { orderId, masters, offers } = await orderWithOffers(3);
    const res = await acceptOffer(env.deps, { offerId: offers[0]!, masterId: masters[0]! });
    expect(res).toEqual({ kind: 'won', orderId });

    const order = await env.db
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(order.status).toBe('assigned');
    expect(order.assigned_master_id).toBe(masters[0]);
    expect(order.version).toBe(2);
    const history = await env.db
      .selectFrom('order_status_history')
      .selectAll()
      .where('order_id', '=', orderId)
      .execute();
    expect(history).toMatchObject([
      {
        from_status: 'searching',
        to_status: 'assigned',
        actor_type: 'master',
        actor_id: masters[0],
        reason: 'offer_accepted',
      },
    ]);
    const states = await env.db
      .selectFrom('offers')
      .select(['id', 'state'])
      .where('order_id', '=', orderId)
      .orderBy('id')
      .execute();
    expect(states.map((s) => s.state)).toEqual(['accepted', 'canceled', 'canceled']);

    const closed = await outboxRows(env.db, { orderId, event: 'offer_closed' });
    expect(closed.map((r) => [r.master_id, r.offer_id, r.payload])).toEqual([
      [masters[1], offers[1], { offer_id: offers[1], order_id: orderId, reason: 'taken' }],
      [masters[2], offers[2], { offer_id: offers[2], order_id: orderId, reason: 'taken' }],
    ]);
    const metrics = await env.db
      .selectFrom('distribution_metrics')
      .selectAll()
      .where('order_id', '=', orderId)
      .execute();
    expect(metrics).toMatchObject([
      { master_id: masters[0], via: 'auto', masters_offered: 3, round_number: 1 },
    ]);
  });

  it('answers a double tap of the winner with already_yours, and the others with taken', async () => {
    const { orderId, masters, offers } = await orderWithOffers(2);
    expect((await acceptOffer(env.deps, { offerId: offers[0]!, masterId: masters[0]! })).kind).toBe('won');
    expect(await acceptOffer(env.deps, { offerId: offers[0]!, masterId: masters[0]! })).toEqual({
      kind: 'already_yours',
      orderId,
    });
    expect(await acceptOffer(env.deps, { offerId: offers[1]!, masterId: masters[1]! })).toEqual({
      kind: 'taken',
      orderId,
    });
  });

  it("refuses someone else's offer and unknown offers", async () => {
    const { masters, offers } = await orderWithOffers(2);
    expect(await acceptOffer(env.deps, { offerId: offers[1]!, masterId: masters[0]! })).toEqual({
      kind: 'not_yours',
    });
    expect(await acceptOffer(env.deps, { offerId: 999_999, masterId: masters[0]! })).toEqual({
      kind: 'not_found',
    });
  });

  it('refuses an offer past its expiry by the database clock', async () => {
    const { orderId, masters, offers } = await orderWithOffers(1, { expiresInSec: -1 });
    await env.db
      .updateTable('offers')
      .set({ delivered_at: sql<Date>`sent_at` })
      .where('id', '=', offers[0]!)
      .execute();
    expect(await acceptOffer(env.deps, { offerId: offers[0]!, masterId: masters[0]! })).toEqual({
      kind: 'expired',
      orderId,
    });
  });

  it('says "withdrawn" for an offer whose push missed its delivery deadline (a late copy tapped)', async () => {
    const { orderId, masters, offers } = await orderWithOffers(2, { expiresInSec: -1 });
    // Not yet closed by the scheduler: the deadline passed and the push was never delivered.
    expect(await acceptOffer(env.deps, { offerId: offers[0]!, masterId: masters[0]! })).toEqual({
      kind: 'withdrawn',
      orderId,
    });
    // Closed by the scheduler.
    await env.db.updateTable('offers').set({ state: 'withdrawn' }).where('id', '=', offers[1]!).execute();
    expect(await acceptOffer(env.deps, { offerId: offers[1]!, masterId: masters[1]! })).toEqual({
      kind: 'withdrawn',
      orderId,
    });
  });

  it('refuses a master at their limit (setting, and override)', async () => {
    const { orderId, masters, offers } = await orderWithOffers(1);
    await createActiveOrder(env.db, cityId, masters[0]!);
    expect(await acceptOffer(env.deps, { offerId: offers[0]!, masterId: masters[0]! })).toEqual({
      kind: 'over_limit',
      orderId,
    });
    await env.db
      .updateTable('masters')
      .set({ max_active_orders_override: 2 })
      .where('id', '=', masters[0]!)
      .execute();
    expect((await acceptOffer(env.deps, { offerId: offers[0]!, masterId: masters[0]! })).kind).toBe('won');
  });

  it('refuses when the order was cancelled meanwhile', async () => {
    const { orderId, masters, offers } = await orderWithOffers(1);
    await env.db.updateTable('orders').set({ status: 'canceled' }).where('id', '=', orderId).execute();
    expect(await acceptOffer(env.deps, { offerId: offers[0]!, masterId: masters[0]! })).toEqual({
      kind: 'order_closed',
      orderId,
    });
  });

  it('tells the city staff when notify_staff_on_assign is on', async () => {
    const { cityId: otherCity } = await createCity(env.db);
    const logist = await createStaff(env.db, 'logist', [cityId]);
    await createStaff(env.db, 'logist', [otherCity]);
    await setSettings(env.db, { notify_staff_on_assign: true });
    try {
      const { orderId, masters, offers } = await orderWithOffers(1);
      await acceptOffer(env.deps, { offerId: offers[0]!, masterId: masters[0]! });
      const rows = await outboxRows(env.db, { orderId, event: 'order_assigned' });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ bot: 'admin', staff_user_id: logist });
      expect(rows[0]!.payload).toMatchObject({
        order_id: orderId,
        master_id: masters[0],
        category: 'electrics',
      });
    } finally {
      await setSettings(env.db, { notify_staff_on_assign: false });
    }
  });

  it('has exactly one winner among 100 masters accepting one round of 100 offers at once', async () => {
    const { cityId: city } = await createCity(env.db);
    for (let i = 0; i < 100; i++) await createMaster(env.db, { cityId: city });
    const orderId = await createOrder(env.db, { cityId: city });
    await setSettings(env.db, { distribution_offers_per_round: 100 });
    let round: Awaited<ReturnType<typeof distributeOrder>>;
    try {
      round = await distributeOrder(env.deps, orderId);
    } finally {
      await setSettings(env.db, { distribution_offers_per_round: 1 });
    }
    expect(round.offers).toHaveLength(100);

    const results = await Promise.all(round.offers.map((o) => acceptOffer(env.deps, o)));
    const kinds = results.map((r) => r.kind);
    expect(kinds.filter((k) => k === 'won')).toHaveLength(1);
    expect(kinds.filter((k) => k !== 'won' && k !== 'taken' && k !== 'expired')).toEqual([]);
    const winner = round.offers[kinds.indexOf('won')]!.masterId;
    const order = await env.db
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(order.assigned_master_id).toBe(winner);
    expect(await acceptedOffers(orderId)).toEqual([{ master_id: winner }]);
    const closed = await outboxRows(env.db, { orderId, event: 'offer_closed' });
    expect(closed).toHaveLength(99);
    expect(closed.every((r) => (r.payload as { reason: string }).reason === 'taken')).toBe(true);
    expect(new Set(closed.map((r) => r.master_id)).has(winner)).toBe(false);
  });

  it('has exactly one winner among 100 concurrent accepts of one offer (the same master tapping)', async () => {
    const { cityId: city } = await createCity(env.db);
    const masterId = await createMaster(env.db, { cityId: city });
    const orderId = await createOrder(env.db, { cityId: city });
    const round = await distributeOrder(env.deps, orderId);
    const offer = round.offers[0]!;
    expect(offer.masterId).toBe(masterId);

    const results = await Promise.all(Array.from({ length: 100 }, () => acceptOffer(env.deps, offer)));
    const kinds = results.map((r) => r.kind);
    expect(kinds.filter((k) => k === 'won')).toHaveLength(1);
    expect(kinds.filter((k) => k !== 'won' && k !== 'already_yours')).toEqual([]);
    expect(await acceptedOffers(orderId)).toEqual([{ master_id: masterId }]);
    const history = await env.db
      .selectFrom('order_status_history')
      .select('to_status')
      .where('order_id', '=', orderId)
      .where('to_status', '=', 'assigned')
      .execute();
    expect(history).toHaveLength(1);
  });
});

describe('declineOffer', () => {
  it("declines only that master's offer and wakes the order at once", async () => {
    const { orderId, masters, offers } = await orderWithOffers(2);
    expect(await declineOffer(env.deps, { offerId: offers[0]!, masterId: masters[0]! })).toEqual({
      kind: 'declined',
      orderId,
    });
    const states = await env.db
      .selectFrom('offers')
      .select('state')
      .where('order_id', '=', orderId)
      .orderBy('id')
      .execute();
    expect(states.map((s) => s.state)).toEqual(['declined', 'sent']);
    const jobs = await env.queues.distribution.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(jobs.some((j) => j.data.orderId === orderId && j.data.reason === 'offer_declined')).toBe(true);
  });

  it('reports not_yours, not_found and already_closed', async () => {
    const { orderId, masters, offers } = await orderWithOffers(2);
    expect(await declineOffer(env.deps, { offerId: offers[0]!, masterId: masters[1]! })).toEqual({
      kind: 'not_yours',
    });
    expect(await declineOffer(env.deps, { offerId: 999_999, masterId: masters[1]! })).toEqual({
      kind: 'not_found',
    });
    await declineOffer(env.deps, { offerId: offers[0]!, masterId: masters[0]! });
    expect(await declineOffer(env.deps, { offerId: offers[0]!, masterId: masters[0]! })).toEqual({
      kind: 'already_closed',
      orderId,
    });
  });
});

describe('markOfferViewed', () => {
  it('marks a sent offer viewed once, only for its master', async () => {
    const { masters, offers } = await orderWithOffers(1);
    expect(await markOfferViewed(env.deps, { offerId: offers[0]!, masterId: masters[0]! + 1 })).toBe(false);
    expect(await markOfferViewed(env.deps, { offerId: offers[0]!, masterId: masters[0]! })).toBe(true);
    expect(await markOfferViewed(env.deps, { offerId: offers[0]!, masterId: masters[0]! })).toBe(false);
  });
});
