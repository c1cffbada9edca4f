import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * A fake SMSC.ru for tests and the sandbox, speaking its HTTP API (smsc.ru/api/http):
 * `GET|POST /sys/send.php` with `login`+`psw` or `apikey`, `phones`, `mes`, `fmt=3` →
 * `{"id": N, "cnt": 1}` or, with HTTP 200, `{"error": "…", "error_code": N}` (7 = invalid
 * number). It records every message as an inbox per phone, knows numbers that do not exist,
 * plays scripted failures (an SMSC error code, HTTP 429 with Retry-After, HTTP 5xx, a dropped
 * connection) and can send an incoming SMS ("STOP") to a callback URL as SMSC does.
 */

export interface FakeSms {
  /** SMSC's message id. */
  id: number;
  /** +7XXXXXXXXXX */
  phone: string;
  text: string;
  sender: string | null;
  at: Date;
}

export interface FakeSmsRequest {
  params: Record<string, string>;
  /** HTTP status the fake answered with (0 for a dropped connection). */
  status: number;
  body: unknown;
}

export type FakeSmsFailure =
  | { errorCode: number; error?: string }
  | { http: 429; retryAfterS?: number }
  | { http: 500 | 502 | 503 | 504 }
  | { network: true };

export interface FakeSmsFailRule {
  failure: FakeSmsFailure;
  /** How many requests fail (default 1). */
  times?: number;
  /** Only requests to this number (+7…). */
  phone?: string;
}

export interface FakeSmscOptions {
  login?: string;
  password?: string;
  apiKey?: string;
}

const ERRORS: Record<number, string> = {
  1: 'parameters error',
  2: 'authorise error',
  3: 'no money',
  4: 'IP is blocked',
  5: 'invalid date format',
  6: 'message is denied',
  7: 'invalid phone',
  8: "can't deliver",
  9: 'duplicate request, wait a minute',
};

function plusPhone(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  return `+${digits}`;
}

export class FakeSmsc {
  readonly sent: FakeSms[] = [];
  readonly requests: FakeSmsRequest[] = [];
  apiRoot = '';
  /** Numbers the "operator" does not know: SMSC answers error 7. */
  readonly invalidNumbers = new Set<string>();

  private app: FastifyInstance | null = null;
  private rules: Array<Required<Pick<FakeSmsFailRule, 'failure'>> & { remaining: number; phone?: string }> =
    [];
  private seq = 1000;
  private readonly listeners = new Set<(sms: FakeSms) => void>();

  constructor(private readonly options: FakeSmscOptions = { login: 'fs', password: 'fake-password' }) {}

  /** Credentials a provider must use with this fake. */
  get credentials(): FakeSmscOptions {
    return { ...this.options };
  }

  async start(port = 0): Promise<string> {
    if (this.app) throw new Error('FakeSmsc is already started');
    const app = Fastify({ logger: false, forceCloseConnections: true });
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    app.route({
      method: ['GET', 'POST'],
      url: '/sys/send.php',
      handler: (req, reply) => this.onSend(req, reply),
    });
    await app.listen({ port, host: '127.0.0.1' });
    this.app = app;
    this.apiRoot = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    return this.apiRoot;
  }

  async stop(): Promise<void> {
    const app = this.app;
    this.app = null;
    await app?.close();
  }

  /** Messages delivered to a number, oldest first. */
  inbox(phone: string): FakeSms[] {
    const p = plusPhone(phone);
    return this.sent.filter((m) => m.phone === p);
  }

  /** The next matching request(s) fail. Returns a function that cancels the rule. */
  failNext(rule: FakeSmsFailRule): () => void {
    const active = {
      failure: rule.failure,
      remaining: rule.times ?? 1,
      ...(rule.phone ? { phone: plusPhone(rule.phone) } : {}),
    };
    this.rules.push(active);
    return () => {
      this.rules = this.rules.filter((r) => r !== active);
    };
  }

  /** Forgets messages, requests, scripted failures and invalid numbers. */
  reset(): void {
    this.sent.length = 0;
    this.requests.length = 0;
    this.rules = [];
    this.invalidNumbers.clear();
  }

