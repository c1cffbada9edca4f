import { createLogger } from '@fs/observability';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import { BotApiRecorder } from '../test/bot-api-recorder';
import { createBot, onCallback, type RunningBot, safeEdit, staleCallbacks, startBot } from './bot';

const TOKEN = '123456:TEST-token-abcdef';
const ERROR_TEXT = 'error text';
const STALE_TEXT = 'stale text';
const logger = createLogger({ service: 'test', level: 'silent', pretty: false });

let api: BotApiRecorder;
let seq = 1;

const textUpdate = (text: string, userId = 7): Update =>
  ({
    update_id: seq++,
    message: {
      message_id: seq,
      date: 0,
      chat: { id: userId, type: 'private', first_name: 'U' },
      from: { id: userId, is_bot: false, first_name: 'U' },
      text,
      ...(text.startsWith('/')
        ? { entities: [{ type: 'bot_command', offset: 0, length: text.length }] }
        : {}),
    },
  }) as Update;

const callbackUpdate = (data: string, userId = 7): Update =>
  ({
    update_id: seq++,
    callback_query: {
      id: `cq${seq}`,
      chat_instance: '1',
      from: { id: userId, is_bot: false, first_name: 'U' },
      message: {
        message_id: 55,
        date: 0,
        chat: { id: userId, type: 'private', first_name: 'U' },
        text: 'push',
      },
      data,
    },
  }) as Update;

function testBot(): Telegraf {
  const bot = createBot(TOKEN, { apiRoot: api.url, logger, errorText: ERROR_TEXT });
  bot.botInfo = { id: 42, is_bot: true, first_name: 'Test', username: 'test_bot' } as Telegraf['botInfo'];
  bot.command('boom', () => {
    throw new Error('boom');
  });
  bot.use(
    onCallback('offerAccept', async (ctx, { offerId }) => {
      if (offerId === 1) throw new Error('callback boom');
      if (offerId === 2) await ctx.answerCbQuery('handled');
      if (offerId === 4) await safeEdit(ctx, 'same');
      // offerId 3: the handler forgets to answer
    }),
  );
  bot.hears('hi', (ctx) => ctx.reply('hello'));
  bot.use(staleCallbacks(STALE_TEXT));
  return bot;
}

beforeEach(async () => {
  api = await new BotApiRecorder().start();
});
afterEach(async () => {
  await api.close();
});

describe('createBot safety net', () => {
  it('a throwing command handler is logged and answered, never crashes', async () => {
    const bot = testBot();
    await bot.handleUpdate(textUpdate('/boom'));
    expect(api.callsOf('sendMessage').map((c) => c.params.text)).toEqual([ERROR_TEXT]);
  });

  it('a throwing callback handler still answers the callback query and replies', async () => {
    const bot = testBot();
    await bot.handleUpdate(callbackUpdate('m:oa:1'));
    expect(api.callsOf('answerCallbackQuery')).toHaveLength(1);
    expect(api.callsOf('sendMessage').map((c) => c.params.text)).toEqual([ERROR_TEXT]);
  });

  it('answers a callback the handler forgot, and only once when it did answer', async () => {
    const bot = testBot();
    await bot.handleUpdate(callbackUpdate('m:oa:3'));
    expect(api.callsOf('answerCallbackQuery')).toHaveLength(1);
    await bot.handleUpdate(callbackUpdate('m:oa:2'));
    const answers = api.callsOf('answerCallbackQuery');
    expect(answers).toHaveLength(2);
    expect(answers[1]!.params.text).toBe('handled');
  });

  it.each(['m:oa:0', 'm:oa:abc', 'garbage', 'a:o:5', 'm:oa:99999999999'])(
    'answers malformed or foreign callback %s as stale and does nothing else',
    async (data) => {
      const bot = testBot();
      await bot.handleUpdate(callbackUpdate(data));
      expect(api.calls.map((c) => c.method)).toEqual(['answerCallbackQuery']);
      expect(api.calls[0]!.params.text).toBe(STALE_TEXT);
    },
  );

  it('safeEdit treats "message is not modified" as harmless but not other errors', async () => {
    const bot = testBot();
    api.failNext(
      'editMessageText',
      400,
      'Bad Request: message is not modified: specified new message content…',
    );
    await bot.handleUpdate(callbackUpdate('m:oa:4'));
    expect(api.callsOf('sendMessage')).toHaveLength(0);
    api.failNext('editMessageText', 400, 'Bad Request: message to edit not found');
    await bot.handleUpdate(callbackUpdate('m:oa:4'));
    expect(api.callsOf('sendMessage')).toHaveLength(0);
    api.failNext('editMessageText', 400, "Bad Request: can't parse entities");
    await bot.handleUpdate(callbackUpdate('m:oa:4'));
    expect(api.callsOf('sendMessage').map((c) => c.params.text)).toEqual([ERROR_TEXT]);
  });
});

describe('startBot', () => {
  let app: FastifyInstance;
  let running: RunningBot | undefined;
  const SECRET = 'secret-secret-secret';

  beforeEach(() => {
    app = Fastify();
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await app.close();
  });

  it('webhook: sets the webhook with the secret; 401 without or with a wrong secret; 200 and handled with it', async () => {
    const bot = testBot();
    running = await startBot(bot, {
      mode: 'webhook',
      logger,
      app,
      webhookUrl: 'https://bots.example.com/tg/master',
      secret: SECRET,
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    expect(running.path).toBe('/tg/master');
    const set = api.callsOf('setWebhook')[0]!;
    expect(set.params).toEqual(
      expect.objectContaining({ url: 'https://bots.example.com/tg/master', secret_token: SECRET }),
    );

    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${base}/tg/master`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    expect((await post({}, textUpdate('hi'))).status).toBe(401);
    expect((await post({ 'x-telegram-bot-api-secret-token': 'wrong' }, textUpdate('hi'))).status).toBe(401);
    expect((await post({ 'x-telegram-bot-api-secret-token': `${SECRET}x` }, textUpdate('hi'))).status).toBe(
      401,
    );
    expect(api.callsOf('sendMessage')).toHaveLength(0);

    expect((await post({ 'x-telegram-bot-api-secret-token': SECRET }, { nope: 1 })).status).toBe(400);
    const ok = await post({ 'x-telegram-bot-api-secret-token': SECRET }, textUpdate('hi'));
    expect(ok.status).toBe(200);
    const sent = await api.waitFor('sendMessage');
    expect(sent.params.text).toBe('hello');

    // Draining: in-flight updates finish, new ones are refused so Telegram retries elsewhere.
    await running.stop();
    expect((await post({ 'x-telegram-bot-api-secret-token': SECRET }, textUpdate('hi'))).status).toBe(503);
  });

  it('webhook: a bare origin gets the default path', async () => {
    const bot = testBot();
    running = await startBot(bot, {
      mode: 'webhook',
      logger,
      app,
      webhookUrl: 'https://bots.example.com',
      secret: SECRET,
    });
    expect(running.path).toBe('/telegram/webhook');
    expect(api.callsOf('setWebhook')[0]!.params.url).toBe('https://bots.example.com/telegram/webhook');
  });

  it('polling: returns without waiting for polling to end, handles updates, stops cleanly', async () => {
    const bot = testBot();
    bot.botInfo = undefined;
    running = await startBot(bot, { mode: 'polling', logger });
    expect(api.callsOf('getMe')).toHaveLength(1);
    await api.waitFor('deleteWebhook');
    api.push(textUpdate('hi'));
    const sent = await api.waitFor('sendMessage');
    expect(sent.params.text).toBe('hello');
    await running.stop();
    running = undefined;
  });
});
