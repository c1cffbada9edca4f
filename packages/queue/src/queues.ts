import type { BotKind, OutboxChannel } from '@fs/domain';
import { type ConnectionOptions, Queue } from 'bullmq';
import { DISTRIBUTION_JOBS, jobIds, outboxQueueName, QUEUES } from './names';
import type { DistributionJob, NotifyJob } from './payloads';

export interface QueueOptions {
  connection: ConnectionOptions;
  /** Hash-tagged prefix, e.g. `{fs}`, so every key of a queue lands in one Redis Cluster slot. */
  prefix: string;
  /**
   * Connection errors of the queues (Redis down). Always listened to: without a listener
   * BullMQ prints every reconnect failure to stderr, outside the JSON logs.
   */
  onError?: (err: Error) => void;
}

const KEEP = {
  removeOnComplete: { count: 1000, age: 3600 },
  removeOnFail: { count: 10_000, age: 7 * 86400 },
};

/**
 * Retries of notify jobs. The sender's backoff strategy `outbox` spaces them (exponential with
 * jitter, SENDER_BACKOFF_MS) and the outbox row's attempts count against SENDER_MAX_ATTEMPTS
 * decides when a message fails for good, so this only has to be at least that setting's maximum.
 */
const NOTIFY_RETRY = { attempts: 50, backoff: { type: 'outbox' } };

/** The order's wake-up at an offer's expiry (a delayed distribution job; `jobId` makes a repeat harmless). */
function offerExpiryJob(orderId: number, jobId: string, expiresAt: Date) {
  return {
    name: DISTRIBUTION_JOBS.offerExpiry,
    data: { orderId, reason: 'offer_expiry' } satisfies DistributionJob,
    opts: { jobId, delay: Math.max(0, expiresAt.getTime() - Date.now()), ...KEEP },
  };
}

/** Producers used after a commit: wake an order, schedule an expiry, enqueue outbox rows. */
export class Queues {
  readonly distribution: Queue;
  readonly notifyMaster: Queue;
  readonly notifyStaff: Queue;
  readonly notifyClient: Queue;
  readonly notifySms: Queue;
  private readonly byName: Map<string, Queue>;

  constructor(opts: QueueOptions) {
    const base = { connection: opts.connection, prefix: opts.prefix };
    this.distribution = new Queue(QUEUES.distribution, base);
    this.notifyMaster = new Queue(QUEUES.notifyMaster, base);
    this.notifyStaff = new Queue(QUEUES.notifyStaff, base);
    this.notifyClient = new Queue(QUEUES.notifyClient, base);
    this.notifySms = new Queue(QUEUES.notifySms, base);
    this.byName = new Map(this.notifyQueues().map((q) => [q.name, q]));
    const onError = opts.onError ?? (() => {});
    for (const q of [this.distribution, ...this.notifyQueues()]) q.on('error', onError);
  }

  /** Every notification queue (Telegram per bot token, and SMS). */
  notifyQueues(): Queue[] {
    return [this.notifyMaster, this.notifyStaff, this.notifyClient, this.notifySms];
  }

  /** A bot's Telegram queue. */
  notifyQueue(bot: BotKind): Queue {
    return this.queueFor({ bot });
  }

  /** The queue an outbox row is delivered from (SMS rows: the SMS queue). */
  queueFor(row: { bot: BotKind; channel?: OutboxChannel | null }): Queue {
    return this.byName.get(outboxQueueName(row))!;
  }

  /**
   * Wakes the scheduler for one order. Deduplicated per order while a job is waiting;
   * keepLastIfActive keeps a wake-up that arrives while the order is being processed.
   */
  async wakeOrder(orderId: number, reason: string): Promise<void> {
    const data: DistributionJob = { orderId, reason };
    await this.distribution.add(DISTRIBUTION_JOBS.order, data, {
      deduplication: { id: jobIds.orderDedup(orderId), keepLastIfActive: true },
      ...KEEP,
    });
  }

  async wakeOrders(orderIds: readonly number[], reason: string): Promise<void> {
    await Promise.all(orderIds.map((id) => this.wakeOrder(id, reason)));
  }

  /** A delayed wake-up at the round's expiry time (its delivery deadline until the push lands). */
  async scheduleOfferExpiry(orderId: number, round: number, expiresAt: Date): Promise<void> {
    const job = offerExpiryJob(orderId, jobIds.offerExpiry(orderId, round, expiresAt), expiresAt);
    await this.distribution.add(job.name, job.data, job.opts);
  }

  /** scheduleOfferExpiry for many rounds at once (a batch round): one Redis round trip. */
  async scheduleOfferExpiries(
    rounds: readonly { orderId: number; round: number; expiresAt: Date }[],
  ): Promise<void> {
    if (rounds.length === 0) return;
    await this.distribution.addBulk(
      rounds.map((r) =>
        offerExpiryJob(r.orderId, jobIds.offerExpiry(r.orderId, r.round, r.expiresAt), r.expiresAt),
      ),
    );
  }

  /** Delayed wake-ups at the new expiry of offers whose push was just delivered (offer clock). */
  async scheduleDeliveredOfferExpiries(
    offers: readonly { orderId: number; offerId: number; expiresAt: Date }[],
  ): Promise<void> {
    if (offers.length === 0) return;
    await this.distribution.addBulk(
      offers.map((o) => offerExpiryJob(o.orderId, jobIds.deliveredOfferExpiry(o.offerId), o.expiresAt)),
    );
  }

  /**
   * Enqueues outbox rows for delivery, each on its queue; a row with `not_before` in the future
   * is a delayed job. The jobId makes a repeat (relay, retry) harmless.
   */
  async enqueueOutbox(
    rows: readonly { id: number; bot: BotKind; channel?: OutboxChannel | null; not_before?: Date | null }[],
  ): Promise<void> {
    const byQueue = new Map<Queue, typeof rows>();
    for (const r of rows) {
      const q = this.queueFor(r);
      byQueue.set(q, [...(byQueue.get(q) ?? []), r]);
    }
    const now = Date.now();
    for (const [queue, mine] of byQueue) {
      await queue.addBulk(
        mine.map((r) => {
          const delay = r.not_before ? Math.max(0, r.not_before.getTime() - now) : 0;
          return {
            name: 'send',
            data: { outboxId: r.id } satisfies NotifyJob,
            opts: { jobId: jobIds.outbox(r.id), ...NOTIFY_RETRY, ...KEEP, ...(delay > 0 ? { delay } : {}) },
          };
        }),
      );
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.distribution.close(), ...this.notifyQueues().map((q) => q.close())]);
  }
}
