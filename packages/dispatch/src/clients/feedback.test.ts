import { bayesianRating, RATING_PRIOR_MEAN } from '@fs/domain';
import {
  createActiveOrder,
  createCity,
  createMaster,
  createOrder,
  createStaff,
  type DispatchTestEnv,
  outboxRows,
  setSettings,
  setupDispatchEnv,
} from '../../test/fixtures';
import { findCandidates } from '../offers/candidates';
import { answerAmountCheck, rateOrder } from './feedback';

let env: DispatchTestEnv;
let cityId: number;
let otherCityId: number;
let cityStaff: number;
let otherStaff: number;
let globalAdmin: number;
let chatSeq = 700_000;

beforeAll(async () => {
  env = await setupDispatchEnv();
  ({ cityId } = await createCity(env.db));
  ({ cityId: otherCityId } = await createCity(env.db));
  cityStaff = await createStaff(env.db, 'logist', [cityId]);
  otherStaff = await createStaff(env.db, 'city_admin', [otherCityId]);
  globalAdmin = await createStaff(env.db, 'global_admin');
});
afterAll(() => env.close());

/** A closed order of `masterId` whose client link is open in a new chat. */
async function doneOrder(
  masterId: number,
  o: { status?: 'payment' | 'closed' | 'working'; total?: number | null; city?: number } = {},
) {
  const orderId = await createOrder(env.db, {
    cityId: o.city ?? cityId,
    status: o.status ?? 'closed',
    assignedMasterId: masterId,
    totalKopecks: o.total === undefined ? 350_000 : o.total,
  });
  const chatId = ++chatSeq;
  await env.db.insertInto('client_chats').values({ chat_id: chatId, tg_user_id: chatId }).execute();
  await env.db
    .insertInto('order_client_links')
    .values({
      order_id: orderId,
      token: `tok${chatId}xxxxxxxxxxxxxxxx`,
      expires_at: new Date(Date.now() + 86_400_000),
      chat_id: chatId,
    })
    .execute();
  return { orderId, chatId };
}

