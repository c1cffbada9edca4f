import type { Db, SettingsCache } from '@fs/db';
import { ORDER_STATUSES } from '@fs/domain';
import { type Logger, prom, scrapeOnce, withTimeout } from '@fs/observability';
import { type Queues, registerOutboxBacklogGauges, registerQueueJobsGauge } from '@fs/queue';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';

type Registry = InstanceType<typeof prom.Registry>;

/** Statuses an order leaves (closed and canceled grow forever: they are not counted on scrape). */
const OPEN_STATUSES = ORDER_STATUSES.filter((s) => s !== 'closed' && s !== 'canceled');
/**
 * distribution_metrics rows are claimed only once they are this old, so that a transaction
 * that took an earlier id but commits later is not skipped by the cursor.
 */
const ACCEPT_SETTLE_SECONDS = 10;
const ACCEPT_BATCH = 2000;

/**
 * Claims the `[from, to]` id range if the cursor still points at `from`: every
 * distribution_metrics row is observed by exactly one scheduler replica.
 */
const CLAIM_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0`;

export interface ScrapeMetricsOptions {
  registry: Registry;
  db: Db;
  redis: Redis;
  queues: Queues;
  settings: SettingsCache;
  prefix: string;
  logger: Logger;
  /** The counter the run metrics already use (`fs_distribution_offers_total`): accepts are added to it. */
  offers: prom.Counter<'outcome'>;
}

export interface ScrapeMetrics {
  /** Call when a safety tick finished: stores the cluster-wide "last tick" time in Redis. */
  recordTick(): Promise<void>;
  /** Observes new accepts (runs on scrape; the offers counter awaits it too). */
  claimAccepts(): Promise<void>;
}

/**
 * Metrics read from Postgres/Redis when Prometheus scrapes (not on a timer):
 *
 * - `fs_orders{status}`: open orders by status (index range scans on ix_orders__status_city).
 * - `fs_queue_jobs{queue,state}`: depth of the three BullMQ queues (reported by the scheduler so
 *   that a notify queue growing while every sender is down is still visible).
 * - `notifications_outbox_pending`, `notifications_outbox_oldest_pending_age_seconds`: the outbox
 *   backlog, under the same names as the sender's gauges, so that the backlog alert keeps firing
 *   when the metric dies with the last sender (NoSenderUp).
 * - `fs_distribution_last_tick_timestamp_seconds`, `fs_distribution_tick_interval_seconds`: the
 *   cluster-wide last safety tick (kept in Redis, so every replica reports the same value) and
 *   the configured interval, for the "scheduler not ticking" alert.
 * - `fs_distribution_time_to_accept_seconds` and `fs_distribution_offers_total{outcome="accepted"}`:
 *   from new distribution_metrics rows (one per automatic assignment), claimed through a cursor
 *   in Redis so that with N replicas each row is observed once; sum over replicas.
 *
 * Values that are identical on every replica (orders, queue depths, outbox backlog, last tick) should be
 * aggregated with max(), not sum().
 *
 * long-function: a table of metric definitions, each with its collector; nothing to gain by splitting.
 */
export function createScrapeMetrics(opts: ScrapeMetricsOptions): ScrapeMetrics {
  const { registry, db, redis, logger } = opts;
  const registers = [registry];
  const lastTickKey = `${opts.prefix}:metrics:last-tick`;
  const acceptCursorKey = `${opts.prefix}:metrics:accept-cursor`;
  const onError = (what: string, err: unknown) =>
    logger.warn({ err: String(err) }, `metrics: ${what} not collected`);
  const warn = (what: string) => (err: unknown) => onError(what, err);

  new prom.Gauge({
    name: 'fs_orders',
    help: 'Open orders by status (closed and canceled are not counted)',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const rows = await withTimeout(
        db
          .selectFrom('orders')
          .select(['status', sql<number>`count(*)::int`.as('n')])
          .where('status', 'in', OPEN_STATUSES)
          .groupBy('status')
          .execute(),
        'orders by status',
      ).catch(warn('orders by status'));
      if (!rows) return;
      for (const s of OPEN_STATUSES) this.set({ status: s }, 0);
      for (const r of rows) this.set({ status: r.status }, r.n);
    },
  });

  registerQueueJobsGauge(
    registry,
    {
      name: 'fs_queue_jobs',
      help: 'BullMQ jobs by queue and state (same value on every scheduler replica: use max)',
    },
    [opts.queues.distribution, ...opts.queues.notifyQueues()],
    ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'],
    onError,
  );
  registerOutboxBacklogGauges(registry, db, onError);

  new prom.Gauge({
    name: 'fs_distribution_last_tick_timestamp_seconds',
    help: 'Unix time of the last safety tick processed by any scheduler replica (0: none yet)',
    registers,
    async collect() {
      const v = await withTimeout(redis.get(lastTickKey), 'last tick').catch(warn('last tick'));
      if (v !== undefined) this.set(v ? Number(v) : 0);
    },
  });

  new prom.Gauge({
    name: 'fs_distribution_tick_interval_seconds',
    help: 'Configured safety tick interval (settings.distribution_tick_seconds)',
    registers,
    async collect() {
      const s = await withTimeout(opts.settings.get(), 'settings').catch(warn('tick interval'));
      if (s) this.set(s.distribution_tick_seconds);
    },
  });

  /** One claim per scrape, shared by every metric fed from distribution_metrics. */
  const claimOnce = scrapeOnce('accepts', claimAccepts, onError);

  const timeToAccept = new prom.Histogram({
    name: 'fs_distribution_time_to_accept_seconds',
    help: 'From order creation to the accepted offer (automatic assignments; each order observed once across replicas)',
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600],
    registers,
    collect: claimOnce,
  });
  const firstOfferToAccept = new prom.Histogram({
    name: 'fs_distribution_first_offer_to_accept_seconds',
    help: 'From the first offer of an order to the accepted offer (automatic assignments)',
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600],
    registers,
    collect: claimOnce,
  });

  async function claimAccepts(): Promise<void> {
    let cursor = await redis.get(acceptCursorKey);
    if (cursor === null) {
      // First start: begin after the rows that already exist (history is in the reports).
      const max = await db
        .selectFrom('distribution_metrics')
        .select(sql<number>`coalesce(max(id), 0)::int`.as('id'))
        .executeTakeFirstOrThrow();
      await redis.set(acceptCursorKey, String(max.id), 'NX');
      cursor = await redis.get(acceptCursorKey);
      if (cursor === null) return;
    }
    const rows = await db
      .selectFrom('distribution_metrics')
      .select(['id', 'via', 'seconds_from_creation', 'seconds_from_first_offer'])
      .where('id', '>', Number(cursor))
      .where('assigned_at', '<', sql<Date>`now() - make_interval(secs => ${ACCEPT_SETTLE_SECONDS})`)
      .orderBy('id')
      .limit(ACCEPT_BATCH)
      .execute();
    const last = rows.at(-1);
    if (!last) return;
    const claimed = await redis.eval(CLAIM_SCRIPT, 1, acceptCursorKey, cursor, String(last.id));
    if (claimed !== 1) return; // another replica took this range
    for (const r of rows) {
      if (r.via !== 'auto') continue;
      opts.offers.inc({ outcome: 'accepted' });
      timeToAccept.observe(r.seconds_from_creation);
      if (r.seconds_from_first_offer !== null) firstOfferToAccept.observe(r.seconds_from_first_offer);
    }
  }

  return {
    claimAccepts: claimOnce,
    async recordTick() {
      await redis.set(lastTickKey, String(Math.floor(Date.now() / 1000)));
    },
  };
}
