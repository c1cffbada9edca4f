import { sql } from 'kysely';
import {
  createCity,
  createMaster,
  createOffer,
  createOrder,
  type DispatchTestEnv,
  outboxRows,
  setupDispatchEnv,
} from '../../test/fixtures';
import { acceptOffer } from '../offers/offer-accept';

/**
 * A transaction that locks a master (to check their load) must not block another transaction's
 * rows that merely reference that master (outbox and offer rows: the foreign key's KEY SHARE).
 * Two accepts, each holding its own master and telling the other's master their offer was
 * taken, deadlocked while the master lock was FOR UPDATE (master-load.test.ts saw it once under
 * load; here the interleaving is forced).
 */
let env: DispatchTestEnv;
let cityId: number;

beforeAll(async () => {
  env = await setupDispatchEnv({ poolSize: 10 });
  ({ cityId } = await createCity(env.db));
});
afterAll(() => env.close());

/** Backends of this database waiting for a lock. */
async function lockWaiters(): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(env.db);
  return rows[0]!.n;
}

async function waitFor(cond: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 60_000;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('condition not reached in 60 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('two masters accepting crosswise (each the loser of the other order) both finish', async () => {
  const a = await createMaster(env.db, { cityId });
  const b = await createMaster(env.db, { cityId });
  const x = await createOrder(env.db, { cityId });
  const y = await createOrder(env.db, { cityId });
  const xa = await createOffer(env.db, x, a);
  const xb = await createOffer(env.db, x, b);
  const ya = await createOffer(env.db, y, a);
  const yb = await createOffer(env.db, y, b);

  // Hold the losers' offers so both accepts stop after locking their own master, before
  // canceling the losers and writing their outbox rows (which reference the other master).
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  let held!: () => void;
  const holding = new Promise<void>((r) => {
    held = r;
  });
  const holder = env.db.transaction().execute(async (trx) => {
    await trx.selectFrom('offers').select('id').where('id', 'in', [xb, ya]).forUpdate().execute();
    held();
    await released;
  });
  await holding;
  const accepts = Promise.allSettled([
    acceptOffer(env.deps, { offerId: xa, masterId: a }),
    acceptOffer(env.deps, { offerId: yb, masterId: b }),
  ]);
  await waitFor(async () => (await lockWaiters()) >= 2);
  release();
  await holder;

  const results = await accepts;
  expect(results.map((r) => (r.status === 'fulfilled' ? r.value.kind : String(r.reason)))).toEqual([
    'won',
    'won',
  ]);
  const closed = await outboxRows(env.db, { event: 'offer_closed' });
  expect(closed.map((r) => [r.order_id, r.master_id]).sort()).toEqual(
    [
      [x, b],
      [y, a],
    ].sort(),
  );
});
