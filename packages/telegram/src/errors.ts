/**
 * What a failed Bot API call means for delivery. The sender acts on the kind, never on raw
 * error text: 429 waits, recipient errors are permanent, 5xx/network retry, other 400s are bugs.
 */
export type DeliveryFailure =
  /** 429; `held`: not sent at all, the token is still paused after an earlier 429 (see TokenPause). */
  | { kind: 'rate_limited'; retryAfterS: number; held?: true }
  /** 403 blocked / deactivated / can't initiate, 400 chat not found: permanent for this recipient. */
  | { kind: 'unreachable'; reason: string }
  /** An edit with the same text and keyboard: harmless. */
  | { kind: 'not_modified' }
  /** An edit of a message that was deleted or is too old to edit. */
  | { kind: 'message_gone' }
  /** Any other 4xx: the request is wrong (a bug); retrying does not help. */
  | { kind: 'bad_request'; description: string }
  /**
   * 5xx, network errors, timeouts: retry with backoff. `uncertain`: no answer came (a timeout),
   * so Telegram may have delivered the message anyway.
   */
  | { kind: 'transient'; description: string; uncertain?: boolean };

export type DeliveryFailureKind = DeliveryFailure['kind'];

export class TelegramDeliveryError extends Error {
  constructor(
    readonly failure: DeliveryFailure,
    readonly method: string,
    options?: { cause?: unknown },
  ) {
    super(`${method}: ${describeFailure(failure)}`, options);
    this.name = 'TelegramDeliveryError';
  }
}

export function describeFailure(f: DeliveryFailure): string {
  switch (f.kind) {
    case 'rate_limited':
      return f.held
        ? `not sent: token paused after a 429 for ${f.retryAfterS}s more`
        : `429: retry after ${f.retryAfterS}s`;
    case 'unreachable':
      return f.reason;
    case 'not_modified':
      return 'message is not modified';
    case 'message_gone':
      return 'message to edit is gone';
    default:
      return f.description;
  }
}

const RECIPIENT_GONE_400 =
  /chat not found|user not found|PEER_ID_INVALID|USER_ID_INVALID|bot was blocked|user is deactivated|CHAT_WRITE_FORBIDDEN|not enough rights to send|have no rights to send|group chat was (upgraded|deactivated)/i;
const MESSAGE_GONE_400 =
  /message to edit not found|message can't be edited|MESSAGE_ID_INVALID|message to delete not found/i;
const NOT_MODIFIED_400 = /message is not modified/i;

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

interface ApiErrorLike {
  response: { error_code: number; description?: string; parameters?: { retry_after?: number } };
}

function isApiError(err: unknown): err is ApiErrorLike {
  const r = (err as { response?: unknown } | null)?.response as { error_code?: unknown } | undefined;
  return typeof r === 'object' && r !== null && typeof r.error_code === 'number';
}

/** Classifies a telegraf TelegramError or a network error thrown by a Bot API call. */
export function classifyTelegramError(err: unknown): DeliveryFailure {
  if (isApiError(err)) {
    const { error_code: code, parameters } = err.response;
    const description = `${code}: ${err.response.description ?? 'no description'}`;
    if (code === 429) {
      const retryAfter = Number(parameters?.retry_after);
      return {
        kind: 'rate_limited',
        retryAfterS: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1,
      };
    }
    if (code === 403) return { kind: 'unreachable', reason: description };
    if (code === 400) {
      if (NOT_MODIFIED_400.test(description)) return { kind: 'not_modified' };
      if (MESSAGE_GONE_400.test(description)) return { kind: 'message_gone' };
      if (RECIPIENT_GONE_400.test(description)) return { kind: 'unreachable', reason: description };
      return { kind: 'bad_request', description };
    }
    if (code >= 500) return { kind: 'transient', description };
    // 401/404 (bad token), 409, 413 …: retrying the same request cannot succeed.
    return { kind: 'bad_request', description };
  }
  const e = err as { name?: string; code?: string; type?: string; message?: string } | null;
  const name = e?.name ?? 'Error';
  const code = e?.code ?? '';
  const message = e?.message ?? String(err);
  if (name === 'AbortError' || name === 'TimeoutError' || e?.type === 'request-timeout')
    return { kind: 'transient', description: `timeout: ${message}`, uncertain: true };
  if (NETWORK_CODES.has(code)) return { kind: 'transient', description: `${code}: ${message}` };
  return { kind: 'transient', description: `${name}: ${message}` };
}
