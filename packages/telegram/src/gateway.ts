import type { InlineButton } from '@fs/domain';
import { prom } from '@fs/observability';
import { Telegram } from 'telegraf';
import { classifyTelegramError, type DeliveryFailureKind, TelegramDeliveryError } from './errors';

type Registry = InstanceType<typeof prom.Registry>;
type Histogram = InstanceType<typeof prom.Histogram<'bot' | 'method' | 'outcome'>>;

type CallSignal = NonNullable<Parameters<Telegram['callApi']>[2]>['signal'];

export type ChatId = number | string;

export interface TelegramGatewayOptions {
  token: string;
  /** Bot API server: the real one, a local Bot API server, or the test fake. */
  apiRoot?: string;
  /** Label for metrics and errors, e.g. `master` / `admin`. */
  bot?: string;
  /** When given, Bot API latency goes to `telegram_api_request_duration_seconds`. */
  registry?: Registry;
  /** A call running longer than this is aborted and classified transient. */
  timeoutMs?: number;
  /** The token's pause after a 429 (the sender's SendGate), consulted around every call. */
  pause?: TokenPause;
}

/**
 * Honours retry_after without a gap: `rateLimited` is called synchronously when a 429 answer
 * arrives, and a call is refused (a `rate_limited` failure with `held: true`, never sent) while
 * `heldForMs` is above 0, checked synchronously right before the request starts. Between the
 * two nothing else can run, so no call of this gateway starts after a 429 was seen until it has
 * passed; only calls already in flight can reach Telegram inside retry_after.
 */
export interface TokenPause {
  heldForMs(): number;
  rateLimited(retryAfterMs: number): void;
}

export interface SentMessage {
  chatId: ChatId;
  messageId: number;
}

const LATENCY_METRIC = 'telegram_api_request_duration_seconds';

function latencyHistogram(registry: Registry): Histogram {
  const existing = registry.getSingleMetric(LATENCY_METRIC) as Histogram | undefined;
  return (
    existing ??
    new prom.Histogram({
      name: LATENCY_METRIC,
      help: 'Bot API call latency by bot, method and outcome (ok or failure kind)',
      labelNames: ['bot', 'method', 'outcome'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    })
  );
}

/**
 * Sends and edits HTML messages through one bot token. Every failure is thrown as a
 * TelegramDeliveryError whose `failure` says what to do (see errors.ts); telegraf itself never
 * retries or rate-limits outgoing calls, so that is the caller's job (the sender's queue).
 */
export class TelegramGateway {
  readonly telegram: Telegram;
  private readonly bot: string;
  private readonly timeoutMs: number;
  private readonly latency?: Histogram;
  private readonly pause?: TokenPause;

  constructor(opts: TelegramGatewayOptions) {
    this.telegram = new Telegram(opts.token, {
      ...(opts.apiRoot ? { apiRoot: opts.apiRoot } : {}),
      webhookReply: false,
    });
    this.bot = opts.bot ?? 'bot';
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    if (opts.registry) this.latency = latencyHistogram(opts.registry);
    if (opts.pause) this.pause = opts.pause;
  }

  async send(chatId: ChatId, text: string, buttons?: InlineButton[][]): Promise<SentMessage> {
    const message = (await this.call('sendMessage', {
      chat_id: chatId,
      text,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(buttons?.length ? { reply_markup: { inline_keyboard: buttons } } : {}),
    })) as { message_id: number };
    return { chatId, messageId: message.message_id };
  }

  /** Edits a message's text; without `buttons` its inline keyboard is removed. */
  async edit(chatId: ChatId, messageId: number, text: string, buttons?: InlineButton[][]): Promise<void> {
    await this.call('editMessageText', {
      chat_id: chatId,
      message_id: messageId,
      text,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(buttons?.length ? { reply_markup: { inline_keyboard: buttons } } : {}),
    });
  }

  private async call(
    method: 'sendMessage' | 'editMessageText',
    payload: Record<string, unknown>,
  ): Promise<unknown> {
    const heldMs = this.pause?.heldForMs() ?? 0;
    if (heldMs > 0)
      throw new TelegramDeliveryError(
        { kind: 'rate_limited', retryAfterS: heldMs / 1000, held: true },
        method,
      );
    const started = process.hrtime.bigint();
    let outcome: 'ok' | DeliveryFailureKind = 'ok';
    try {
      // telegraf types its signal as the abort-controller polyfill's; node-fetch accepts the native one.
      const signal = AbortSignal.timeout(this.timeoutMs) as unknown as CallSignal;
      return await this.telegram.callApi(method, payload as never, { signal });
    } catch (err) {
      const failure = classifyTelegramError(err);
      if (failure.kind === 'rate_limited') this.pause?.rateLimited(failure.retryAfterS * 1000);
      outcome = failure.kind;
      throw new TelegramDeliveryError(failure, method, { cause: err });
    } finally {
      this.latency?.observe(
        { bot: this.bot, method, outcome },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    }
  }
}
