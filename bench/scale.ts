/**
 * Cluster scale-out table: for each "schedulers×senders" shape, a fresh database with 2,000
 * searching orders, every order woken through every scheduler replica, until every push is
 * delivered by the sender replicas (fake Telegram without a rate limit). Prints a markdown
 * table: replicas → orders/s, pushes/s, double offers, duplicate sends. Not a test.
 *
 *   pnpm bench:scale
 *   BENCH_SHAPES=1x1,2x3 BENCH_ORDERS=2000 pnpm bench:scale
 */
import { createTestDatabase, createTestRedis } from '@fs/testkit';
import globalSetup from '../packages/testkit/src/jest/global-setup';
import globalTeardown from '../packages/testkit/src/jest/global-teardown';
import { runCluster } from '../test/scale/cluster';

const SHAPES = (process.env.BENCH_SHAPES ?? '1x1,1x3,2x1,2x3,3x3')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number]);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 2000);

async function main(): Promise<void> {
  // The same per-run template database the tests clone (migrated and seeded once).
  await globalSetup();
  const rows: string[] = [];
  for (const [schedulers, senders] of SHAPES) {
    const [tdb, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
    try {
      const r = await runCluster({
        dbUrl: tdb.url,
        db: tdb.db,
        redisUrl: redis.url,
        redisPrefix: redis.prefix,
        schedulers,
        senders,
        orders: ORDERS,
        timeoutMs: 300_000,
      });
      const row = `| ${schedulers} | ${senders} | ${r.orders} | ${r.seconds.toFixed(1)} | ${r.ordersPerSecond.toFixed(0)} | ${r.pushesPerSecond.toFixed(0)} | ${r.doubleOffers} | ${r.duplicateSends} | ${r.unsent} |`;
      rows.push(row);
      console.log(row);
    } finally {
      await Promise.all([tdb.drop(), redis.cleanup()]);
    }
  }
  console.log(
    '\n| schedulers | senders | orders | seconds | orders/s (offered) | pushes/s (delivered) | double offers | duplicate sends | unsent |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  await globalTeardown();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
