import type { BotKind, OutboxChannel } from '@fs/domain';
import type { ClaimedOutbox } from './outbox-store';
import type { Person } from './recipients';

/**
 * The per-channel send step of the delivery engine (engine.ts). The engine claims rows, keeps
 * their leases, records outcomes, retries, alerts and counts; a transport only decides one
 * claimed row (recipient, text, its send gate slot) and hands the engine the provider call,
 * which the engine makes only while the row's claim surely holds. Telegram bots are
 * TelegramTransport (one per token); another channel (SMS, the client bot) is another
 * implementation of this interface, registered in sender.ts with its queue.
 */
export interface Transport {
  /** Metric label and log field: `master`, `admin`, … */
  readonly name: string;
  /** The BullMQ queue whose jobs carry this transport's outbox ids (`{ outboxId }` / `{ outboxIds }`). */
  readonly queueName: string;
  /** The rows the sweep claims for it: this bot (null = any) on this channel. */
  readonly bot: BotKind | null;
  readonly channel: OutboxChannel;
  /** Sends per second across replicas (the BullMQ limiter on its queue). */
  readonly ratePerSecond: number;
  /**
   * Decides one claimed row, outside any transaction: what happened without a send, or `ready`
   * (its gate slot taken). Throws only for infrastructure trouble before anything was sent (the
   * row is then put back for a later try).
   */
  deliver(claimed: ClaimedOutbox, now: Date): Promise<Attempt | Ready>;
}

/**
 * Everything decided; `send` calls the provider and says what happened. The engine calls it at
 * most once, right after checking the row's lease (engine.ts `sendFenced`): it must start the
 * request without awaiting anything else first.
 */
export interface Ready {
  kind: 'ready';
  send(): Promise<Attempt>;
}

/** Who a failure is about, for the staff alert. */
export interface FailedRecipient {
  person: Person | null;
  /** A raw chat id or phone when there is no person. */
  address: number | string | null;
}

/** What one send attempt came to. The engine turns it into the row's new state. */
export type Attempt =
  /** Accepted. `push`: a new_offer whose offer gets the message id and starts its clock. */
  | { kind: 'sent'; messageId: number | null; push?: { offerId: number; chatId: number } }
  /** Nothing to send (the offer closed, the recipient is gone, the message to edit is gone). */
  | { kind: 'skipped'; reason: string }
  /** Not now: nothing was sent; put back, due again in `ms` (no attempt counted). */
  | { kind: 'deferred'; ms: number; reason: string }
  /**
   * The provider asked to slow down (Telegram 429). `paused`: the transport paused its whole
   * token for retry_after (the job's queue is paused too); otherwise only this row waits.
   */
  | { kind: 'rate_limited'; retryAfterS: number; paused: boolean }
  /** A transient failure. `timedOut`: no answer came, so the message may have been delivered. */
  | { kind: 'retry'; error: string; timedOut: boolean; recipient: FailedRecipient }
  /** Permanent. `unreachable`: the person blocked the bot (flagged and alerted once). */
  | { kind: 'failed'; reason: string; recipient: FailedRecipient; unreachable?: boolean };
