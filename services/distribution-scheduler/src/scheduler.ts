import type { SchedulerConfig } from '@fs/config';
import { SettingsCache } from '@fs/db';
import type { DispatchDeps } from '@fs/dispatch';
import type { Logger } from '@fs/observability';
import { createRedis, DISTRIBUTION_JOBS, QUEUES } from '@fs/queue';
import { createServiceBase, type ServiceBase, serviceStop, startRelayLoop } from '@fs/runtime';
import { Worker } from 'bullmq';
import { mountBullBoard } from './bull-board';
import { createJobProcessor, type JobObserver } from './job-processor';
import { SchedulerMetrics } from './metrics';
import { createScrapeMetrics } from './scrape-metrics';
import { TickSchedule } from './tick-schedule';
import { scheduleTimedJobs } from './timed-jobs';

export const SERVICE_NAME = 'distribution-scheduler';

export interface StartSchedulerOptions {
  logger?: Logger;
  /** Wall clock for working-hours decisions (tests). */
  clock?: () => Date;
  /** How often to check whether `distribution_tick_seconds` changed. */
  tickSyncMs?: number;
  onJob?: JobObserver;
}

export interface SchedulerHandle {
  base: ServiceBase;
  deps: DispatchDeps;
  worker: Worker;
  /** The health/metrics server address. */
  address: string;
  /** Stop taking jobs, finish the ones in flight, close every connection. */
  stop(): Promise<void>;
}

/**
 * Builds and starts the scheduler: the `distribution` queue worker (per-order runs, expiries,
 * the safety tick), the tick's Job Scheduler, the outbox relay and the health server.
 */
export async function startScheduler(
  config: SchedulerConfig,
  opts: StartSchedulerOptions = {},
): Promise<SchedulerHandle> {
  const base = await createServiceBase(SERVICE_NAME, config, opts.logger);
  const { logger, db, queues } = base;
  const settings = new SettingsCache(db, config.SETTINGS_CACHE_MS);
  const deps: DispatchDeps = { db, queues, settings, logger, clock: opts.clock };
  const metrics = new SchedulerMetrics(base.registry);
  const scraped = createScrapeMetrics({
    registry: base.registry,
    db,
    redis: base.redis,
    queues,
    settings,
    prefix: config.REDIS_PREFIX,
    logger,
    offers: metrics.offers,
  });
  metrics.beforeOffersScrape = scraped.claimAccepts;
  const onJob: JobObserver = (job, outcome, seconds, decided) => {
    opts.onJob?.(job, outcome, seconds, decided);
    if (job === DISTRIBUTION_JOBS.tick && outcome === 'ok')
      scraped
        .recordTick()
        .catch((err) => logger.warn({ err: String(err) }, 'recording the last tick failed'));
  };

  const workerRedis = createRedis(config.REDIS_URL, { connectionName: `${SERVICE_NAME}-worker` });
  workerRedis.on('error', (err) => logger.warn({ err: String(err) }, 'worker redis connection error'));
  const worker = new Worker(
    QUEUES.distribution,
    createJobProcessor(deps, metrics, { batchOrders: config.DISTRIBUTION_BATCH_ORDERS }, onJob),
    {
      connection: workerRedis,
      prefix: config.REDIS_PREFIX,
      concurrency: config.DISTRIBUTION_CONCURRENCY,
    },
  );
  worker.on('failed', (job, err) =>
    logger.warn(
      { job_id: job?.id, job: job?.name, data: job?.data, err: err.message },
      'distribution job failed',
    ),
  );
  worker.on('error', (err) => logger.error({ err: String(err) }, 'distribution worker error'));

  const tick = new TickSchedule(queues.distribution, settings, logger, opts.tickSyncMs);
  await tick.start();
  await scheduleTimedJobs(queues.distribution);
  const relay = startRelayLoop(base, config, (n) => metrics.outboxRelayed.inc(n));
  if (config.BULL_BOARD_USER && config.BULL_BOARD_PASSWORD) {
    await mountBullBoard(base.health.app, queues, {
      user: config.BULL_BOARD_USER,
      password: config.BULL_BOARD_PASSWORD,
    });
  }
  const address = await base.health.listen(config.HTTP_PORT, config.HTTP_HOST);
  logger.info(
    {
      address,
      concurrency: config.DISTRIBUTION_CONCURRENCY,
      bullBoard: Boolean(config.BULL_BOARD_USER && config.BULL_BOARD_PASSWORD),
    },
    'distribution scheduler started',
  );

  return {
    base,
    deps,
    worker,
    address,
    stop: serviceStop(base, async () => {
      await tick.stop();
      await relay.stop();
      await worker.close();
      workerRedis.disconnect();
    }),
  };
}
