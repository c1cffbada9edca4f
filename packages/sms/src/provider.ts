/**
 * The SMS side of the platform: one small interface for a provider, and how its failures are
 * classified, so the sender treats every provider alike (as the Telegram gateway does for the
 * Bot API). Adding a provider is one file that implements SmsProvider and one line in
 * createSmsProvider.
 */

export type SmsFailure =
  /** The number is invalid or cannot receive SMS: stop using it (no retries), tell staff. */
  | { kind: 'unreachable'; reason: string }
  /** The provider asks us to slow down: wait `retryAfterS`, without counting an attempt. */
  | { kind: 'rate_limited'; retryAfterS: number; reason: string }
  /** Provider down, network, timeout, low balance: retry with backoff, then fail and alert. */
  | { kind: 'transient'; reason: string }
  /** Our request is wrong (credentials, parameters, forbidden text): fail at once and alert. */
  | { kind: 'rejected'; reason: string };

export class SmsDeliveryError extends Error {
  constructor(readonly failure: SmsFailure) {
    super(`sms ${failure.kind}: ${failure.reason}`);
    this.name = 'SmsDeliveryError';
  }
}

export interface SmsSendResult {
  /** The provider's id of the message (for its delivery reports). */
  messageId: string;
}

export interface SmsProvider {
  /** e.g. `smsc`, for logs and metrics. */
  readonly name: string;
  /** Sends one SMS to a +7XXXXXXXXXX number; throws SmsDeliveryError with the classified failure. */
  send(phone: string, text: string): Promise<SmsSendResult>;
}

/** An SMS the client sent to us (a provider's incoming-message callback), e.g. "STOP". */
export interface InboundSms {
  phone: string;
  text: string;
}

const STOP_WORDS = /^\s*(stop|стоп|отписаться|unsubscribe)\s*[.!]*\s*$/i;

/** True for a reply that asks to stop the notices. */
export function isStopRequest(text: string): boolean {
  return STOP_WORDS.test(text);
}
