import type { Db } from '@fs/db';
import type { BotKind } from '@fs/domain';
import { notifyQueueName } from '@fs/queue';
import {
  type DeliveryFailure,
  describeFailure,
  TelegramDeliveryError,
  type TelegramGateway,
} from '@fs/telegram';
import type { ClaimedOutbox } from './outbox-store';
import { type Plan, planDelivery } from './plan';
import { type Recipient, resolveRecipient } from './recipients';
import type { SendGate } from './send-gate';
import type { Attempt, FailedRecipient, Ready, Transport } from './transport';

export interface TelegramTransportOptions {
  bot: BotKind;
  db: Db;
  gateway: TelegramGateway;
  gate: SendGate;
  ratePerSecond: number;
  /** A 429 asking for longer than this delays only its row instead of pausing the token. */
  maxRetryAfterS: number;
}

/** One bot token: recipient, plan (send or edit), the send gate, the Bot API call. */
export class TelegramTransport implements Transport {
  readonly name: string;
  readonly queueName: string;
  readonly bot: BotKind;
  readonly channel = 'telegram' as const;
  readonly ratePerSecond: number;

  constructor(private readonly opts: TelegramTransportOptions) {
    this.bot = opts.bot;
    this.name = opts.bot;
    this.queueName = notifyQueueName(opts.bot);
    this.ratePerSecond = opts.ratePerSecond;
  }

  async deliver(claimed: ClaimedOutbox, now: Date): Promise<Attempt | Ready> {
    const { row } = claimed;
    if (row.bot !== this.bot || row.channel !== 'telegram') {
      const reason = `queued for the ${this.bot} bot but addressed to ${row.channel === 'telegram' ? row.bot : row.channel}`;
      return { kind: 'failed', reason, recipient: { person: null, address: row.chat_id } };
    }
    const recipient = resolveRecipient(claimed);
    if (recipient.kind === 'skip') return { kind: 'skipped', reason: recipient.reason };
    const plan = await planDelivery(this.opts.db, claimed, now);
    const who: FailedRecipient = { person: recipient.person, address: recipient.chatId };
    switch (plan.kind) {
      case 'skip':
        return { kind: 'skipped', reason: plan.reason };
      case 'delay':
        return { kind: 'deferred', ms: plan.ms, reason: plan.reason };
      case 'fail':
        return { kind: 'failed', reason: plan.reason, recipient: who };
    }
    const chatId = plan.kind === 'edit' ? plan.chatId : recipient.chatId;
    // Resolves at the send slot: the engine's fence and the call follow without a wait.
    const slot = await this.opts.gate.take(this.bot, chatId);
    if (!slot.ok) return { kind: 'deferred', ms: slot.retryInMs, reason: slot.reason };
    return { kind: 'ready', send: () => this.send(plan, chatId, recipient, who) };
  }

  private async send(
    plan: Extract<Plan, { kind: 'send' | 'edit' }>,
    chatId: number,
    recipient: Extract<Recipient, { kind: 'chat' }>,
    who: FailedRecipient,
  ): Promise<Attempt> {
    try {
      if (plan.kind === 'edit') {
        await this.opts.gateway.edit(chatId, plan.messageId, plan.message.text, plan.message.buttons);
        return { kind: 'sent', messageId: plan.messageId };
      }
      const sent = await this.opts.gateway.send(chatId, plan.message.text, plan.message.buttons);
      return {
        kind: 'sent',
        messageId: sent.messageId,
        ...(plan.offerId ? { push: { offerId: plan.offerId, chatId } } : {}),
      };
    } catch (err) {
      if (!(err instanceof TelegramDeliveryError)) throw err;
      return this.onFailure(err.failure, plan, recipient, who);
    }
  }

  private async onFailure(
    failure: DeliveryFailure,
    plan: Extract<Plan, { kind: 'send' | 'edit' }>,
    recipient: Extract<Recipient, { kind: 'chat' }>,
    who: FailedRecipient,
  ): Promise<Attempt> {
    const error = describeFailure(failure);
    switch (failure.kind) {
      case 'rate_limited': {
        // Not sent at all: this process still holds the token after an earlier 429.
        if (failure.held)
          return { kind: 'deferred', ms: failure.retryAfterS * 1000, reason: 'token paused after 429' };
        const long = failure.retryAfterS > this.opts.maxRetryAfterS;
        // Pause the token for every replica: no slot is given out, and a send already waiting
        // for its slot looks again before calling Telegram.
        if (!long) await this.opts.gate.pause(this.bot, failure.retryAfterS * 1000);
        return { kind: 'rate_limited', retryAfterS: failure.retryAfterS, paused: !long };
      }
      case 'not_modified':
        if (plan.kind !== 'edit') break;
        return { kind: 'sent', messageId: plan.messageId };
      case 'message_gone':
        if (plan.kind !== 'edit') break;
        return { kind: 'skipped', reason: error };
      case 'unreachable':
        // A channel the bot lost access to (no person) is a configuration problem: a plain failure.
        if (!recipient.person) break;
        return { kind: 'failed', reason: `unreachable: ${error}`, recipient: who, unreachable: true };
      case 'transient':
        return { kind: 'retry', error, timedOut: failure.uncertain === true, recipient: who };
    }
    return { kind: 'failed', reason: error, recipient: who };
  }
}
