import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { prom } from '@fs/observability';
import { TelegramError } from 'telegraf';
import { classifyTelegramError, TelegramDeliveryError } from './errors';
import { TelegramGateway } from './gateway';

const apiError = (error_code: number, description: string, parameters?: { retry_after?: number }) =>
  new TelegramError({ error_code, description, ...(parameters ? { parameters } : {}) });

describe('classifyTelegramError', () => {
  it.each([
    [
      apiError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }),
      { kind: 'rate_limited', retryAfterS: 7 },
    ],
    [apiError(429, 'Too Many Requests'), { kind: 'rate_limited', retryAfterS: 1 }],
    [
      apiError(403, 'Forbidden: bot was blocked by the user'),
      { kind: 'unreachable', reason: '403: Forbidden: bot was blocked by the user' },
    ],
    [
      apiError(403, 'Forbidden: user is deactivated'),
      { kind: 'unreachable', reason: '403: Forbidden: user is deactivated' },
    ],
    [
      apiError(403, "Forbidden: bot can't initiate conversation with a user"),
      { kind: 'unreachable', reason: "403: Forbidden: bot can't initiate conversation with a user" },
    ],
    [
      apiError(400, 'Bad Request: chat not found'),
      { kind: 'unreachable', reason: '400: Bad Request: chat not found' },
    ],
    [
      apiError(
        400,
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same',
      ),
      { kind: 'not_modified' },
    ],
    [apiError(400, 'Bad Request: message to edit not found'), { kind: 'message_gone' }],
    [apiError(400, "Bad Request: message can't be edited"), { kind: 'message_gone' }],
    [
      apiError(400, "Bad Request: can't parse entities: Unsupported start tag"),
      { kind: 'bad_request', description: "400: Bad Request: can't parse entities: Unsupported start tag" },
    ],
    [apiError(401, 'Unauthorized'), { kind: 'bad_request', description: '401: Unauthorized' }],
    [apiError(502, 'Bad Gateway'), { kind: 'transient', description: '502: Bad Gateway' }],
  ])('%#: %o', (err, expected) => {
    expect(classifyTelegramError(err)).toEqual(expected);
  });

  it('treats network errors and timeouts as transient', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(classifyTelegramError(reset)).toEqual({
      kind: 'transient',
      description: 'ECONNRESET: socket hang up',
    });
    const abort = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
    expect(classifyTelegramError(abort).kind).toBe('transient');
    expect(classifyTelegramError('weird').kind).toBe('transient');
  });
});

interface Call {
  method: string;
  body: Record<string, unknown>;
}
type Reply = { status: number; body: unknown } | 'hang';

