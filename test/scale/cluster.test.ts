/**
 * Scale-out proof (issue: operations, item 1): 2 distribution-scheduler replicas and 3
 * notifications-sender replicas on one Postgres and Redis over 2,000 orders make no double
 * offers and no double sends, and each Job Scheduler exists once for the cluster.
 */

import { TICK_SCHEDULER_ID } from '@fs/queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fs/testkit';
import { TIMED_JOBS } from '../../services/distribution-scheduler/src/timed-jobs';
import { runCluster } from './cluster';

let tdb: TestDatabase;
let redis: TestRedis;

beforeAll(async () => {
  [tdb, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
});
afterAll(async () => {
  await Promise.all([tdb?.drop(), redis?.cleanup()]);
});

it('2 schedulers + 3 senders, 2,000 orders: one offer per order, one push per offer, timed jobs once', async () => {
  const result = await runCluster({
    dbUrl: tdb.url,
    db: tdb.db,
    redisUrl: redis.url,
    redisPrefix: redis.prefix,
    schedulers: 2,
    senders: 3,
    orders: 2000,
    timeoutMs: 150_000,
  });
  expect(result.orders).toBe(2000);
  expect(result.doubleOffers).toBe(0);
  expect(result.repeatedMasterOffers).toBe(0);
  expect(result.unsent).toBe(0);
  expect(result.duplicateSends).toBe(0);
  expect(result.pushes).toBe(2000);
  // Both replicas upserted every Job Scheduler: each id holds one schedule, so each timed job is
  // produced once per interval for the cluster (its run is covered in break-jobs.test.ts).
  expect([...result.jobSchedulers].sort()).toEqual(
    [TICK_SCHEDULER_ID, ...TIMED_JOBS.map((j) => j.schedulerId)].sort(),
  );
}, 180_000);
