import Fastify, { type FastifyInstance } from 'fastify';
import type { Update } from 'telegraf/types';

/**
 * A tiny stand-in Bot API server for this package's tests: records every call, answers the
 * methods the bots use, serves getUpdates from a queue, and can fail the next call of a method.
 */
export interface RecordedCall {
  token: string;
  method: string;
  params: Record<string, unknown>;
}

export class BotApiRecorder {
  readonly calls: RecordedCall[] = [];
  private app: FastifyInstance = Fastify({ logger: false });
  private updates: Update[] = [];
  private waiters: (() => void)[] = [];
  private failures = new Map<string, { error_code: number; description: string }>();
  private nextMessageId = 1000;
  url = '';

  async start(): Promise<this> {
    this.app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_r, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    this.app.all('/bot:token/:method', async (req) => {
      const { token, method } = req.params as { token: string; method: string };
      const params = (req.body ?? {}) as Record<string, unknown>;
      if (method !== 'getUpdates') this.calls.push({ token, method, params });
      const failure = this.failures.get(method);
      if (failure) {
        this.failures.delete(method);
        return { ok: false, ...failure };
      }
      return { ok: true, result: await this.result(method, params) };
    });
    this.url = await this.app.listen({ port: 0, host: '127.0.0.1' });
    return this;
  }

  private async result(method: string, params: Record<string, unknown>): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return { id: 42, is_bot: true, first_name: 'Test', username: 'test_bot' };
      case 'getUpdates': {
        if (this.updates.length === 0) {
          const timeout = Math.min(Number(params.timeout ?? 0), 2) * 1000;
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, timeout);
            this.waiters.push(() => {
              clearTimeout(t);
              resolve();
            });
          });
        }
        const offset = Number(params.offset ?? 0);
        this.updates = this.updates.filter((u) => u.update_id >= offset);
        return this.updates.splice(0, this.updates.length);
      }
      case 'sendMessage':
        return {
          message_id: this.nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(params.chat_id), type: 'private' },
          text: params.text,
        };
      default:
        return true;
    }
  }

  /** Queues an update for getUpdates (polling mode). */
  push(update: Update): void {
    this.updates.push(update);
    for (const w of this.waiters.splice(0)) w();
  }

  failNext(method: string, error_code: number, description: string): void {
    this.failures.set(method, { error_code, description });
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async waitFor(method: string, pred: (c: RecordedCall) => boolean = () => true, timeoutMs = 5000) {
    const started = Date.now();
    for (;;) {
      const hit = this.calls.find((c) => c.method === method && pred(c));
      if (hit) return hit;
      if (Date.now() - started > timeoutMs) throw new Error(`no ${method} call within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    for (const w of this.waiters.splice(0)) w();
    await this.app.close();
  }
}
