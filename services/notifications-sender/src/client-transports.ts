import type { Db } from '@fs/db';
import {
  type ClientEvent,
  type ClientNoticeBase,
  clientDeepLink,
  type NotificationPayloads,
  renderClientSms,
} from '@fs/domain';
import { notifyQueueName, QUEUES } from '@fs/queue';
import { SmsDeliveryError, type SmsProvider } from '@fs/sms';
import type { ClaimedOutbox } from './outbox-store';
import { clientHold, clientPerson } from './recipients';
import type { SendGate } from './send-gate';
import type { Attempt, FailedRecipient, Ready, Transport } from './transport';

/**
 * The client's two channels (issue 17), beside the master and staff bots:
 *
 * - the client bot: a Telegram bot with its own token, so the TelegramTransport for bot `client`
 *   (own queue `notify-client`, own limiter and 429 pause) wrapped with the client's own checks;
 * - SMS through the configured provider (@fs/sms), queue `notify-sms`, its own rate.
 *
 * Both re-check at send time what may have changed since the notice was written: the client
 * switched notices off (🔕 or STOP), or the chat or number stopped working.
 */

/** The client bot's notices; without CLIENT_BOT_TOKEN they are skipped with a reason (not left pending). */
export class ClientBotTransport implements Transport {
  readonly name = 'client';
  readonly queueName = notifyQueueName('client');
  readonly bot = 'client' as const;
  readonly channel = 'telegram' as const;
  readonly ratePerSecond: number;

  constructor(
    private readonly db: Db,
    private readonly telegram: Transport | null,
    ratePerSecond: number,
  ) {
    this.ratePerSecond = telegram?.ratePerSecond ?? ratePerSecond;
  }

  async deliver(claimed: ClaimedOutbox, now: Date): Promise<Attempt | Ready> {
    if (!this.telegram)
      return { kind: 'skipped', reason: 'the client bot is not configured (CLIENT_BOT_TOKEN)' };
    const chatId = claimed.row.chat_id;
    if (chatId !== null) {
      const hold = await clientHold(this.db, { chatId });
      if (hold) return { kind: 'skipped', reason: hold };
    }
    return this.telegram.deliver(claimed, now);
  }
}

export interface SmsTransportOptions {
  db: Db;
  /** null: SMS is off (SMS_PROVIDER=none); rows are skipped, staff hand out the link themselves. */
  provider: SmsProvider | null;
  gate: SendGate;
  ratePerSecond: number;
  /** The client bot's username for the link in the text; null: texts without a link. */
  clientBotUsername: string | null;
  /** A 429 asking for longer than this delays only its row instead of pausing all SMS. */
  maxRetryAfterS: number;
}

/** The gate's key for the SMS account: one pause and one rate for all SMS. */
const SMS_GATE = 'sms';

/** SMS to the client: render, send through the provider, classify its answer. */
export class SmsTransport implements Transport {
  readonly name = 'sms';
  readonly queueName = QUEUES.notifySms;
  // Client notices are rows of the client "bot" on the sms channel.
  readonly bot = 'client' as const;
  readonly channel = 'sms' as const;
  readonly ratePerSecond: number;

  constructor(private readonly opts: SmsTransportOptions) {
    this.ratePerSecond = opts.ratePerSecond;
  }

  async deliver(claimed: ClaimedOutbox, now: Date): Promise<Attempt | Ready> {
    const { row } = claimed;
    const phone = row.phone;
    const who: FailedRecipient = {
      person: phone ? clientPerson(row.order_id, { phone }) : null,
      address: phone,
    };
    if (row.channel !== 'sms' || !phone)
      return { kind: 'failed', reason: 'an SMS row without a phone number', recipient: who };
    const { provider } = this.opts;
    if (!provider) return { kind: 'skipped', reason: 'SMS is off (SMS_PROVIDER=none)' };
    const hold = await clientHold(this.opts.db, { phone });
    if (hold) return { kind: 'skipped', reason: hold };

    let text: string;
    try {
      const event = row.event as ClientEvent;
      const payload = row.payload as unknown as NotificationPayloads[ClientEvent] & ClientNoticeBase;
      text = renderClientSms(
        event,
        payload,
        now,
        clientDeepLink(this.opts.clientBotUsername, payload.link_token),
      );
    } catch (err) {
      return {
        kind: 'failed',
        reason: `cannot render SMS ${row.event}: ${(err as Error).message}`,
        recipient: who,
      };
    }

    const slot = await this.opts.gate.take(SMS_GATE, phone);
    if (!slot.ok) return { kind: 'deferred', ms: slot.retryInMs, reason: `SMS: ${slot.reason}` };
    return { kind: 'ready', send: () => this.send(provider, phone, text, who) };
  }

  private async send(
    provider: SmsProvider,
    phone: string,
    text: string,
    who: FailedRecipient,
  ): Promise<Attempt> {
    try {
      await provider.send(phone, text);
      return { kind: 'sent', messageId: null };
    } catch (err) {
      if (!(err instanceof SmsDeliveryError)) throw err;
      const f = err.failure;
      switch (f.kind) {
        case 'unreachable':
          return { kind: 'failed', reason: `unreachable: ${f.reason}`, recipient: who, unreachable: true };
        case 'rate_limited': {
          const long = f.retryAfterS > this.opts.maxRetryAfterS;
          if (!long) await this.opts.gate.pause(SMS_GATE, f.retryAfterS * 1000);
          return { kind: 'rate_limited', retryAfterS: f.retryAfterS, paused: !long };
        }
        case 'transient':
          // A request that timed out may have been sent: retried once, not more (engine).
          return {
            kind: 'retry',
            error: f.reason,
            timedOut: /timeout|timed out|aborted/i.test(f.reason),
            recipient: who,
          };
        case 'rejected':
          return { kind: 'failed', reason: f.reason, recipient: who };
      }
    }
  }
}
