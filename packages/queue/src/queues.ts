import type { BotKind } from '@fs/domain';
import { type ConnectionOptions, Queue } from 'bullmq';
import { DISTRIBUTION_JOBS, jobIds, QUEUES } from './names';
import type { DistributionJob, NotifyJob } from './payloads';

export interface QueueOptions {
  connection: ConnectionOptions;
  /** Hash-tagged prefix, e.g. `{fs}`, so every key of a queue lands in one Redis Cluster slot. */
  prefix: string;
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

/** Producers used after a commit: wake an order, schedule an expiry, enqueue outbox rows. */
export class Queues {
  readonly distribution: Queue;
  readonly notifyMaster: Queue;
  readonly notifyStaff: Queue;

  constructor(opts: QueueOptions) {
    const base = { connection: opts.connection, prefix: opts.prefix };
    this.distribution = new Queue(QUEUES.distribution, base);
    this.notifyMaster = new Queue(QUEUES.notifyMaster, base);
    this.notifyStaff = new Queue(QUEUES.notifyStaff, base);
  }

  notifyQueue(bot: BotKind): Queue {
    return bot === 'master' ? this.notifyMaster : this.notifyStaff;
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
    const data: DistributionJob = { orderId, reason: 'offer_expiry' };
    await this.distribution.add(DISTRIBUTION_JOBS.offerExpiry, data, {
      jobId: jobIds.offerExpiry(orderId, round, expiresAt),
      delay: Math.max(0, expiresAt.getTime() - Date.now()),
      ...KEEP,
    });
  }

  /** Delayed wake-ups at the new expiry of offers whose push was just delivered (offer clock). */
  async scheduleDeliveredOfferExpiries(
    offers: readonly { orderId: number; offerId: number; expiresAt: Date }[],
  ): Promise<void> {
    if (offers.length === 0) return;
    await this.distribution.addBulk(
      offers.map((o) => ({
        name: DISTRIBUTION_JOBS.offerExpiry,
        data: { orderId: o.orderId, reason: 'offer_expiry' } satisfies DistributionJob,
        opts: {
          jobId: jobIds.deliveredOfferExpiry(o.offerId),
          delay: Math.max(0, o.expiresAt.getTime() - Date.now()),
          ...KEEP,
        },
      })),
    );
  }

  /** Enqueues outbox rows for delivery. The jobId makes a repeat (relay, retry) harmless. */
  async enqueueOutbox(rows: readonly { id: number; bot: BotKind }[]): Promise<void> {
    for (const bot of ['master', 'admin'] as const) {
      const mine = rows.filter((r) => r.bot === bot);
      if (mine.length === 0) continue;
      await this.notifyQueue(bot).addBulk(
        mine.map((r) => ({
          name: 'send',
          data: { outboxId: r.id } satisfies NotifyJob,
          opts: { jobId: jobIds.outbox(r.id), ...NOTIFY_RETRY, ...KEEP },
        })),
      );
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.distribution.close(), this.notifyMaster.close(), this.notifyStaff.close()]);
  }
}
