import type { Db } from '@fs/db';
import { bayesianRating, RATING_PRIOR_MEAN } from '@fs/domain';
import {
  createActiveOrder,
  createCity,
  createClosedOrder,
  createMaster,
  createOffer,
  createOrder,
  type DispatchTestEnv,
  type MasterOpts,
  northOf,
  setMasterPoint,
  setOrderPoint,
  setupDispatchEnv,
} from '../../test/fixtures';
import { rateOrder } from '../clients/feedback';
import { type CandidateOrder, type CandidateRejection, findCandidates, selectCandidates } from './candidates';
import { distributeOrder } from './distribute';

let env: DispatchTestEnv;
let db: Db;

beforeAll(async () => {
  env = await setupDispatchEnv();
  db = env.db;
});
afterAll(() => env.close());

async function loadOrder(id: number): Promise<CandidateOrder> {
  return db
    .selectFrom('orders')
    .select(['id', 'city_id', 'district_id', 'category', 'type', 'preferred_master_id', 'lat', 'lon'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

async function candidateIds(orderId: number, limit = 50): Promise<number[]> {
  const c = await findCandidates(db, await loadOrder(orderId), { limit, maxActiveOrders: 1 });
  return c.map((x) => x.masterId);
}

let chatSeq = 880_000;

/** A closed order of `masterId` whose client opened the link in a new chat (so may review it). */
async function reviewedOrder(cityId: number, masterId: number) {
  const orderId = await createOrder(db, {
    cityId,
    status: 'closed',
    assignedMasterId: masterId,
    totalKopecks: 300_000,
  });
  const chatId = ++chatSeq;
  await db.insertInto('client_chats').values({ chat_id: chatId, tg_user_id: chatId }).execute();
  await db
    .insertInto('order_client_links')
    .values({
      order_id: orderId,
      token: `cand${chatId}xxxxxxxxxxxxxxxx`,
      expires_at: new Date(Date.now() + 86_400_000),
      chat_id: chatId,
    })
    .execute();
  return { orderId, chatId };
}

async function explain(orderId: number) {
  return findCandidates(db, await loadOrder(orderId), { limit: 50, explain: true, maxActiveOrders: 1 });
}

describe('findCandidates: each rule', () => {
  const cases: [string, Omit<MasterOpts, 'cityId'>, CandidateRejection][] = [
    ['moderation pending', { moderation: 'pending' }, 'not_verified'],
    ['not verified', { verified: false }, 'not_verified'],
    ['inactive', { isActive: false }, 'inactive'],
    ['blocked', { isBlocked: true }, 'blocked'],
    ['deleted', { isDeleted: true }, 'deleted'],
    ['unreachable (blocked the bot)', { isUnreachable: true }, 'unreachable'],
    ['off shift', { shift: 'off' }, 'off_shift'],
    ['on break', { shift: 'break' }, 'on_break'],
    ['without the skill', { skills: ['plumbing'] }, 'no_skill'],
    ['with a limit override of 0', { limitOverride: 0 }, 'limit_reached'],
  ];

  it.each(cases)('excludes a master %s and explains why', async (_name, opts, reason) => {
    const { cityId } = await createCity(db);
    const good = await createMaster(db, { cityId });
    const bad = await createMaster(db, { cityId, ...opts });
    const orderId = await createOrder(db, { cityId });
    expect(await candidateIds(orderId)).toEqual([good]);
    const rows = await explain(orderId);
    expect(rows.find((r) => r.masterId === good)).toMatchObject({ eligible: true, rejections: [], rank: 1 });
    expect(rows.find((r) => r.masterId === bad)).toMatchObject({
      eligible: false,
      rejections: [reason],
      rank: null,
    });
  });

  it('only considers masters of the order city', async () => {
    const { cityId } = await createCity(db);
    const { cityId: other } = await createCity(db);
    const mine = await createMaster(db, { cityId });
    await createMaster(db, { cityId: other });
    const orderId = await createOrder(db, { cityId });
    expect(await candidateIds(orderId)).toEqual([mine]);
    expect((await explain(orderId)).map((r) => r.masterId)).toEqual([mine]);
  });

  it('excludes a master whose skill is switched off globally', async () => {
    const { cityId } = await createCity(db);
    await createMaster(db, { cityId, skills: ['roadside'] });
    const orderId = await createOrder(db, { cityId, category: 'roadside' });
    await db.updateTable('skills').set({ is_active: false }).where('code', '=', 'roadside').execute();
    try {
      expect(await candidateIds(orderId)).toEqual([]);
    } finally {
      await db.updateTable('skills').set({ is_active: true }).where('code', '=', 'roadside').execute();
    }
  });

  it('follows skills added, changed and removed after the master was created', async () => {
    const { cityId } = await createCity(db);
    const master = await createMaster(db, { cityId, skills: ['plumbing'] });
    const orderId = await createOrder(db, { cityId, category: 'windows' });
    expect(await candidateIds(orderId)).toEqual([]);
    await db.insertInto('master_skills').values({ master_id: master, skill_code: 'windows' }).execute();
    expect(await candidateIds(orderId)).toEqual([master]);
    await db
      .updateTable('master_skills')
      .set({ skill_code: 'handyman' })
      .where('master_id', '=', master)
      .where('skill_code', '=', 'windows')
      .execute();
    expect(await candidateIds(orderId)).toEqual([]);
    await db
      .updateTable('master_skills')
      .set({ skill_code: 'windows' })
      .where('master_id', '=', master)
      .where('skill_code', '=', 'handyman')
      .execute();
    expect(await candidateIds(orderId)).toEqual([master]);
    await db.deleteFrom('master_skills').where('master_id', '=', master).execute();
    expect(await candidateIds(orderId)).toEqual([]);
    expect((await explain(orderId)).find((r) => r.masterId === master)?.rejections).toEqual(['no_skill']);
  });

  it('excludes masters at their active-order limit (setting, then override)', async () => {
    const { cityId } = await createCity(db);
    const busy = await createMaster(db, { cityId });
    const raised = await createMaster(db, { cityId, limitOverride: 2 });
    await createActiveOrder(db, cityId, busy);
    await createActiveOrder(db, cityId, raised);
    const orderId = await createOrder(db, { cityId });
    expect(await candidateIds(orderId)).toEqual([raised]);
    expect((await explain(orderId)).find((r) => r.masterId === busy)?.rejections).toEqual(['limit_reached']);
  });

  it('counts unanswered offers for other orders against the limit', async () => {
    const { cityId } = await createCity(db);
    const answering = await createMaster(db, { cityId });
    const roomy = await createMaster(db, { cityId, limitOverride: 2 });
    const elsewhere = await createOrder(db, { cityId });
    await createOffer(db, elsewhere, answering);
    await createOffer(db, elsewhere, roomy);
    const lapsed = await createOrder(db, { cityId });
    const free = await createMaster(db, { cityId });
    await createOffer(db, lapsed, free, { expiresInSec: -5 }); // past its expiry: no longer holds the master
    const orderId = await createOrder(db, { cityId });
    expect((await candidateIds(orderId)).sort()).toEqual([roomy, free].sort());
    expect((await explain(orderId)).find((r) => r.masterId === answering)?.rejections).toEqual([
      'busy_with_offers',
    ]);
    const sel = await selectCandidates(db, await loadOrder(orderId), { limit: 5, maxActiveOrders: 1 });
    expect(sel.busy).toBe(1);
  });

  it('never re-offers to a master who declined or let the offer expire; a cancelled offer does not count', async () => {
    const { cityId } = await createCity(db);
    const declined = await createMaster(db, { cityId });
    const expired = await createMaster(db, { cityId });
    const canceled = await createMaster(db, { cityId });
    const orderId = await createOrder(db, { cityId });
    await createOffer(db, orderId, declined, { state: 'declined' });
    await createOffer(db, orderId, expired, { state: 'expired' });
    const c = await createOffer(db, orderId, canceled);
    await db.updateTable('offers').set({ state: 'canceled' }).where('id', '=', c).execute();
    expect(await candidateIds(orderId)).toEqual([canceled]);
    const rows = await explain(orderId);
    expect(rows.find((r) => r.masterId === declined)?.rejections).toEqual(['refused']);
    expect(rows.find((r) => r.masterId === expired)?.rejections).toEqual(['refused']);
  });

  it('skips a master who already holds a live offer for the order', async () => {
    const { cityId } = await createCity(db);
    const offered = await createMaster(db, { cityId });
    const free = await createMaster(db, { cityId });
    const orderId = await createOrder(db, { cityId });
    await createOffer(db, orderId, offered);
    expect(await candidateIds(orderId)).toEqual([free]);
    expect((await explain(orderId)).find((r) => r.masterId === offered)?.rejections).toEqual([
      'already_offered',
    ]);
  });

  it('lists every failed rule of a master at once', async () => {
    const { cityId } = await createCity(db);
    const m = await createMaster(db, { cityId, shift: 'break', isBlocked: true, skills: [] });
    const orderId = await createOrder(db, { cityId });
    const [row] = await explain(orderId);
    expect(row?.masterId).toBe(m);
    expect(row?.rejections.sort()).toEqual(['blocked', 'no_skill', 'on_break'].sort());
  });
});

describe('findCandidates: districts', () => {
  it('prefers the order district and explains the others', async () => {
    const { cityId, districtIds } = await createCity(db, { districts: ['Север', 'Юг'] });
    const [north, south] = districtIds as [number, number];
    const inNorth = await createMaster(db, { cityId, districtIds: [north] });
    const inSouth = await createMaster(db, { cityId, districtIds: [south] });
    const noDistrict = await createMaster(db, { cityId });
    const orderId = await createOrder(db, { cityId, districtId: north });
    expect(await candidateIds(orderId)).toEqual([inNorth]);
    const rows = await explain(orderId);
    expect(rows.find((r) => r.masterId === inSouth)?.rejections).toEqual(['wrong_district']);
    expect(rows.find((r) => r.masterId === noDistrict)?.rejections).toEqual(['wrong_district']);
  });

  it('falls back to the whole city when nobody in the district qualifies', async () => {
    const { cityId, districtIds } = await createCity(db, { districts: ['Север', 'Юг'] });
    const [north, south] = districtIds as [number, number];
    await createMaster(db, { cityId, districtIds: [north], shift: 'off' });
    const inSouth = await createMaster(db, { cityId, districtIds: [south] });
    const noDistrict = await createMaster(db, { cityId });
    const orderId = await createOrder(db, { cityId, districtId: north });
    expect((await candidateIds(orderId)).sort()).toEqual([inSouth, noDistrict].sort());
  });

  it('searches citywide for an order without a district, one row per master', async () => {
    const { cityId, districtIds } = await createCity(db, { districts: ['A', 'B', 'C'] });
    const everywhere = await createMaster(db, { cityId, districtIds });
    const one = await createMaster(db, { cityId, districtIds: [districtIds[0]!] });
    const orderId = await createOrder(db, { cityId });
    const ids = await candidateIds(orderId);
    expect(ids.sort()).toEqual([everywhere, one].sort());
    expect(new Set(ids).size).toBe(ids.length);
    const rows = await explain(orderId);
    expect(rows).toHaveLength(2);
  });
});

describe('findCandidates: ranking', () => {
  it('puts the preferred master first for guarantee orders only', async () => {
    const { cityId } = await createCity(db);
    const preferred = await createMaster(db, { cityId, rating: 3 });
    const better = await createMaster(db, { cityId, rating: 5, hasVehicle: true });
    const guarantee = await createOrder(db, {
      cityId,
      type: 'guarantee',
      status: 'guarantee',
      preferredMasterId: preferred,
    });
    expect(await candidateIds(guarantee)).toEqual([preferred, better]);
    const normal = await createOrder(db, { cityId, preferredMasterId: preferred });
    expect(await candidateIds(normal)).toEqual([better, preferred]);
  });

  it('ranks a master with a car above one without', async () => {
    const { cityId } = await createCity(db);
    const noCar = await createMaster(db, { cityId, rating: 5 });
    const car = await createMaster(db, { cityId, rating: 4, hasVehicle: true });
    expect(await candidateIds(await createOrder(db, { cityId }))).toEqual([car, noCar]);
  });

  it('ranks a higher average check over the last 7 days above a higher rating', async () => {
    const { cityId } = await createCity(db);
    const rated = await createMaster(db, { cityId, rating: 5 });
    const earner = await createMaster(db, { cityId, rating: 4 });
    await createClosedOrder(db, cityId, earner, 900_000);
    await createClosedOrder(db, cityId, earner, 500_000);
    await createClosedOrder(db, cityId, rated, 100_000);
    // Older than 7 days: does not count.
    const old = await createClosedOrder(db, cityId, rated, 9_000_000);
    await db
      .updateTable('orders')
      .set({ closed_at: new Date(Date.now() - 8 * 86_400_000) })
      .where('id', '=', old)
      .execute();
    const order = await loadOrder(await createOrder(db, { cityId }));
    const c = await findCandidates(db, order, { limit: 5, maxActiveOrders: 1 });
    expect(c.map((x) => x.masterId)).toEqual([earner, rated]);
    expect(c[0]?.avgCheckKopecks).toBe(700_000);
    expect(c[1]?.avgCheckKopecks).toBe(100_000);
  });

  it('ranks a higher rating first when car and average check tie', async () => {
    const { cityId } = await createCity(db);
    const low = await createMaster(db, { cityId, rating: 4.2 });
    const high = await createMaster(db, { cityId, rating: 4.9 });
    expect(await candidateIds(await createOrder(db, { cityId }))).toEqual([high, low]);
  });

  it('client reviews decide a tie: the better-rated master gets the offer it lost before', async () => {
    // Through the public path only (feedback use case → distribution's offer), so it holds
    // whatever the candidate query looks like inside.
    const { cityId } = await createCity(db);
    const busy = await createMaster(db, { cityId, limitOverride: 3, rating: RATING_PRIOR_MEAN });
    const idle = await createMaster(db, { cityId, limitOverride: 3, rating: RATING_PRIOR_MEAN });
    await createActiveOrder(db, cityId, busy);
    const offeredTo = async () => {
      const orderId = await createOrder(db, { cityId });
      const res = await distributeOrder(env.deps, orderId);
      await db.updateTable('orders').set({ status: 'canceled' }).where('id', '=', orderId).execute();
      await db
        .updateTable('offers')
        .set({ state: 'canceled' })
        .where('order_id', '=', orderId)
        .where('state', 'in', ['sent', 'viewed'])
        .execute();
      return res.offers.map((o) => o.masterId);
    };
    // Nobody reviewed yet: both have the prior rating, the less loaded master wins.
    expect(await offeredTo()).toEqual([idle]);
    // Clients review one order of each (same amount: the average check stays tied).
    for (const [masterId, stars] of [
      [busy, 5],
      [idle, 3],
    ] as const) {
      const review = await reviewedOrder(cityId, masterId);
      expect(await rateOrder(env.deps, { ...review, stars })).toMatchObject({ kind: 'ok' });
    }
    const [busyRating, idleRating] = await Promise.all(
      [busy, idle].map(async (id) => {
        const m = await db
          .selectFrom('masters')
          .select('rating')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        return Number(m.rating);
      }),
    );
    expect(busyRating).toBe(bayesianRating(5, 1));
    expect(idleRating).toBe(bayesianRating(3, 1));
    expect(await offeredTo()).toEqual([busy]);
  });

  it('ranks fewer active orders first when everything else ties', async () => {
    const { cityId } = await createCity(db);
    const busy = await createMaster(db, { cityId, limitOverride: 3 });
    const idle = await createMaster(db, { cityId, limitOverride: 3 });
    await createActiveOrder(db, cityId, busy);
    expect(await candidateIds(await createOrder(db, { cityId }))).toEqual([idle, busy]);
  });

  it('breaks exact ties at random', async () => {
    const { cityId } = await createCity(db);
    const a = await createMaster(db, { cityId });
    const b = await createMaster(db, { cityId });
    const orderId = await createOrder(db, { cityId });
    const firsts = new Set<number>();
    for (let i = 0; i < 40 && firsts.size < 2; i++) firsts.add((await candidateIds(orderId, 1))[0]!);
    expect([...firsts].sort()).toEqual([a, b].sort());
  });

  it('returns at most `limit` candidates', async () => {
    const { cityId } = await createCity(db);
    for (let i = 0; i < 5; i++) await createMaster(db, { cityId });
    expect(await candidateIds(await createOrder(db, { cityId }), 3)).toHaveLength(3);
  });

  it('reads the max_active_orders setting when the caller does not pass it', async () => {
    const { cityId } = await createCity(db);
    const m = await createMaster(db, { cityId });
    await createActiveOrder(db, cityId, m);
    const order = await loadOrder(await createOrder(db, { cityId }));
    expect(await findCandidates(db, order, { limit: 5 })).toEqual([]);
    expect(
      (await findCandidates(db, order, { limit: 5, maxActiveOrders: 2 })).map((c) => c.masterId),
    ).toEqual([m]);
  });
});

describe('findCandidates: distance (issue 18)', () => {
  const CENTRE: [number, number] = [55.7558, 37.6173];
  const near = (d: { distance_weight: number; distance_max_km: number }) => ({
    limit: 10,
    maxActiveOrders: 1,
    distance: d,
  });

  async function placedOrder(cityId: number): Promise<CandidateOrder> {
    const orderId = await createOrder(db, { cityId });
    await setOrderPoint(db, orderId, ...CENTRE);
    return loadOrder(orderId);
  }

  it('puts the nearer of two otherwise equal masters first, whatever the weight', async () => {
    const { cityId } = await createCity(db);
    const far = await createMaster(db, { cityId });
    const close = await createMaster(db, { cityId });
    await setMasterPoint(db, far, ...northOf(...CENTRE, 3.4));
    await setMasterPoint(db, close, ...northOf(...CENTRE, 2.6));
    const order = await placedOrder(cityId);
    for (const weight of [0, 5, 10]) {
      // 12 tries: a random tie-break would put `far` first in about half of them.
      for (let i = 0; i < 4; i++) {
        const c = await findCandidates(db, order, near({ distance_weight: weight, distance_max_km: 50 }));
        expect(c.map((x) => x.masterId)).toEqual([close, far]);
      }
    }
    const [first] = await findCandidates(db, order, near({ distance_weight: 5, distance_max_km: 50 }));
    expect(first?.distanceM).toBeGreaterThan(2500);
    expect(first?.distanceM).toBeLessThan(2700);
  });

  it('lets the weight decide between a near master and a farther one with a car', async () => {
    const { cityId } = await createCity(db);
    const nearNoCar = await createMaster(db, { cityId });
    const farCar = await createMaster(db, { cityId, hasVehicle: true });
    await setMasterPoint(db, nearNoCar, ...northOf(...CENTRE, 0.5));
    await setMasterPoint(db, farCar, ...northOf(...CENTRE, 8));
    const order = await placedOrder(cityId);
    const ranked = async (w: number) =>
      (await findCandidates(db, order, near({ distance_weight: w, distance_max_km: 50 }))).map(
        (x) => x.masterId,
      );
    // Weight 10: 1 km bands, the near master's band wins. Weight 1: one 10 km band, the car wins.
    expect(await ranked(10)).toEqual([nearNoCar, farCar]);
    expect(await ranked(1)).toEqual([farCar, nearNoCar]);
    expect(await ranked(0)).toEqual([farCar, nearNoCar]);
  });

  it('excludes masters beyond the radius and says how far they are; unknown points never exclude', async () => {
    const { cityId } = await createCity(db);
    const inside = await createMaster(db, { cityId });
    const outside = await createMaster(db, { cityId });
    const nowhere = await createMaster(db, { cityId });
    await setMasterPoint(db, inside, ...northOf(...CENTRE, 9));
    await setMasterPoint(db, outside, ...northOf(...CENTRE, 12.3));
    const order = await placedOrder(cityId);
    const opts = near({ distance_weight: 5, distance_max_km: 10 });

    const ids = (await findCandidates(db, order, opts)).map((c) => c.masterId);
    expect(ids.sort()).toEqual([inside, nowhere].sort());
    // The master with a point ranks before the one without (an unknown distance comes after every band).
    expect((await findCandidates(db, order, opts))[0]?.masterId).toBe(inside);

    const rows = await findCandidates(db, order, { ...opts, explain: true });
    const far = rows.find((r) => r.masterId === outside)!;
    expect(far).toMatchObject({ eligible: false, rejections: ['too_far'] });
    expect(far.candidate.distanceM).toBeGreaterThan(12_200);
    expect(far.candidate.distanceM).toBeLessThan(12_400);
    expect(rows.find((r) => r.masterId === nowhere)).toMatchObject({ eligible: true, rejections: [] });

    // No radius (0 km): everyone; an order without a point: everyone.
    expect(await findCandidates(db, order, near({ distance_weight: 5, distance_max_km: 0 }))).toHaveLength(3);
    const unplaced = await loadOrder(await createOrder(db, { cityId }));
    expect(await findCandidates(db, unplaced, opts)).toHaveLength(3);
  });

  it('reads the distance settings when the caller does not pass them', async () => {
    const { cityId } = await createCity(db);
    const outside = await createMaster(db, { cityId });
    await setMasterPoint(db, outside, ...northOf(...CENTRE, 80));
    const order = await placedOrder(cityId);
    // The default distance_max_km is 50.
    expect(await findCandidates(db, order, { limit: 5, maxActiveOrders: 1 })).toEqual([]);
  });
});
