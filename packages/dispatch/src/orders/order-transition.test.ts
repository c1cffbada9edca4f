import { OrderTransitionError } from '@fs/domain';
import { createCity, createOrder, type DispatchTestEnv, setupDispatchEnv } from '../../test/fixtures';
import { transitionOrder } from './order-transition';

let env: DispatchTestEnv;
let cityId: number;

beforeAll(async () => {
  env = await setupDispatchEnv();
  ({ cityId } = await createCity(env.db));
});
afterAll(() => env.close());

describe('transitionOrder', () => {
  it('moves the order, bumps the version and writes history with actor, reason and context', async () => {
    const orderId = await createOrder(env.db, { cityId, status: 'deferred' });
    const res = await transitionOrder(env.db, {
      orderId,
      from: 'deferred',
      to: 'searching',
      actorType: 'staff',
      actorId: 7,
      reason: 'distribute_now',
      context: { via: 'admin_bot' },
      expectedVersion: 1,
    });
    expect(res).toEqual({ version: 2 });
    const history = await env.db
      .selectFrom('order_status_history')
      .selectAll()
      .where('order_id', '=', orderId)
      .execute();
    expect(history).toMatchObject([
      {
        from_status: 'deferred',
        to_status: 'searching',
        actor_type: 'staff',
        actor_id: 7,
        reason: 'distribute_now',
        context: { via: 'admin_bot' },
      },
    ]);
  });

  it('returns null without history when the status or version guard does not match', async () => {
    const orderId = await createOrder(env.db, { cityId, status: 'searching' });
    const stale = { orderId, from: 'deferred', to: 'searching', actorType: 'system' } as const;
    expect(await transitionOrder(env.db, stale)).toBeNull();
    expect(
      await transitionOrder(env.db, {
        orderId,
        from: 'searching',
        to: 'canceled',
        actorType: 'staff',
        expectedVersion: 5,
      }),
    ).toBeNull();
    const history = await env.db
      .selectFrom('order_status_history')
      .select('id')
      .where('order_id', '=', orderId)
      .execute();
    expect(history).toEqual([]);
  });

  it('refuses a transition the actor may not make', async () => {
    const orderId = await createOrder(env.db, { cityId, status: 'searching' });
    await expect(
      transitionOrder(env.db, { orderId, from: 'searching', to: 'canceled', actorType: 'master' }),
    ).rejects.toThrow(OrderTransitionError);
  });
});
