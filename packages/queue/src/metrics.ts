import type { Db } from '@fs/db';
import { prom, type ScrapeErrorHandler, scrapeOnce, withTimeout } from '@fs/observability';
import type { JobType, Queue } from 'bullmq';
import { outboxBacklog } from './outbox';

type Registry = InstanceType<typeof prom.Registry>;
type Backlog = Awaited<ReturnType<typeof outboxBacklog>>;

const BACKLOG_GAUGES: ReadonlyArray<readonly [name: string, help: string, value: (b: Backlog) => number]> = [
  ['notifications_outbox_pending', 'Outbox rows waiting to be delivered', (b) => b.count],
  [
    'notifications_outbox_oldest_pending_age_seconds',
    'How long the oldest pending outbox row has been due, 0 when none',
    (b) => b.oldestAgeS,
  ],
];

/**
 * The outbox backlog gauges, read on scrape (one query on the pending partial index per scrape,
 * shared by both). Every sender reports them, and every scheduler too, so that the backlog alert
 * keeps firing when the last sender is gone (NoSenderUp): the value is the same everywhere,
 * aggregate with max().
 */
export function registerOutboxBacklogGauges(registry: Registry, db: Db, onError: ScrapeErrorHandler): void {
  const backlog = scrapeOnce('outbox backlog', () => outboxBacklog(db), onError);
  for (const [name, help, value] of BACKLOG_GAUGES) {
    new prom.Gauge({
      name,
      help: `${help} (the same on every sender and scheduler: use max)`,
      registers: [registry],
      async collect() {
        const b = await backlog();
        if (b) this.set(value(b));
      },
    });
  }
}

/** A gauge of BullMQ job counts by queue and state, read on scrape (one getJobCounts per queue). */
export function registerQueueJobsGauge(
  registry: Registry,
  metric: { name: string; help: string },
  queues: readonly Queue[],
  states: JobType[],
  onError: ScrapeErrorHandler,
): void {
  new prom.Gauge({
    ...metric,
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      await Promise.all(
        queues.map(async (q) => {
          const what = `${q.name} job counts`;
          const counts = await withTimeout(q.getJobCounts(...states), what).catch((err: unknown) =>
            onError(what, err),
          );
          for (const [state, n] of Object.entries(counts ?? {})) this.set({ queue: q.name, state }, n);
        }),
      );
    },
  });
}
