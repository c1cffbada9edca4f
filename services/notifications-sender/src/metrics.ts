import type { Db } from '@fs/db';
import { prom } from '@fs/observability';
import { outboxBacklog } from '@fs/queue';
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
 * Sender metrics. The outbox backlog and the queue depths are read on scrape (one query on the
 * pending partial index, shared by both gauges; one getJobCounts per queue), not on a timer.
 */
export function createSenderMetrics(registry: Registry, db: Db, queues: readonly Queue[]): SenderMetrics {
  let stats: { at: number; value: Promise<{ count: number; oldestAgeS: number }> } | null = null;
  const backlog = () => {
    if (!stats || Date.now() - stats.at > 1000) {
      stats = {
        at: Date.now(),
        value: outboxBacklog(db).catch(() => ({ count: Number.NaN, oldestAgeS: Number.NaN })),
      };
    }
    return stats.value;
  };
  new prom.Gauge({
    name: 'notifications_outbox_pending',
    help: 'Outbox rows waiting to be delivered',
    registers: [registry],
    async collect() {
      this.set((await backlog()).count);
    },
  });
  new prom.Gauge({
    name: 'notifications_outbox_oldest_pending_age_seconds',
    help: 'How long the oldest pending outbox row has been due (0 when none)',
    registers: [registry],
    async collect() {
      this.set((await backlog()).oldestAgeS);
    },
  });
  new prom.Gauge({
    name: 'notifications_queue_jobs',
    help: 'Jobs in the notification queues by state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      await Promise.all(
        queues.map(async (q) => {
          const counts = await q
            .getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed')
            .catch(() => null);
          for (const [state, n] of Object.entries(counts ?? {})) this.set({ queue: q.name, state }, n);
        }),
      );
    },
  });
  return {
    results: new prom.Counter({
      name: 'notifications_delivery_total',
      help: 'Outbox deliveries by bot, event and result',
      labelNames: ['bot', 'event', 'result'] as const,
      registers: [registry],
    }),
    rateLimited: new prom.Counter({
      name: 'notifications_telegram_429_total',
      help: 'Telegram 429 answers by bot',
      labelNames: ['bot'] as const,
      registers: [registry],
    }),
    endToEnd: new prom.Histogram({
      name: 'notifications_end_to_end_seconds',
      help: 'From outbox row creation to Telegram accepting the message',
      labelNames: ['bot', 'event'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
      registers: [registry],
    }),
    timeouts: new prom.Counter({
      name: 'notifications_telegram_timeouts_total',
      help: 'Sends that got no answer in time (they may have been delivered) by bot',
      labelNames: ['bot'] as const,
      registers: [registry],
    }),
    possibleDuplicates: new prom.Counter({
      name: 'notifications_possible_duplicates_total',
      help: 'Messages delivered again after a try that may have landed: a timed-out send (reason=timeout) or a dead sender whose lease ran out (reason=lease_expired)',
      labelNames: ['bot', 'reason'] as const,
      registers: [registry],
    }),
    leaseReclaimed: new prom.Counter({
      name: 'notifications_outbox_leases_reclaimed_total',
      help: 'Outbox rows claimed again after their sender lease ran out (a sender died or stalled)',
      labelNames: ['bot'] as const,
      registers: [registry],
    }),
    leaseLost: new prom.Counter({
      name: 'notifications_outbox_leases_lost_total',
      help: 'Claims this sender found taken over by another one when renewing (it stalled); it sends nothing on them',
      labelNames: ['bot'] as const,
      registers: [registry],
    }),
    missedSlots: new prom.Counter({
      name: 'notifications_send_slots_missed_total',
      help: 'Send slots given up because the sender woke too late for them (a stalled event loop); the row takes a later slot',
      labelNames: ['bot'] as const,
      registers: [registry],
    }),
  };
}
