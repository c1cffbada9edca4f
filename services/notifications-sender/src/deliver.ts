import type { Db, SettingsCache } from '@fs/db';
import { type BotKind, describeRecipient, type NotificationEvent } from '@fs/domain';
import type { OutboxRef } from '@fs/queue';
import {
  type DeliveryFailure,
  describeFailure,
  TelegramDeliveryError,
  type TelegramGateway,
} from '@fs/telegram';
import { deliveryFailedAlert, isAlertEvent, unreachableAlert } from './alerts';
import {
  type LockedOutbox,
  lockForDelivery,
  markSent,
  markSkipped,
  type OutboxRow,
  outboxRowExists,
  recordFailedAttempt,
  type StartedOffer,
} from './outbox-store';
import { type Plan, planDelivery } from './plan';
import { markUnreachable, type Recipient, resolveRecipient } from './recipients';
import type { SendGate } from './send-gate';

const LOCKED_RETRY_MS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface DeliverDeps {
  db: Db;
  bot: BotKind;
  gateway: TelegramGateway;
  gate: SendGate;
  settings: SettingsCache;
  maxAttempts: number;
  now: () => Date;
}

export type DeliveryOutcome =
  | { kind: 'sent' }
  | { kind: 'skipped'; reason: string }
  /** Nothing to do: already final or missing. */
  | { kind: 'noop'; reason: string }
  | { kind: 'delay'; ms: number; reason: string }
  | { kind: 'rate_limited'; retryAfterS: number }
  | { kind: 'retry'; error: string; attempt: number }
  | { kind: 'failed'; reason: string; unreachable: boolean };

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  /** Staff alert rows written in the transaction; enqueue them after commit. */
  alerts: OutboxRef[];
  /** The push started its offer's clock: schedule the offer's expiry after commit. */
  started?: StartedOffer;
  row?: Pick<OutboxRow, 'id' | 'event' | 'created_at' | 'master_id' | 'staff_user_id' | 'order_id'>;
}

/**
 * Delivers one outbox row. The row stays locked (FOR UPDATE SKIP LOCKED) from the status check
 * until its new status is committed, so two senders (or a stalled job run twice) never both
 * send it; a row locked by someone else is not waited for but looked at again shortly.
 */
export async function deliverOutbox(deps: DeliverDeps, outboxId: number): Promise<DeliveryResult> {
  const alerts: OutboxRef[] = [];
  const started: StartedOffer[] = [];
  const { outcome, row } = await deps.db.transaction().execute(async (trx) => {
    const locked = await lockForDelivery(trx, outboxId);
    if (!locked) {
      // Not only another sender locks the row: the producer's or relay's `UPDATE … enqueued_at`
      // right after the enqueue does too. Completing now could strand the row until the relay's
      // stale window; look again shortly instead (by then it is sent, or free).
      const outcome: DeliveryOutcome = (await outboxRowExists(trx, outboxId))
        ? { kind: 'delay', ms: LOCKED_RETRY_MS, reason: 'row is locked' }
        : { kind: 'noop', reason: 'outbox row not found' };
      return { outcome, row: null };
    }
    return { outcome: await deliverLocked(trx, deps, locked, alerts, started), row: locked.row };
  });
  return { outcome, alerts, ...(row ? { row } : {}), ...(started[0] ? { started: started[0] } : {}) };
}

async function deliverLocked(
  trx: Db,
  deps: DeliverDeps,
  locked: LockedOutbox,
  alerts: OutboxRef[],
  started: StartedOffer[],
): Promise<DeliveryOutcome> {
  const { row } = locked;
  if (row.status !== 'pending') return { kind: 'noop', reason: `already ${row.status}` };
  if (row.bot !== deps.bot) {
    await recordFailedAttempt(
      trx,
      row.id,
      `queued for the ${deps.bot} bot but addressed to ${row.bot}`,
      true,
    );
    return { kind: 'failed', reason: 'wrong bot queue', unreachable: false };
  }
  const recipient = resolveRecipient(locked);
  if (recipient.kind === 'skip') {
    await markSkipped(trx, row.id, recipient.reason);
    return { kind: 'skipped', reason: recipient.reason };
  }
  const plan = await planDelivery(trx, locked, deps.now());
  switch (plan.kind) {
    case 'skip':
      await markSkipped(trx, row.id, plan.reason);
      return { kind: 'skipped', reason: plan.reason };
    case 'delay':
      return { kind: 'delay', ms: plan.ms, reason: plan.reason };
    case 'fail':
      return failForGood(trx, deps, row, recipient, plan.reason, alerts);
  }
  const chatId = plan.kind === 'edit' ? plan.chatId : recipient.chatId;
  const gate = await deps.gate.acquire(deps.bot, chatId);
  if (!gate.ok) return { kind: 'delay', ms: gate.retryInMs, reason: 'per-chat interval or token paused' };
  if (gate.waitMs > 0) {
    await sleep(gate.waitMs);
    // A 429 may have paused the token while this send waited for its slot.
    const paused = await deps.gate.pausedFor(deps.bot);
    if (paused > 0) return { kind: 'delay', ms: paused, reason: 'token paused after 429' };
  }

  let messageId: number;
  try {
    if (plan.kind === 'edit') {
      await deps.gateway.edit(chatId, plan.messageId, plan.message.text, plan.message.buttons);
      messageId = plan.messageId;
    } else {
      messageId = (await deps.gateway.send(chatId, plan.message.text, plan.message.buttons)).messageId;
    }
  } catch (err) {
    if (!(err instanceof TelegramDeliveryError)) throw err;
    return onTelegramFailure(trx, deps, row, recipient, plan, err.failure, alerts);
  }
  const clock = await markSent(
    trx,
    row.id,
    messageId,
    plan.kind === 'send' && plan.offerId ? { offerId: plan.offerId, chatId } : undefined,
  );
  if (clock) started.push(clock);
  return { kind: 'sent' };
}

