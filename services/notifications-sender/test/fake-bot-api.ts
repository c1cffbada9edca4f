import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small stand-in for the Bot API used by the sender's tests and bench until testkit's
 * FakeTelegram lands: records every call, answers sendMessage/editMessageText, and plays
 * scripted failures (429/403/400/5xx) and a per-token rate limit.
 */

export interface RecordedCall {
  token: string;
  method: string;
  // biome-ignore lint/suspicious/noExplicitAny: Bot API JSON bodies
  body: any;
  at: number;
  status: number;
}

export type FakeReply =
  | { status: number; description: string; retryAfter?: number }
  | { status: 'hang' }
  /** Succeed, but only after `ms`. */
  | { status: 'slow'; ms: number }
  | { status: 'raw'; code: number; text: string };

interface Script {
  match: (c: { token: string; method: string; chatId: unknown }) => boolean;
  reply: FakeReply;
  remaining: number;
}

export class FakeBotApi {
  readonly calls: RecordedCall[] = [];
  url = '';
  rateLimited = 0;
  private server: Server | null = null;
  private scripts: Script[] = [];
  private nextMessageId = 1000;
  private ratePerSecond: number | null = null;
  private window = new Map<string, number[]>();

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = null;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  /** The next `times` calls matching `on` get `reply` (a `{status:'hang'}` never answers). */
  fail(on: { method?: string; chatId?: number | string; token?: string }, reply: FakeReply, times = 1): void {
    this.scripts.push({
      match: (c) =>
        (on.method === undefined || on.method === c.method) &&
        (on.chatId === undefined || String(on.chatId) === String(c.chatId)) &&
        (on.token === undefined || on.token === c.token),
      reply,
      remaining: times,
    });
  }

  /** Answer 429 (retry_after 1) above `perSecond` successful calls per token in a sliding second. */
  setRateLimit(perSecond: number | null): void {
    this.ratePerSecond = perSecond;
    this.window.clear();
  }

  reset(): void {
    this.calls.length = 0;
    this.scripts = [];
    this.rateLimited = 0;
    this.window.clear();
  }

  callsTo(chatId: number | string, method?: string): RecordedCall[] {
    return this.calls.filter(
      (c) => String(c.body.chat_id) === String(chatId) && (method === undefined || c.method === method),
    );
  }

  delivered(method = 'sendMessage'): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && c.status === 200);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
      if (!m) return this.json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      const [, token, method] = m as unknown as [string, string, string];
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      const call: RecordedCall = { token, method, body, at: Date.now(), status: 200 };
      this.calls.push(call);
      const reply = this.scripted(token, method, body.chat_id) ?? this.limited(token);
      if (reply?.status === 'slow') {
        setTimeout(() => this.json(res, 200, { ok: true, result: this.result(method, body) }), reply.ms);
        return;
      }
      if (reply) {
        if (reply.status === 'hang') return;
        if (reply.status === 'raw') {
          call.status = reply.code;
          res.writeHead(reply.code, { 'content-type': 'text/plain' }).end(reply.text);
          return;
        }
        call.status = reply.status;
        if (reply.status === 429) this.rateLimited++;
        return this.json(res, reply.status, {
          ok: false,
          error_code: reply.status,
          description: reply.description,
          ...(reply.retryAfter !== undefined ? { parameters: { retry_after: reply.retryAfter } } : {}),
        });
      }
      this.json(res, 200, { ok: true, result: this.result(method, body) });
    });
  }

  private scripted(token: string, method: string, chatId: unknown): FakeReply | null {
    const s = this.scripts.find((x) => x.remaining > 0 && x.match({ token, method, chatId }));
    if (!s) return null;
    s.remaining--;
    return s.reply;
  }

  private limited(token: string): FakeReply | null {
    if (this.ratePerSecond === null) return null;
    const now = Date.now();
    const recent = (this.window.get(token) ?? []).filter((t) => now - t < 1000);
    if (recent.length >= this.ratePerSecond) {
      this.window.set(token, recent);
      return { status: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 };
    }
    recent.push(now);
    this.window.set(token, recent);
    return null;
  }

  private result(method: string, body: { chat_id: number; text: string; message_id?: number }) {
    const date = Math.floor(Date.now() / 1000);
    if (method === 'sendMessage')
      return {
        message_id: this.nextMessageId++,
        date,
        chat: { id: body.chat_id, type: 'private' },
        text: body.text,
      };
    if (method === 'editMessageText')
      return {
        message_id: body.message_id,
        date,
        chat: { id: body.chat_id, type: 'private' },
        text: body.text,
      };
    return true;
  }

  private json(res: ServerResponse, status: number, payload: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  }
}
