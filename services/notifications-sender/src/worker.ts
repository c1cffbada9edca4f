import type { Logger } from '@fs/observability';
import { notifyJobIds, notifyJobSchema, type Queues } from '@fs/queue';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { outboxBackoffStrategy } from './backoff';
import type { DeliveryEngine, RowResult } from './engine';
import type { SenderMetrics } from './metrics';
import type { Transport } from './transport';

export interface NotifyWorkerOptions {
  engine: DeliveryEngine;
  transport: Transport;
  queues: Queues;
  connection: Redis;
  prefix: string;
  concurrency: number;
  backoffMs: number;
  metrics: SenderMetrics;
  logger: Logger;
}

function logContext(job: Job, r: RowResult) {
  const row = r.claimed?.row;
  // Plain bindings, not a child logger per job: a child serialises its bindings eagerly.
  return {
    job_id: job.id,
    outbox_id: r.id,
    event: row?.event ?? 'unknown',
    ...(row?.master_id ? { master_id: row.master_id } : {}),
    ...(row?.staff_user_id ? { staff_user_id: row.staff_user_id } : {}),
    ...(row?.order_id ? { order_id: row.order_id } : {}),
  };
}

/**
 * One BullMQ worker per transport (bot token). A job carries outbox ids; the engine claims,
 * sends and records them. The database holds each row's state and schedule (`not_before`), so
 * a job only mirrors it: a one-row job waits in BullMQ for its row's pause (delayed, or the
 * queue rate-limited after a 429) and fails when its row fails; a batch job completes and its
 * paused rows come back through the engine's sweep. The limiter is global across replicas.
 */
export function createNotifyWorker(opts: NotifyWorkerOptions): Worker {
  const { engine, transport } = opts;
  const queue = opts.queues.notifyQueues().find((q) => q.name === transport.queueName)!;
  const log = opts.logger.child({ bot: transport.name });

  async function process(job: Job, token?: string): Promise<string> {
    const parsed = notifyJobSchema.safeParse(job.data);
    if (!parsed.success) {
      opts.metrics.results.inc({ bot: transport.name, event: 'unknown', result: 'malformed' });
      throw new UnrecoverableError(`malformed notify job data: ${parsed.error.message}`);
    }
    const ids = notifyJobIds(parsed.data);
    const results = await engine.deliverIds(transport, ids);
    for (const r of results) {
      const o = r.outcome;
      const ctx = logContext(job, r);
      if (o.kind === 'failed') log.error({ ...ctx, reason: o.reason }, 'notification failed for good');
      else if (o.kind === 'retry')
        log.warn({ ...ctx, attempt: o.attempt, err: o.error }, 'transient delivery error; will retry');
      else if (o.kind === 'rate_limited') log.warn({ ...ctx, retryAfterS: o.retryAfterS }, 'telegram 429');
      else if (o.kind === 'skipped' || o.kind === 'noop')
        log.info({ ...ctx, reason: o.reason }, `notification ${o.kind}`);
      else if (o.kind === 'sent') log.debug(ctx, 'delivered');
    }
    if (results.length !== 1) return results.map((r) => r.outcome.kind).join(',');

    const o = results[0]!.outcome;
    switch (o.kind) {
      case 'sent':
      case 'skipped':
      case 'noop':
        return o.kind;
      case 'delay':
      case 'retry':
        await job.moveToDelayed(Date.now() + o.ms, token);
        throw new DelayedError();
      case 'rate_limited': {
        const ms = o.retryAfterS * 1000;
        if (o.paused) {
          // The token is paused in the send gate (every replica's sends); pause the queue too.
          await queue.rateLimit(ms);
          throw Worker.RateLimitError();
        }
        await job.moveToDelayed(Date.now() + ms, token);
        throw new DelayedError();
      }
      case 'failed':
        throw new UnrecoverableError(o.reason);
    }
  }

  const worker = new Worker(transport.queueName, process, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    limiter: { max: transport.ratePerSecond, duration: 1000 },
    // A job that throws (Postgres or Redis down before anything was claimed) is retried by BullMQ.
    settings: { backoffStrategy: outboxBackoffStrategy(opts.backoffMs) },
  });
  worker.on('error', (err) => log.error({ err }, 'notify worker error'));
  return worker;
}
