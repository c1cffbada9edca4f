import { estimateEta } from '@fs/domain';
import {
  createCity,
  createMaster,
  createOrder,
  type DispatchTestEnv,
  setupDispatchEnv,
} from '../../test/fixtures';
import type { StaffActor } from '../masters/master-admin';
import { recordLiveLocation, setBaseLocation } from '../masters/master-location';
import { estimateArrival, orderPlace, pinOrderLocation } from './order-location';

let env: DispatchTestEnv;
let cityId: number;
let otherCityId: number;
beforeAll(async () => {
  env = await setupDispatchEnv();
  ({ cityId } = await createCity(env.db));
  ({ cityId: otherCityId } = await createCity(env.db));
});
afterAll(() => env.close());

const staff = (cities: number[]): StaffActor => ({
  staffId: 0,
  staffName: 'Логист',
  inScope: (c) => c !== null && cities.includes(c),
});

describe('pinOrderLocation', () => {
  it('makes the staff pin the order’s exact point, audits the old one and wakes a waiting order', async () => {
    const orderId = await createOrder(env.db, { cityId });
    const staffRow = await env.db
      .insertInto('staff_users')
      .values({ tg_user_id: Date.now(), role: 'logist', full_name: 'Логист' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const actor = { ...staff([cityId]), staffId: staffRow.id };
    expect(await pinOrderLocation(env.deps, actor, orderId, { lat: 55.7, lon: 37.5 })).toEqual({
      kind: 'ok',
    });
    expect(await orderPlace(env.db, orderId)).toMatchObject({
      point: { lat: 55.7, lon: 37.5 },
      precision: 'pin',
      source: 'staff_pin',
      address: null,
    });
    const row = await env.db
      .selectFrom('orders')
      .select('geo_pinned_by_staff_id')
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(row.geo_pinned_by_staff_id).toBe(staffRow.id);
    const log = await env.db
      .selectFrom('admin_audit_log')
      .select(['action', 'payload'])
      .where('entity_id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(log).toEqual({
      action: 'order.pin_location',
      payload: {
        from: { lat: null, lon: null, geo_precision: 'unknown', geo_source: null },
        to: { lat: 55.7, lon: 37.5 },
      },
    });
    const jobs = await env.queues.distribution.getJobs(['waiting', 'prioritized']);
    expect(jobs.map((j) => j.data)).toContainEqual({ orderId, reason: 'location_pinned' });
  });

  it('refuses another city’s order, a closed order and a bad point', async () => {
    const foreign = await createOrder(env.db, { cityId: otherCityId });
    expect(await pinOrderLocation(env.deps, staff([cityId]), foreign, { lat: 55, lon: 37 })).toEqual({
      kind: 'not_in_scope',
    });
    const closed = await createOrder(env.db, { cityId, status: 'canceled' });
    expect(await pinOrderLocation(env.deps, staff([cityId]), closed, { lat: 55, lon: 37 })).toEqual({
      kind: 'wrong_state',
    });
    expect(await pinOrderLocation(env.deps, staff([cityId]), foreign, { lat: 100, lon: 37 })).toEqual({
      kind: 'invalid_point',
    });
    expect((await orderPlace(env.db, foreign))?.precision).toBe('unknown');
  });
});

describe('estimateArrival', () => {
  it('estimates from the master’s live point when shared, else the base point; null without points', async () => {
    const master = await createMaster(env.db, { cityId, hasVehicle: true });
    const orderId = await createOrder(env.db, { cityId, status: 'en_route', assignedMasterId: master });
    expect(await estimateArrival(env.db, orderId)).toBeNull();
    await env.db
      .updateTable('orders')
      .set({ lat: 55.75, lon: 37.6, geo_precision: 'house', geo_source: 'geocoder' })
      .where('id', '=', orderId)
      .execute();
    expect(await estimateArrival(env.db, orderId)).toBeNull();

    await setBaseLocation(env.db, master, { lat: 55.84, lon: 37.6 }); // 10.0 km north
    const fromBase = await estimateArrival(env.db, orderId);
    expect(fromBase?.fromLive).toBe(false);
    expect(fromBase?.distanceM).toBeGreaterThan(9_950);
    expect(fromBase?.distanceM).toBeLessThan(10_050);
    expect(fromBase).toMatchObject(estimateEta(fromBase!.distanceM, true));

    await recordLiveLocation(env.db, master, {
      point: { lat: 55.77, lon: 37.6 },
      messageId: 1,
      sentAt: new Date(),
      livePeriod: 900,
      editedAt: null,
    });
    const fromLive = await estimateArrival(env.db, orderId);
    expect(fromLive?.fromLive).toBe(true);
    expect(fromLive?.distanceM).toBeGreaterThan(2_200);
    expect(fromLive?.distanceM).toBeLessThan(2_250);
    expect(fromLive!.maxMinutes).toBeLessThan(fromBase!.maxMinutes);
  });
});
