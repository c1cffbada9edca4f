import type { Db } from '@fs/db';
import type { BotKind } from '@fs/domain';
import type { Logger } from '@fs/observability';
import { enqueueOutbox, notifyJobSchema, notifyQueueName, type Queues } from '@fs/queue';
import { DelayedError, type Job, type Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { outboxBackoffStrategy, RetryableDeliveryError } from './backoff';
import { type DeliverDeps, type DeliveryResult, deliverOutbox } from './deliver';
import type { SenderMetrics, SendResult } from './metrics';

export interface NotifyWorkerOptions {
  deps: DeliverDeps;
  db: Db;
  queues: Queues;
  connection: Redis;
  prefix: string;
  concurrency: number;
  ratePerSecond: number;
  backoffMs: number;
  maxRetryAfterS: number;
  metrics: SenderMetrics;
  logger: Logger;
}

function resultLabel(r: DeliveryResult): SendResult {
  const o = r.outcome;
  if (o.kind === 'failed') return o.unreachable ? 'unreachable' : 'failed';
  if (o.kind === 'delay') return 'deferred';
  return o.kind;
}

/**
 * One BullMQ worker for one bot token. The limiter is global across every replica's worker
 * of the queue (Telegram meters per token); a 429 pauses the whole queue for retry_after.
 */
export function createNotifyWorker(opts: NotifyWorkerOptions): Worker {
  const bot: BotKind = opts.deps.bot;
  const queue: Queue = opts.queues.notifyQueue(bot);
  const log = opts.logger.child({ bot });

  async function process(job: Job, token?: string): Promise<string> {
    const parsed = notifyJobSchema.safeParse(job.data);
    if (!parsed.success) {
      opts.metrics.results.inc({ bot, event: 'unknown', result: 'malformed' });
      throw new UnrecoverableError(`malformed notify job data: ${parsed.error.message}`);
    }
    const result = await deliverOutbox(opts.deps, parsed.data.outboxId);
    const { outcome, row } = result;
    const event = row?.event ?? 'unknown';
    // Plain bindings, not a child logger per job: a child serialises its bindings eagerly.
    const ctx = {
      job_id: job.id,
      outbox_id: parsed.data.outboxId,
      event,
      ...(row?.master_id ? { master_id: row.master_id } : {}),
      ...(row?.staff_user_id ? { staff_user_id: row.staff_user_id } : {}),
      ...(row?.order_id ? { order_id: row.order_id } : {}),
    };
    opts.metrics.results.inc({ bot, event, result: resultLabel(result) });
    if (result.alerts.length > 0) {
      // After commit. If Redis refuses now, the rows are pending in Postgres and the relay sends them.
      await enqueueOutbox(opts.db, opts.queues, result.alerts).catch((err) =>
        log.warn({ ...ctx, err }, 'could not enqueue staff alerts; the relay will'),
      );
    }

    if (result.started) {
      // The offer's clock started at delivery: wake its order at the new expiry. If Redis
      // refuses, the scheduler's safety tick finds the offer once it is due.
      await opts.queues
        .scheduleDeliveredOfferExpiries([result.started])
        .catch((err) => log.warn({ ...ctx, err }, 'could not schedule the delivered offer expiry'));
    }

    switch (outcome.kind) {
      case 'sent':
        if (row)
          opts.metrics.endToEnd.observe({ bot, event }, (Date.now() - row.created_at.getTime()) / 1000);
        log.debug(ctx, 'delivered');
        return 'sent';
      case 'skipped':
      case 'noop':
        log.info({ ...ctx, reason: outcome.reason }, `notification ${outcome.kind}`);
        return outcome.kind;
      case 'delay':
        log.debug({ ...ctx, delayMs: outcome.ms, reason: outcome.reason }, 'delivery deferred');
        await job.moveToDelayed(Date.now() + outcome.ms, token);
        throw new DelayedError();
      case 'rate_limited': {
        opts.metrics.rateLimited.inc({ bot });
        const ms = outcome.retryAfterS * 1000;
        if (outcome.retryAfterS <= opts.maxRetryAfterS) {
          log.warn({ ...ctx, retryAfterS: outcome.retryAfterS }, 'telegram 429: pausing the queue');
          // Pause the token for every replica: new jobs (BullMQ) and sends already waiting for a slot (gate).
          await opts.deps.gate.pause(bot, ms);
          await queue.rateLimit(ms);
          throw Worker.RateLimitError();
        }
        log.warn(
          { ...ctx, retryAfterS: outcome.retryAfterS },
          'telegram 429 with a long retry_after: delaying this job',
        );
        await job.moveToDelayed(Date.now() + ms, token);
        throw new DelayedError();
      }
      case 'retry':
        log.warn(
          { ...ctx, attempt: outcome.attempt, err: outcome.error },
          'transient delivery error; will retry',
        );
        throw new RetryableDeliveryError(outcome.error, outcome.attempt);
      case 'failed':
        log.error({ ...ctx, reason: outcome.reason }, 'notification failed for good');
        throw new UnrecoverableError(outcome.reason);
    }
  }

  const worker = new Worker(notifyQueueName(bot), process, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    limiter: { max: opts.ratePerSecond, duration: 1000 },
    settings: { backoffStrategy: outboxBackoffStrategy(opts.backoffMs) },
  });
  worker.on('error', (err) => log.error({ err }, 'notify worker error'));
  worker.on('failed', (job, err) => {
    if (err instanceof UnrecoverableError || err.name === 'UnrecoverableError') return; // logged above
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
      log.error(
        { job_id: job.id, err },
        'notify job exhausted its attempts; the relay will re-enqueue the row',
      );
  });
  return worker;
}
