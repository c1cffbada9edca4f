import type { BotKind, OutboxChannel } from '@fs/domain';

/**
 * Queue names. One notification queue per bot token (Telegram meters each token separately)
 * and one for SMS (the provider meters the account).
 */
export const QUEUES = {
  distribution: 'distribution',
  notifyMaster: 'notify-master',
  notifyStaff: 'notify-staff',
  notifyClient: 'notify-client',
  notifySms: 'notify-sms',
} as const;

export function notifyQueueName(bot: BotKind): string {
  return bot === 'master' ? QUEUES.notifyMaster : bot === 'client' ? QUEUES.notifyClient : QUEUES.notifyStaff;
}

/** Where an outbox row is delivered from: the SMS queue, or its bot's Telegram queue. */
export function outboxQueueName(row: { bot: BotKind; channel?: OutboxChannel | null }): string {
  return row.channel === 'sms' ? QUEUES.notifySms : notifyQueueName(row.bot);
}

/** Job names on the distribution queue. */
export const DISTRIBUTION_JOBS = {
  /** Run the per-order algorithm for one order (creation, decline, staff action, wake-up). */
  order: 'order',
  /** Delayed to an offer's expires_at; runs the per-order algorithm, which expires it. */
  offerExpiry: 'offer-expiry',
  /** Job Scheduler safety tick: finds orders that need work and wakes them. */
  tick: 'tick',
} as const;

export const TICK_SCHEDULER_ID = 'distribution-tick';

/** BullMQ refuses numeric custom ids and ids containing ':'; these are safe and stable. */
export const jobIds = {
  outbox: (outboxId: number) => `outbox-${outboxId}`,
  orderDedup: (orderId: number) => `order-${orderId}`,
  /**
   * One per scheduled expiry time: a round number can be reused (staff reset the rounds, a
   * withdrawn round is given back) while the old job is still retained or running.
   */
  offerExpiry: (orderId: number, round: number, expiresAt: Date) =>
    `expiry-${orderId}-${round}-${expiresAt.getTime()}`,
  /** The expiry of one offer whose clock started at delivery (scheduled by the sender). */
  deliveredOfferExpiry: (offerId: number) => `expiry-offer-${offerId}`,
};
