/**
 * Fault: the notifications sender is down for 3 × the offer SLA while the scheduler offers an
 * order (packages/dispatch/src/offers/offer-clock.ts). An offer whose push never reached the master is
 * withdrawn, not expired: the master is not excluded, no round is used up, nobody escalates,
 * and the KPIs do not count it. Once the sender is back the same master gets the order's push
 * (exactly one: the pushes of the withdrawn offers were dropped), and the answer window runs
 * from that delivery.
 *
 * The SLA is 2 s here (the settings table, as staff would set it) so the outage is 6 s.
 */
import { parseConfig, schedulerSchema, senderSchema } from '@fs/config';
import { writeSetting } from '@fs/db';
import {
  createCity,
  createMaster,
  createOrder,
  createTestDatabase,
  createTestRedis,
  FakeTelegram,
  type TestDatabase,
  type TestRedis,
} from '@fs/testkit';
import { loadMasterFeedback } from '../../services/admin-bot/src/queries/masters';
import type { StaffMember } from '../../services/admin-bot/src/queries/staff';
import { loadKpiCounts } from '../../services/admin-bot/src/reports/queries';
import { type SchedulerHandle, startScheduler } from '../../services/distribution-scheduler/src/scheduler';
import { loadMasterStats } from '../../services/master-bot/src/queries/cabinet';
import { type SenderHandle, startSender } from '../../services/notifications-sender/src/sender';
import { MASTER_TOKEN, report, senderEnv, sleep, waitUntil } from './helpers';

jest.setTimeout(300_000);

const SLA_S = 2;

let tdb: TestDatabase;
let redis: TestRedis;
let tg: FakeTelegram;
let scheduler: SchedulerHandle | undefined;
let sender: SenderHandle | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  tg = new FakeTelegram();
  [tdb, redis] = await Promise.all([createTestDatabase(), createTestRedis(), tg.start()]);
  env = senderEnv({ databaseUrl: tdb.url, redisUrl: redis.url, prefix: redis.prefix, apiRoot: tg.apiRoot });
  env.SETTINGS_CACHE_MS = '0';
  await writeSetting(tdb.db, 'distribution_sla_seconds', SLA_S, null);
  await writeSetting(tdb.db, 'distribution_rounds', 2, null);
  await writeSetting(tdb.db, 'distribution_tick_seconds', 600, null); // events, not the tick, must do it
  scheduler = await startScheduler(parseConfig('distribution-scheduler', schedulerSchema, env));
});

afterAll(async () => {
  await sender?.stop();
  await scheduler?.stop();
  await tg?.stop();
  await redis?.cleanup();
  await tdb?.drop();
});

const offersOf = (orderId: number) =>
  tdb.db
    .selectFrom('offers')
    .select(['id', 'master_id', 'state', 'round_number', 'delivered_at', 'expires_at'])
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();