/** A tiny Bot API stand-in: records calls and answers from a script. */
async function startApi(script: (call: Call) => Reply) {
  const calls: Call[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const call = { method: req.url!.split('/').pop()!, body: raw ? JSON.parse(raw) : {} };
      calls.push(call);
      const reply = script(call);
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const ok = (result: unknown): Reply => ({ status: 200, body: { ok: true, result } });
const fail = (status: number, description: string, parameters?: object): Reply => ({
  status,
  body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
});

describe('TelegramGateway against a Bot API server', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  let next: Reply[] = [];
  beforeAll(async () => {
    api = await startApi(() => next.shift() ?? ok({ message_id: 555, chat: { id: 1 }, date: 0, text: '' }));
  });
  afterAll(() => api.close());
  beforeEach(() => {
    api.calls.length = 0;
    next = [];
  });

  it('sends HTML with the inline keyboard and returns the message id', async () => {
    const registry = new prom.Registry();
    const gw = new TelegramGateway({ token: '123:abc', apiRoot: api.url, bot: 'master', registry });
    const buttons = [[{ text: '✅ Принять', callback_data: 'm:oa:1' }]];
    await expect(gw.send(42, '<b>hi</b>', buttons)).resolves.toEqual({ chatId: 42, messageId: 555 });
    expect(api.calls).toEqual([
      {
        method: 'sendMessage',
        body: {
          chat_id: 42,
          text: '<b>hi</b>',
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          reply_markup: { inline_keyboard: buttons },
        },
      },
    ]);
    const metric = await registry.getSingleMetricAsString('telegram_api_request_duration_seconds');
    expect(metric).toContain(
      'telegram_api_request_duration_seconds_count{bot="master",method="sendMessage",outcome="ok"} 1',
    );
    // A second gateway on the same registry reuses the histogram instead of throwing.
    expect(
      () => new TelegramGateway({ token: '123:abc', apiRoot: api.url, bot: 'admin', registry }),
    ).not.toThrow();
  });

  it('edits without a keyboard (removing the buttons)', async () => {
    const gw = new TelegramGateway({ token: '123:abc', apiRoot: api.url });
    await gw.edit(42, 555, 'closed');
    expect(api.calls[0]).toEqual({
      method: 'editMessageText',
      body: {
        chat_id: 42,
        message_id: 555,
        text: 'closed',
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
      },
    });
  });

  it('throws classified errors', async () => {
    const gw = new TelegramGateway({ token: '123:abc', apiRoot: api.url });
    next = [
      fail(429, 'Too Many Requests: retry after 2', { retry_after: 2 }),
      fail(403, 'Forbidden: bot was blocked by the user'),
      fail(400, 'Bad Request: message is not modified'),
      { status: 502, body: 'Bad Gateway' },
    ];
    const kinds: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const err = await gw.send(1, 'x').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TelegramDeliveryError);
      kinds.push((err as TelegramDeliveryError).failure);
    }
    expect(kinds).toEqual([
      { kind: 'rate_limited', retryAfterS: 2 },
      { kind: 'unreachable', reason: '403: Forbidden: bot was blocked by the user' },
      { kind: 'not_modified' },
      { kind: 'transient', description: '502: Bad Gateway' },
    ]);
  });

  it('reports a 429 to the token pause at once and starts no call while it holds', async () => {
    let heldMs = 0;
    const seen: number[] = [];
    const gw = new TelegramGateway({
      token: '123:abc',
      apiRoot: api.url,
      pause: {
        heldForMs: () => heldMs,
        rateLimited: (ms) => {
          seen.push(ms);
          heldMs = ms;
        },
      },
    });
    next = [fail(429, 'Too Many Requests: retry after 3', { retry_after: 3 })];
    const limited = (await gw.send(1, 'x').catch((e: unknown) => e)) as TelegramDeliveryError;
    expect(limited.failure).toEqual({ kind: 'rate_limited', retryAfterS: 3 });
    expect(seen).toEqual([3000]);

    const held = (await gw.edit(1, 7, 'y').catch((e: unknown) => e)) as TelegramDeliveryError;
    expect(held.failure).toEqual({ kind: 'rate_limited', retryAfterS: 3, held: true });
    expect(held.message).toContain('not sent');
    expect(api.calls.map((c) => c.method)).toEqual(['sendMessage']); // the held call never left

    heldMs = 0;
    await expect(gw.send(1, 'z')).resolves.toMatchObject({ messageId: 555 });
    expect(api.calls).toHaveLength(2);
  });

  it('classifies a timeout and a refused connection as transient', async () => {
    next = ['hang'];
    const slow = new TelegramGateway({ token: '123:abc', apiRoot: api.url, timeoutMs: 200 });
    const timedOut = (await slow.send(1, 'x').catch((e: unknown) => e)) as TelegramDeliveryError;
    expect(timedOut.failure).toMatchObject({ kind: 'transient', uncertain: true });

    const dead = new TelegramGateway({ token: '123:abc', apiRoot: 'http://127.0.0.1:1' });
    const refused = (await dead.send(1, 'x').catch((e: unknown) => e)) as TelegramDeliveryError;
    expect(refused.failure).toMatchObject({ kind: 'transient' });
    expect(refused.failure).not.toHaveProperty('uncertain');
    expect(String(refused.failure.kind === 'transient' && refused.failure.description)).toContain(
      'ECONNREFUSED',
    );
  });
});
