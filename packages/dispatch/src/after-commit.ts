import { enqueueOutbox, jobIds, type OutboxRef } from '@fs/queue';
import type { DispatchDeps } from './deps';

export interface ExpiryToSchedule {
  orderId: number;
  round: number;
  expiresAt: Date;
  /**
   * The round number was used before for this order (staff reset the rounds): a job with the
   * same id may still be retained (completed) or pending from the old episode, and BullMQ
   * would silently ignore the new one.
   */
  roundReused: boolean;
}

/** Redis work that follows a commit. Postgres already holds the truth, so none of it is fatal. */
export interface AfterCommitWork {
  outbox?: readonly OutboxRef[];
  expiry?: ExpiryToSchedule;
  wake?: { orderId: number; reason: string };
}

/**
 * Runs after the transaction committed. A failure (Redis down) is logged and swallowed: the
 * relay re-enqueues pending outbox rows and the safety tick re-finds the order.
 */
export async function runAfterCommit(
  deps: Pick<DispatchDeps, 'db' | 'queues' | 'logger'>,
  work: AfterCommitWork,
): Promise<void> {
  const { db, queues, logger } = deps;
  if (work.outbox && work.outbox.length > 0) {
    await enqueueOutbox(db, queues, work.outbox).catch((err) =>
      logger.warn(
        { err: String(err), outbox: work.outbox!.length },
        'outbox enqueue failed; relay will retry',
      ),
    );
  }
  if (work.expiry) {
    const { orderId, round, expiresAt, roundReused } = work.expiry;
    try {
      if (roundReused) {
        const stale = await queues.distribution.getJob(jobIds.offerExpiry(orderId, round));
        if (stale && !(await stale.isActive())) await stale.remove();
      }
      await queues.scheduleOfferExpiry(orderId, round, expiresAt);
    } catch (err) {
      logger.warn(
        { err: String(err), order_id: orderId },
        'expiry scheduling failed; the tick will expire it',
      );
    }
  }
  if (work.wake) {
    const { orderId, reason } = work.wake;
    await queues
      .wakeOrder(orderId, reason)
      .catch((err) =>
        logger.warn({ err: String(err), order_id: orderId }, 'wake failed; the tick will find it'),
      );
  }
}
