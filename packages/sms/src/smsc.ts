import {
  type InboundSms,
  SmsDeliveryError,
  type SmsFailure,
  type SmsProvider,
  type SmsSendResult,
} from './provider';

/**
 * SMSC.ru (smsc.ru/api/http): `POST /sys/send.php` with login and password (or an API key),
 * `phones`, `mes`, `charset=utf-8` and `fmt=3` (JSON answers). Success: `{"id": 123, "cnt": 1}`.
 * Errors come with HTTP 200 as `{"error": "…", "error_code": N}`:
 *   1 parameters, 2 login/password, 3 balance, 4 IP blocked for frequent errors, 5 date format,
 *   6 message forbidden, 7 invalid phone number, 8 cannot be delivered to this number,
 *   9 too many identical or concurrent requests.
 * HTTP 429 (with Retry-After) and 5xx from its front end are handled too.
 */

export interface SmscOptions {
  /** https://smsc.ru by default; the fake provider in tests and the sandbox. */
  apiRoot?: string;
  login?: string;
  password?: string;
  /** Used instead of login and password when set (SMSC's `apikey`). */
  apiKey?: string;
  /** Sender ID registered with SMSC; the account's default when absent. */
  sender?: string;
  timeoutMs?: number;
}

const RETRY_AFTER_DEFAULT_S = 60;

interface SmscAnswer {
  id?: number | string;
  cnt?: number;
  error?: string;
  error_code?: number;
}

function classifyErrorCode(code: number, message: string): SmsFailure {
  const reason = `smsc error ${code}: ${message}`;
  switch (code) {
    case 7:
    case 8:
      return { kind: 'unreachable', reason };
    case 4:
    case 9:
      return { kind: 'rate_limited', retryAfterS: RETRY_AFTER_DEFAULT_S, reason };
    case 3:
      return { kind: 'transient', reason };
    case 1:
    case 2:
    case 5:
    case 6:
      return { kind: 'rejected', reason };
    default:
      return { kind: 'transient', reason };
  }
}

function retryAfterSeconds(header: string | null): number {
  if (!header) return RETRY_AFTER_DEFAULT_S;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(1, Math.ceil((at - Date.now()) / 1000)) : RETRY_AFTER_DEFAULT_S;
}

export class SmscProvider implements SmsProvider {
  readonly name = 'smsc';
  private readonly url: string;

  constructor(private readonly opts: SmscOptions) {
    if (!opts.apiKey && !(opts.login && opts.password))
      throw new Error('SMSC needs an API key or a login and password');
    this.url = `${(opts.apiRoot ?? 'https://smsc.ru').replace(/\/+$/, '')}/sys/send.php`;
  }

  async send(phone: string, text: string): Promise<SmsSendResult> {
    const body = new URLSearchParams({
      ...(this.opts.apiKey
        ? { apikey: this.opts.apiKey }
        : { login: this.opts.login!, psw: this.opts.password! }),
      phones: phone.replace(/^\+/, ''),
      mes: text,
      charset: 'utf-8',
      fmt: '3',
      ...(this.opts.sender ? { sender: this.opts.sender } : {}),
    });
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
      });
    } catch (err) {
      throw new SmsDeliveryError({ kind: 'transient', reason: `smsc network: ${(err as Error).message}` });
    }
    const raw = await res.text().catch(() => '');
    if (res.status === 429) {
      throw new SmsDeliveryError({
        kind: 'rate_limited',
        retryAfterS: retryAfterSeconds(res.headers.get('retry-after')),
        reason: 'smsc http 429',
      });
    }
    if (res.status >= 500) {
      throw new SmsDeliveryError({ kind: 'transient', reason: `smsc http ${res.status}` });
    }
    if (!res.ok) {
      throw new SmsDeliveryError({
        kind: 'rejected',
        reason: `smsc http ${res.status}: ${raw.slice(0, 200)}`,
      });
    }
    let answer: SmscAnswer;
    try {
      answer = JSON.parse(raw) as SmscAnswer;
    } catch {
      throw new SmsDeliveryError({
        kind: 'transient',
        reason: `smsc answer is not JSON: ${raw.slice(0, 200)}`,
      });
    }
    if (typeof answer.error_code === 'number') {
      throw new SmsDeliveryError(classifyErrorCode(answer.error_code, answer.error ?? ''));
    }
    if (answer.id === undefined || answer.id === null) {
      throw new SmsDeliveryError({
        kind: 'transient',
        reason: `smsc answer without id: ${raw.slice(0, 200)}`,
      });
    }
    return { messageId: String(answer.id) };
  }
}

/**
 * SMSC's incoming-message notification (a virtual number's "входящие SMS" sent to our URL as
 * a form or JSON): the sender's number in `phone`, the text in `mes`. Null when it is not one.
 */
export function parseSmscInbound(body: unknown): InboundSms | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const phone = typeof b.phone === 'string' ? b.phone.trim() : '';
  const text = typeof b.mes === 'string' ? b.mes : '';
  if (!/^\+?\d{10,15}$/.test(phone)) return null;
  return { phone: phone.startsWith('+') ? phone : `+${phone}`, text };
}
