import { createMaster, createOrder } from '@fs/testkit';
import { type DispatchTestEnv, setSettings, setupDispatchEnv } from '../../test/fixtures';
import { reviewOrderCloseAmount } from './order-close';

let env: DispatchTestEnv;

beforeAll(async () => {
  env = await setupDispatchEnv({ poolSize: 2 });
});
afterAll(async () => {
  await env?.close();
});

describe('reviewOrderCloseAmount: what the master confirms before closing', () => {
  it('the commission a total implies and whether it is far above the category’s usual', async () => {
    const m = await createMaster(env.db);
    const order = await createOrder(env.db, {
      status: 'working',
      assignedMasterId: m.id,
      category: 'plumbing',
    });
    const input = { orderId: order.id, masterId: m.id };
    expect(await reviewOrderCloseAmount(env.deps, { ...input, totalKopecks: 350_000 })).toEqual({
      kind: 'review',
      totalKopecks: 350_000,
      commission: { ratePct: 50, rate: '0.5000', amountKopecks: 175_000 },
      usualMaxKopecks: 1_500_000,
      unusual: false,
    });
    expect(await reviewOrderCloseAmount(env.deps, { ...input, totalKopecks: 3_500_000 })).toMatchObject({
      kind: 'review',
      commission: { amountKopecks: 1_750_000 },
      unusual: true,
    });
    // Staff changed the category's ceiling: the next review uses it.
    await setSettings(env.db, { amount_check_plumbing_rub: 50_000 });
    expect(await reviewOrderCloseAmount(env.deps, { ...input, totalKopecks: 3_500_000 })).toMatchObject({
      unusual: false,
      usualMaxKopecks: 5_000_000,
    });
  });

  it('refuses another master’s order, a wrong status and a guarantee order (closed without a total)', async () => {
    const m = await createMaster(env.db);
    const other = await createMaster(env.db);
    const working = await createOrder(env.db, { status: 'working', assignedMasterId: m.id });
    const assigned = await createOrder(env.db, { status: 'assigned', assignedMasterId: m.id });
    const guarantee = await createOrder(env.db, {
      status: 'working',
      type: 'guarantee',
      assignedMasterId: m.id,
    });
    const review = (orderId: number, masterId = m.id) =>
      reviewOrderCloseAmount(env.deps, { orderId, masterId, totalKopecks: 100_000 });
    expect(await review(working.id, other.id)).toEqual({ kind: 'not_yours' });
    expect(await review(assigned.id)).toEqual({ kind: 'wrong_status', status: 'assigned' });
    expect(await review(guarantee.id)).toEqual({ kind: 'no_amount' });
    expect(await review(999_999)).toEqual({ kind: 'not_found' });
  });
});
