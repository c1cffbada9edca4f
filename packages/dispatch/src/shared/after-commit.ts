import type { Db } from '@fs/db';
import { enqueueOutbox, type OutboxRef, type Queues } from '@fs/queue';
import { wakeCityOrders, wakeOrder } from '../offers/due-work';
import type { DispatchDeps } from './deps';

export interface ExpiryToSchedule {
  orderId: number;
  round: number;
  /** The delivery deadline of the round's offers (offer-clock.ts). */
  expiresAt: Date;
}

/** Redis work that follows a commit. Postgres already holds the truth, so none of it is fatal. */
export interface AfterCommitWork {
  outbox?: readonly OutboxRef[];
  expiry?: ExpiryToSchedule;
  /** `fresh`: a new order (no "all busy" verdict to drop: due-work.ts wakeOrder). */
  wake?: { orderId: number; reason: string; fresh?: boolean };
  /** A master of this city may have become available (an offer or an order of theirs closed). */
  freed?: { cityId: number; reason: string };
}

interface OutboxWaiter {
  refs: readonly OutboxRef[];
  resolve: () => void;
  reject: (err: unknown) => void;
}
interface OutboxBatcher {
  waiting: OutboxWaiter[];
  running: boolean;
}
const batchers = new WeakMap<Db, WeakMap<Queues, OutboxBatcher>>();

/**
 * enqueueOutbox for concurrent runs together: a caller finding no flush in flight flushes at
 * once; callers arriving meanwhile are flushed together right after it (one Redis addBulk and
 * one enqueued_at UPDATE for all of them instead of one each). Resolves once the caller's rows
 * are enqueued and stamped; rejects with the batch's error (the relay then delivers them).
 */
function enqueueOutboxCoalesced(db: Db, queues: Queues, refs: readonly OutboxRef[]): Promise<void> {
  const byQueues = batchers.get(db) ?? new WeakMap<Queues, OutboxBatcher>();
  batchers.set(db, byQueues);
  const b = byQueues.get(queues) ?? { waiting: [], running: false };
  byQueues.set(queues, b);
  return new Promise<void>((resolve, reject) => {
    b.waiting.push({ refs, resolve, reject });
    if (b.running) return;
    b.running = true;
    void (async () => {
      while (b.waiting.length > 0) {
        const batch = b.waiting.splice(0, b.waiting.length);
        try {
          await enqueueOutbox(
            db,
            queues,
            batch.flatMap((w) => w.refs),
          );
          for (const w of batch) w.resolve();
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
      b.running = false;
    })();
  });
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
    await enqueueOutboxCoalesced(db, queues, work.outbox).catch((err) =>
      logger.warn(
        { err: String(err), outbox: work.outbox!.length },
        'outbox enqueue failed; relay will retry',
      ),
    );
  }
  if (work.expiry) {
    const { orderId, round, expiresAt } = work.expiry;
    try {
      await queues.scheduleOfferExpiry(orderId, round, expiresAt);
    } catch (err) {
      logger.warn(
        { err: String(err), order_id: orderId },
        'expiry scheduling failed; the tick will expire it',
      );
    }
  }
  if (work.wake) {
    const { orderId, reason, fresh } = work.wake;
    await wakeOrder(deps, orderId, reason, { fresh }).catch((err) =>
      logger.warn({ err: String(err), order_id: orderId }, 'wake failed; the tick will find it'),
    );
  }
  if (work.freed) {
    const { cityId, reason } = work.freed;
    await wakeCityOrders(deps, cityId, reason).catch((err) =>
      logger.warn({ err: String(err), city_id: cityId }, 'city wake failed; the tick will find it'),
    );
  }
}