async function onTelegramFailure(
  trx: Db,
  deps: DeliverDeps,
  row: OutboxRow,
  recipient: Extract<Recipient, { kind: 'chat' }>,
  plan: Extract<Plan, { kind: 'send' | 'edit' }>,
  failure: DeliveryFailure,
  alerts: OutboxRef[],
): Promise<DeliveryOutcome> {
  const error = describeFailure(failure);
  switch (failure.kind) {
    case 'rate_limited':
      // Not the message's fault: no attempt is counted.
      return { kind: 'rate_limited', retryAfterS: failure.retryAfterS };
    case 'not_modified':
      if (plan.kind !== 'edit') break;
      await markSent(trx, row.id, plan.messageId);
      return { kind: 'sent' };
    case 'message_gone':
      if (plan.kind !== 'edit') break;
      await markSkipped(trx, row.id, error);
      return { kind: 'skipped', reason: error };
    case 'unreachable': {
      const person = recipient.person;
      if (!person) break; // a channel the bot lost access to: a configuration problem, alert as a failure
      await recordFailedAttempt(trx, row.id, `unreachable: ${error}`, true);
      if (await markUnreachable(trx, person)) {
        const cityId = person.cityId ?? (await orderCity(trx, row.order_id));
        alerts.push(
          ...(await unreachableAlert(trx, deps.settings, {
            payload: {
              recipient_kind: person.kind,
              recipient_id: person.id,
              recipient_name: person.name,
              error,
            },
            cityId,
            day: deps.now().toISOString().slice(0, 10),
          })),
        );
      }
      return { kind: 'failed', reason: `unreachable: ${error}`, unreachable: true };
    }
    case 'transient': {
      const attempt = row.attempts + 1;
      if (attempt < deps.maxAttempts) {
        await recordFailedAttempt(trx, row.id, error, false);
        return { kind: 'retry', error, attempt };
      }
      return failForGood(trx, deps, row, recipient, `gave up after ${attempt} attempts: ${error}`, alerts);
    }
  }
  return failForGood(trx, deps, row, recipient, error, alerts);
}

async function failForGood(
  trx: Db,
  deps: DeliverDeps,
  row: OutboxRow,
  recipient: Extract<Recipient, { kind: 'chat' }>,
  reason: string,
  alerts: OutboxRef[],
): Promise<DeliveryOutcome> {
  await recordFailedAttempt(trx, row.id, reason, true);
  if (!isAlertEvent(row.event)) {
    const person = recipient.person;
    const cityId = (await orderCity(trx, row.order_id)) ?? person?.cityId ?? null;
    alerts.push(
      ...(await deliveryFailedAlert(trx, deps.settings, {
        payload: {
          outbox_id: row.id,
          event: row.event as NotificationEvent,
          recipient: person
            ? describeRecipient({ kind: person.kind, id: person.id, name: person.name })
            : describeRecipient({ kind: 'chat', id: recipient.chatId }),
          error: reason,
        },
        cityId,
        orderId: row.order_id,
      })),
    );
  }
  return { kind: 'failed', reason, unreachable: false };
}

async function orderCity(trx: Db, orderId: number | null): Promise<number | null> {
  if (orderId === null) return null;
  const o = await trx.selectFrom('orders').select('city_id').where('id', '=', orderId).executeTakeFirst();
  return o?.city_id ?? null;
}
