import { createLogger } from '@fs/observability';
import { FakeTelegram } from '@fs/testkit';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import { createBot, type RunningBot, safeEdit, staleCallbacks, startBot } from './bot';
import { action, callbackCodec, idArg } from './callback-data';
import { inlineKeyboard } from './keyboards';

/** A bot's actions as the bots define theirs (the master bot's push buttons). */
const cb = callbackCodec('master', {
  offerAccept: action('m:oa', { offerId: idArg }),
  offerDecline: action('m:od', { offerId: idArg }),
});
const offerKeyboard = (offerId: number, labels: { accept: string; decline: string }) =>
  inlineKeyboard([
    [
      cb.button(labels.accept, 'offerAccept', { offerId }),
      cb.button(labels.decline, 'offerDecline', { offerId }),
    ],
  ]);

const ERROR_TEXT = 'error text';
const STALE_TEXT = 'stale text';
const USER = { id: 7_100_001, first_name: 'U' };
const logger = createLogger({ service: 'test', level: 'silent', pretty: false });

let fake: FakeTelegram;
let token: string;

beforeAll(async () => {
  fake = new FakeTelegram();
  await fake.start();
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => {
  fake.reset();
  token = fake.createBot();
});

function testBot(): Telegraf {
  const bot = createBot(token, { apiRoot: fake.apiRoot, logger, errorText: ERROR_TEXT });
  bot.botInfo = fake.botUser(token) as Telegraf['botInfo'];
  bot.command('boom', () => {
    throw new Error('boom');
  });
  bot.use(
    cb.on('offerAccept', async (ctx, { offerId }) => {
      if (offerId === 1) throw new Error('callback boom');
      if (offerId === 2) await ctx.answerCbQuery('handled');
      if (offerId === 4)
        await safeEdit(ctx, 'push', { reply_markup: offerKeyboard(4, { accept: 'A', decline: 'D' }) });
      // offerId 3: the handler forgets to answer
    }),
  );
  bot.hears('hi', (ctx) => ctx.reply('hello'));
  bot.use(staleCallbacks(STALE_TEXT));
  return bot;
}

/** A push with offer buttons in the user's chat; returns its message id. */
async function push(bot: Telegraf, offerId: number): Promise<number> {
  const m = await bot.telegram.sendMessage(USER.id, 'push', {
    reply_markup: offerKeyboard(offerId, { accept: 'A', decline: 'D' }),
  });
  fake.reset();
  return m.message_id;
}

async function press(bot: Telegraf, messageId: number, data: string) {
  const { update } = await fake.userPressesButton(token, USER, { messageId, data, unchecked: true });
  await bot.handleUpdate(update as unknown as Update);
}

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sentTexts = () => fake.callsOf('sendMessage').map((c) => c.params.text);

describe('createBot safety net', () => {
  it('a throwing command handler is logged and answered, never crashes', async () => {
    const bot = testBot();
    const { update } = await fake.userSendsText(token, USER, '/boom');
    await bot.handleUpdate(update as unknown as Update);
    expect(sentTexts()).toEqual([ERROR_TEXT]);
  });

  it('a throwing callback handler still answers the callback query and replies', async () => {
    const bot = testBot();
    await press(bot, await push(bot, 1), 'm:oa:1');
    expect(fake.callsOf('answerCallbackQuery')).toHaveLength(1);
    expect(sentTexts()).toEqual([ERROR_TEXT]);
  });

  it('answers a callback the handler forgot, and exactly once when it did answer', async () => {
    const bot = testBot();
    await press(bot, await push(bot, 3), 'm:oa:3');
    await press(bot, await push(bot, 2), 'm:oa:2');
    const answers = fake.callsOf('answerCallbackQuery');
    expect(answers.map((c) => c.response?.ok)).toEqual([true]);
    expect(answers[0]!.params.text).toBe('handled');
  });

  it.each(['m:oa:0', 'm:oa:abc', 'garbage', 'a:o:5', 'm:oa:99999999999'])(
    'answers malformed or foreign callback %s as stale and does nothing else',
    async (data) => {
      const bot = testBot();
      await press(bot, await push(bot, 5), data);
      expect(fake.calls.map((c) => c.method)).toEqual(['answerCallbackQuery']);
      expect(fake.calls[0]!.params.text).toBe(STALE_TEXT);
    },
  );

  it('safeEdit treats "message is not modified" and "message to edit not found" as harmless, not other errors', async () => {
    const bot = testBot();
    const id = await push(bot, 4);
    await press(bot, id, 'm:oa:4'); // same text and keyboard: Telegram says "not modified"
    expect(fake.callsOf('editMessageText')[0]!.response).toMatchObject({ ok: false, error_code: 400 });
    fake.failNext({
      method: 'editMessageText',
      error: { kind: 'bad_request', description: 'message to edit not found' },
    });
    await press(bot, id, 'm:oa:4');
    expect(sentTexts()).toEqual([]);
    fake.failNext({
      method: 'editMessageText',
      error: { kind: 'bad_request', description: "can't parse entities" },
    });
    await press(bot, id, 'm:oa:4');
    expect(sentTexts()).toEqual([ERROR_TEXT]);
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
    expect(fake.webhook(token)).toEqual({ url: 'https://bots.example.com/tg/master', secretToken: SECRET });

    // Telegram's deliveries to the public URL reach the test app.
    fake.mapWebhookUrl('https://bots.example.com', base);

    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${base}/tg/master`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const hi = {
      update_id: 999,
      message: { message_id: 1, date: 0, chat: { id: USER.id, type: 'private' }, from: USER, text: 'hi' },
    };
    expect((await post({}, hi)).status).toBe(401);
    expect((await post({ 'x-telegram-bot-api-secret-token': 'wrong' }, hi)).status).toBe(401);
    expect((await post({ 'x-telegram-bot-api-secret-token': `${SECRET}x` }, hi)).status).toBe(401);
    expect((await post({ 'x-telegram-bot-api-secret-token': SECRET }, { nope: 1 })).status).toBe(400);
    await running.idle();
    expect(sentTexts()).toEqual([]);

    // Telegram's own delivery (with the secret header) is accepted and handled.
    const pushed = await fake.userSendsText(token, USER, 'hi');
    expect(pushed).toMatchObject({ via: 'webhook', status: 200 });
    const sent = await fake.waitFor((c) => c.method === 'sendMessage');
    expect(sent.params.text).toBe('hello');

    // Draining: in-flight updates finish, new ones are refused so Telegram retries elsewhere.
    await running.stop();
    expect((await fake.userSendsText(token, USER, 'hi')).status).toBe(503);
  });

  it('webhook: a bare origin gets the default path', async () => {
    running = await startBot(testBot(), {
      mode: 'webhook',
      logger,
      app,
      webhookUrl: 'https://bots.example.com',
      secret: SECRET,
    });
    expect(running.path).toBe('/telegram/webhook');
    expect(fake.webhook(token)?.url).toBe('https://bots.example.com/telegram/webhook');
  });

  it('polling: returns without waiting for polling to end, handles updates, stops cleanly', async () => {
    const bot = testBot();
    bot.botInfo = undefined;
    running = await startBot(bot, { mode: 'polling', logger });
    expect(fake.callsOf('getMe')).toHaveLength(1);
    await until(() => fake.isPolling(token));
    await fake.userSendsText(token, USER, 'hi');
    const sent = await fake.waitFor((c) => c.method === 'sendMessage');
    expect(sent.params.text).toBe('hello');
    await running.stop();
    running = undefined;
    expect(fake.isPolling(token)).toBe(false);
  });
});