  onMessage(listener: (sms: FakeSms) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The first `count` messages matching `predicate` (already sent or still to come). */
  waitForMessages(predicate: (sms: FakeSms) => boolean, count = 1, timeoutMs = 60_000): Promise<FakeSms[]> {
    const found = this.sent.filter(predicate);
    if (found.length >= count) return Promise.resolve(found.slice(0, count));
    const timeoutError = new Error();
    return new Promise((resolve, reject) => {
      const off = this.onMessage((sms) => {
        if (!predicate(sms)) return;
        found.push(sms);
        if (found.length < count) return;
        clearTimeout(timer);
        off();
        resolve(found);
      });
      const timer = setTimeout(() => {
        off();
        timeoutError.message = `FakeSmsc: ${found.length} of ${count} SMS within ${timeoutMs} ms; sent: ${this.sent
          .map((m) => `${m.phone} "${m.text.slice(0, 60)}"`)
          .join('; ')}`;
        reject(timeoutError);
      }, timeoutMs);
    });
  }

  /**
   * An incoming SMS from `phone`, posted to `url` the way SMSC posts a virtual number's
   * incoming messages (form fields `phone`, `mes`, `to`, `sms_id`, `sent`). Resolves with the
   * HTTP status the receiver answered.
   */
  async sendInbound(url: string, phone: string, text: string): Promise<number> {
    const body = new URLSearchParams({
      phone: plusPhone(phone).slice(1),
      mes: text,
      to: '79000000000',
      sms_id: String(++this.seq),
      sent: String(Math.floor(Date.now() / 1000)),
    });
    const res = await fetch(url, { method: 'POST', body });
    return res.status;
  }

  private authorised(p: Record<string, string>): boolean {
    if (this.options.apiKey && p.apikey === this.options.apiKey) return true;
    return Boolean(this.options.login) && p.login === this.options.login && p.psw === this.options.password;
  }

  private takeRule(phone: string) {
    const rule = this.rules.find((r) => r.remaining > 0 && (!r.phone || r.phone === phone));
    if (!rule) return null;
    rule.remaining--;
    if (rule.remaining === 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.failure;
  }

  private answer(reply: FastifyReply, params: Record<string, string>, status: number, body: unknown) {
    this.requests.push({ params, status, body });
    return reply
      .code(status)
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify(body));
  }

  private error(reply: FastifyReply, params: Record<string, string>, code: number) {
    return this.answer(reply, params, 200, { error: ERRORS[code] ?? 'error', error_code: code });
  }

  private async onSend(req: FastifyRequest, reply: FastifyReply) {
    const params = {
      ...((req.query ?? {}) as Record<string, string>),
      ...((req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, string>),
    };
    if (!this.authorised(params)) return this.error(reply, params, 2);
    if (!params.phones || !params.mes) return this.error(reply, params, 1);
    const phones = params.phones
      .split(/[,;]/)
      .map((p) => p.trim())
      .filter(Boolean);
    if (phones.length !== 1) return this.error(reply, params, 1); // the platform sends one at a time
    const phone = plusPhone(phones[0]!);

    const failure = this.takeRule(phone);
    if (failure) {
      if ('network' in failure) {
        this.requests.push({ params, status: 0, body: null });
        req.raw.socket.destroy();
        return reply;
      }
      if ('http' in failure) {
        if (failure.http === 429) reply.header('retry-after', String(failure.retryAfterS ?? 1));
        return this.answer(reply, params, failure.http, { error: `HTTP ${failure.http}` });
      }
      return this.answer(reply, params, 200, {
        error: failure.error ?? ERRORS[failure.errorCode] ?? 'error',
        error_code: failure.errorCode,
      });
    }
    if (!/^\+7\d{10}$/.test(phone) || this.invalidNumbers.has(phone)) return this.error(reply, params, 7);

    const sms: FakeSms = {
      id: ++this.seq,
      phone,
      text: params.mes,
      sender: params.sender ?? null,
      at: new Date(),
    };
    this.sent.push(sms);
    for (const l of this.listeners) {
      try {
        l(sms);
      } catch {
        // a listener's bug must not fail the provider's answer
      }
    }
    return this.answer(reply, params, 200, { id: sms.id, cnt: 1 });
  }
}