it('sender down 3 × SLA: undelivered offers are withdrawn, the master is offered again after restart, KPIs do not count them', async () => {
  const { city } = await createCity(tdb.db, { workingHoursStart: '00:00', workingHoursEnd: '00:00' });
  const best = await createMaster(tdb.db, { cityId: city.id, hasVehicle: true });
  const other = await createMaster(tdb.db, { cityId: city.id });
  const startedAt = new Date(Date.now() - 1000);
  const order = await createOrder(tdb.db, { cityId: city.id, description: 'Сенсор не работает' });
  await scheduler!.deps.queues.wakeOrder(order.id, 'created');

  // No sender for 3 × SLA.
  await sleep(3 * SLA_S * 1000);
  const whileDown = await offersOf(order.id);
  const withdrawn = whileDown.filter((o) => o.state === 'withdrawn');
  expect(withdrawn.length).toBeGreaterThanOrEqual(2);
  // Every offer went to the best master, in round 1: withdrawn offers neither exclude nor count.
  expect(new Set(whileDown.map((o) => o.master_id))).toEqual(new Set([best.id]));
  expect(new Set(whileDown.map((o) => o.round_number))).toEqual(new Set([1]));
  expect(whileDown.filter((o) => o.state === 'expired')).toEqual([]);
  const o1 = await tdb.db
    .selectFrom('orders')
    .select(['status', 'dist_rounds_used', 'escalated_logist_at'])
    .where('id', '=', order.id)
    .executeTakeFirstOrThrow();
  expect(o1).toEqual({ status: 'searching', dist_rounds_used: 1, escalated_logist_at: null });

  sender = await startSender(parseConfig('notifications-sender', senderSchema, env), { listen: false });
  const startedSenderAt = Date.now();
  const push = await tg.waitFor(
    (c) =>
      c.token === MASTER_TOKEN &&
      c.method === 'sendMessage' &&
      Number(c.params.chat_id) === best.tg_user_id &&
      c.response?.ok === true,
    120_000,
  );
  expect(String(push.params.text)).toContain(`Новый заказ #${order.id}`);
  // The answer window counts from the delivery: a full SLA.
  const delivered = await waitUntil(
    'the delivery recorded on the offer',
    async () => (await offersOf(order.id)).find((o) => o.delivered_at !== null),
    120_000,
  );
  expect(delivered.master_id).toBe(best.id);
  expect(delivered.expires_at.getTime() - delivered.delivered_at!.getTime()).toBe(SLA_S * 1000);
  // One push for the order: those of the withdrawn offers were dropped, never sent.
  await sleep(500);
  const pushesToBest = tg.calls.filter(
    (c) => c.method === 'sendMessage' && Number(c.params.chat_id) === best.tg_user_id,
  );
  expect(pushesToBest).toHaveLength(1);
  const dropped = await tdb.db
    .selectFrom('notifications_outbox')
    .select(['status', 'last_error'])
    .where('order_id', '=', order.id)
    .where('event', '=', 'new_offer')
    .where(
      'offer_id',
      'in',
      withdrawn.map((w) => w.id),
    )
    .execute();
  expect(
    dropped.every((d) => d.status === 'skipped' && d.last_error === 'offer withdrawn before delivery'),
  ).toBe(true);

  // The master lets it run out: that is an expiry (they saw it), and the other master is next.
  await waitUntil(
    'the other master offered',
    async () => (await offersOf(order.id)).some((o) => o.master_id === other.id),
    120_000,
  );
  const final = await offersOf(order.id);
  const delivered1 = final.find((o) => o.id === delivered.id)!;
  expect(delivered1.state).toBe('expired');

  const period = { from: startedAt, to: new Date(Date.now() + 60_000), firstDay: '', lastDay: '', tz: 'UTC' };
  const [kpi] = await loadKpiCounts(tdb.db, { all: true }, period);
  const notWithdrawn = final.filter((o) => o.state !== 'withdrawn');
  expect(kpi).toMatchObject({ offers: notWithdrawn.length, expired: 1, accepted: 0, declined: 0 });
  // The master's own statistics and the acceptance rate staff see on the master's card: the one
  // offer they saw and let run out, none of the withdrawn ones.
  const stats = await loadMasterStats(tdb.db, best.id, 'all');
  expect(stats).toMatchObject({ offers: 1, accepted: 0 });
  const admin: StaffMember = {
    id: 0,
    fullName: '',
    role: 'global_admin',
    isActive: true,
    cities: [],
    cityIds: [],
  };
  expect(await loadMasterFeedback(tdb.db, admin, best.id)).toMatchObject({ decided: 1, accepted: 0 });
  // The scheduler's counter tells withdrawn offers apart from expired ones. (Read before the
  // offers: the other master's offer may expire meanwhile, never the other way round.)
  const metrics = await scheduler!.base.registry.getSingleMetricAsString('fs_distribution_offers_total');
  const counted = (outcome: string) =>
    Number(
      new RegExp(`fs_distribution_offers_total\\{outcome="${outcome}"[^}]*\\} (\\d+)`).exec(metrics)?.[1] ??
        0,
    );
  const now = await offersOf(order.id);
  expect(counted('withdrawn')).toBe(now.filter((o) => o.state === 'withdrawn').length);
  expect(counted('expired')).toBeGreaterThanOrEqual(1);
  expect(counted('expired')).toBeLessThanOrEqual(now.filter((o) => o.state === 'expired').length);

  report('sender-down-offer-clock', {
    sla_s: SLA_S,
    down_s: 3 * SLA_S,
    offers_withdrawn: final.filter((o) => o.state === 'withdrawn').length,
    pushes_to_master: pushesToBest.length,
    push_after_restart_ms: push.at - startedSenderAt,
    kpi_offers: kpi!.offers,
  });
});
