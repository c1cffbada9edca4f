import type { Db } from '@fs/db';
import { type Logger, prom } from '@fs/observability';
import { registerOutboxBacklogGauges, registerQueueJobsGauge } from '@fs/queue';
import type { Queue } from 'bullmq';

type Registry = InstanceType<typeof prom.Registry>;

export type SendResult =
  | 'sent'
  | 'skipped'
  | 'noop'
  | 'failed'
  | 'unreachable'
  | 'retry'
  | 'rate_limited'
  | 'deferred'
  | 'malformed';

export interface SenderMetrics {
  results: prom.Counter<'bot' | 'event' | 'result'>;
  rateLimited: prom.Counter<'bot'>;
  endToEnd: prom.Histogram<'bot' | 'event'>;
  timeouts: prom.Counter<'bot'>;
  possibleDuplicates: prom.Counter<'bot' | 'reason'>;
  leaseReclaimed: prom.Counter<'bot'>;
  leaseLost: prom.Counter<'bot'>;
  missedSlots: prom.Counter<'bot'>;
}

/**
 * Sender metrics. The outbox backlog and the queue depths are read on scrape (@fs/queue's gauges,
 * which the scheduler reports too), not on a timer.
 */
export function createSenderMetrics(
  registry: Registry,
  db: Db,
  queues: readonly Queue[],
  logger: Logger,
): SenderMetrics {
  const onError = (what: string, err: unknown) =>
    logger.warn({ err: String(err) }, `metrics: ${what} not collected`);
  registerOutboxBacklogGauges(registry, db, onError);
  registerQueueJobsGauge(
    registry,
    { name: 'notifications_queue_jobs', help: 'Jobs in the notification queues by state' },
    queues,
    ['waiting', 'active', 'delayed', 'prioritized', 'failed'],
    onError,
  );
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new prom.Counter<L>({ name, help, labelNames, registers: [registry] });
  return {
    results: counter('notifications_delivery_total', 'Outbox deliveries by bot, event and result', [
      'bot',
      'event',
      'result',
    ]),
    rateLimited: counter('notifications_telegram_429_total', 'Telegram 429 answers by bot', ['bot']),
    endToEnd: new prom.Histogram({
      name: 'notifications_end_to_end_seconds',
      help: 'From outbox row creation to Telegram accepting the message',
      labelNames: ['bot', 'event'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
      registers: [registry],
    }),
    timeouts: counter(
      'notifications_telegram_timeouts_total',
      'Sends that got no answer in time (they may have been delivered) by bot',
      ['bot'],
    ),
    possibleDuplicates: counter(
      'notifications_possible_duplicates_total',
      'Messages delivered again after a try that may have landed: a timed-out send (reason=timeout) or a dead sender whose lease ran out (reason=lease_expired)',
      ['bot', 'reason'],
    ),
    leaseReclaimed: counter(
      'notifications_outbox_leases_reclaimed_total',
      'Outbox rows claimed again after their sender lease ran out (a sender died or stalled)',
      ['bot'],
    ),
    leaseLost: counter(
      'notifications_outbox_leases_lost_total',
      'Claims this sender found taken over by another one when renewing (it stalled); it sends nothing on them',
      ['bot'],
    ),
    missedSlots: counter(
      'notifications_send_slots_missed_total',
      'Send slots given up because the sender woke too late for them (a stalled event loop); the row takes a later slot',
      ['bot'],
    ),
  };
}