const masterRow = (id: number) =>
  env.db
    .selectFrom('masters')
    .select(['rating', 'reviews_count'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

async function alerts(orderId: number) {
  return (await outboxRows(env.db, { orderId, event: 'review_alert' })).map((r) => ({
    staff: r.staff_user_id,
    chat: r.chat_id,
    reason: (r.payload as { reason: string }).reason,
  }));
}

describe('rating', () => {
  it('stars write the Bayesian average on the master, one review per order', async () => {
    const m = await createMaster(env.db, { cityId, rating: RATING_PRIOR_MEAN });
    const a = await doneOrder(m);
    expect(await rateOrder(env.deps, { ...a, stars: 5 })).toEqual({
      kind: 'ok',
      stars: 5,
      rating: 4.58,
      alerted: false,
    });
    expect(await masterRow(m)).toEqual({ rating: '4.58', reviews_count: 1 });
    // A second tap (even another star) changes nothing.
    expect(await rateOrder(env.deps, { ...a, stars: 1 })).toEqual({ kind: 'already', stars: 5 });
    const b = await doneOrder(m);
    await rateOrder(env.deps, { ...b, stars: 4 });
    expect(await masterRow(m)).toEqual({ rating: bayesianRating(9, 2).toFixed(2), reviews_count: 2 }); // 4.50
  });

  it('is refused from another chat, before the order is done, and for bad stars', async () => {
    const m = await createMaster(env.db, { cityId });
    const a = await doneOrder(m);
    expect(await rateOrder(env.deps, { orderId: a.orderId, chatId: a.chatId + 10_000, stars: 1 })).toEqual({
      kind: 'not_yours',
    });
    const w = await doneOrder(m, { status: 'working' });
    expect(await rateOrder(env.deps, { ...w, stars: 5 })).toEqual({ kind: 'not_done' });
    expect(await rateOrder(env.deps, { ...a, stars: 6 })).toEqual({ kind: 'invalid' });
    expect(await rateOrder(env.deps, { orderId: 999_999, chatId: a.chatId, stars: 5 })).toEqual({
      kind: 'not_yours',
    });
    expect((await masterRow(m)).reviews_count).toBe(0);
  });

  it('a better-rated master now wins a tie it lost before', async () => {
    const { cityId: c } = await createCity(env.db);
    const busy = await createMaster(env.db, { cityId: c, limitOverride: 3, rating: RATING_PRIOR_MEAN });
    const idle = await createMaster(env.db, { cityId: c, limitOverride: 3, rating: RATING_PRIOR_MEAN });
    await createActiveOrder(env.db, c, busy);
    const order = await env.db
      .selectFrom('orders')
      .select(['id', 'city_id', 'district_id', 'category', 'type', 'preferred_master_id'])
      .where('id', '=', await createOrder(env.db, { cityId: c }))
      .executeTakeFirstOrThrow();
    const ranking = async () => (await findCandidates(env.db, order, { limit: 5 })).map((x) => x.masterId);
    // Equal ratings: the one with fewer active orders wins.
    expect(await ranking()).toEqual([idle, busy]);
    // The clients rate them: the busy master is now better rated and wins.
    await rateOrder(env.deps, { ...(await doneOrder(busy, { city: c })), stars: 5 });
    await rateOrder(env.deps, { ...(await doneOrder(idle, { city: c })), stars: 3 });
    expect(await ranking()).toEqual([busy, idle]);
  });
});

describe('alerts to staff', () => {
  it('a low rating alerts the city staff once (global admins too, not other cities)', async () => {
    await setSettings(env.db, { alerts_channel_id: '-100500' });
    try {
      const m = await createMaster(env.db, { cityId });
      const a = await doneOrder(m);
      expect((await rateOrder(env.deps, { ...a, stars: 2 })).kind).toBe('ok');
      await rateOrder(env.deps, { ...a, stars: 1 });
      const got = await alerts(a.orderId);
      expect(got).toEqual(
        expect.arrayContaining([
          { staff: cityStaff, chat: null, reason: 'low_rating' },
          { staff: globalAdmin, chat: null, reason: 'low_rating' },
          { staff: null, chat: -100500, reason: 'low_rating' },
        ]),
      );
      expect(got.map((x) => x.staff)).not.toContain(otherStaff);
      expect(got).toHaveLength(3);
      const row = (await outboxRows(env.db, { orderId: a.orderId, event: 'review_alert' }))[0]!;
      expect(row.payload).toMatchObject({
        order_id: a.orderId,
        master_id: m,
        stars: 2,
        amount_kopecks: 350_000,
      });
    } finally {
      await setSettings(env.db, { alerts_channel_id: '' });
    }
  });

  it('4 or 5 stars alert nobody', async () => {
    const m = await createMaster(env.db, { cityId });
    const a = await doneOrder(m);
    await rateOrder(env.deps, { ...a, stars: 4 });
    expect(await alerts(a.orderId)).toEqual([]);
  });

  it('a disputed amount alerts once; a confirmed one does not', async () => {
    const m = await createMaster(env.db, { cityId });
    const a = await doneOrder(m);
    expect(await answerAmountCheck(env.deps, { ...a, confirmed: false })).toEqual({
      kind: 'ok',
      confirmed: false,
      alerted: true,
    });
    expect(await answerAmountCheck(env.deps, { ...a, confirmed: true })).toEqual({
      kind: 'already',
      confirmed: false,
    });
    expect((await alerts(a.orderId)).map((x) => x.reason)).toEqual(['amount_disputed', 'amount_disputed']);
    // Then a good rating: no second alert for it, and the review keeps both answers.
    await rateOrder(env.deps, { ...a, stars: 5 });
    expect(await alerts(a.orderId)).toHaveLength(2);
    const review = await env.db
      .selectFrom('reviews')
      .select(['stars', 'amount_confirmed', 'amount_kopecks', 'city_id', 'master_id'])
      .where('order_id', '=', a.orderId)
      .executeTakeFirstOrThrow();
    expect(review).toEqual({
      stars: 5,
      amount_confirmed: false,
      amount_kopecks: 350_000,
      city_id: cityId,
      master_id: m,
    });

    const b = await doneOrder(m);
    await answerAmountCheck(env.deps, { ...b, confirmed: true });
    expect(await alerts(b.orderId)).toEqual([]);
  });

  it('a guarantee order has no amount to check', async () => {
    const m = await createMaster(env.db, { cityId });
    const g = await doneOrder(m, { total: 0 });
    await env.db.updateTable('orders').set({ type: 'guarantee' }).where('id', '=', g.orderId).execute();
    expect(await answerAmountCheck(env.deps, { ...g, confirmed: false })).toEqual({ kind: 'no_amount' });
  });

  it('a review in another city alerts that city only', async () => {
    const m = await createMaster(env.db, { cityId: otherCityId });
    const a = await doneOrder(m, { city: otherCityId });
    await rateOrder(env.deps, { ...a, stars: 1 });
    expect((await alerts(a.orderId)).map((x) => x.staff).sort()).toEqual([otherStaff, globalAdmin].sort());
  });
});
