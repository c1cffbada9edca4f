import { createLogger } from '@fs/observability';
import { FakeTelegram } from '@fs/testkit';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import { createBot, type RunningBot, safeEdit, staleCallbacks, startBot, WEBHOOK_BODY_LIMIT } from './bot';
import { action, callbackCodec, idArg } from './callback-data';
import { inlineKeyboard } from './keyboards';
import { privateOnly } from './private-only';

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
const OUTAGE_TEXT = 'outage text';
const PRIVATE_ONLY = 'private only';
const GROUP = -100_200;
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

/** Every handler that ran, in order (a refused group update must run none). */
let handled: string[] = [];
/** Set by a test to hold the `hi` handler until released. */
let gate: Promise<void> | null = null;

function testBot(): Telegraf {
  handled = [];
  gate = null;
  const bot = createBot(token, {
    apiRoot: fake.apiRoot,
    logger,
    errorText: ERROR_TEXT,
    outageText: OUTAGE_TEXT,
  });
  bot.botInfo = fake.botUser(token) as Telegraf['botInfo'];
  bot.use(privateOnly(PRIVATE_ONLY));
  bot.use((ctx, next) => {
    handled.push(ctx.updateType);
    return next();
  });
  bot.command('boom', () => {
    throw new Error('boom');
  });
  bot.command('redisdown', () => {
    // What ioredis throws for a command while the connection is down (fail-fast connection).
    throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
  });
  bot.command('pgdown', () => {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
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
  bot.hears('hi', async (ctx) => {
    if (gate) await gate;
    await ctx.reply('hello');
  });
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

  it('a handler failing because Redis or PostgreSQL is down gets the short outage reply, not the generic error', async () => {
    const bot = testBot();
    for (const cmd of ['/redisdown', '/pgdown']) {
      const { update } = await fake.userSendsText(token, USER, cmd);
      await bot.handleUpdate(update as unknown as Update);
    }
    expect(sentTexts()).toEqual([OUTAGE_TEXT, OUTAGE_TEXT]);
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

describe('privateOnly', () => {
  const MEMBER = { id: 7_100_002, first_name: 'M' };

  it('in a group: a command for this bot gets one refusal and no handler runs; chatter and other bots’ commands get nothing', async () => {
    const bot = testBot();
    const username = fake.botUser(token).username;
    for (const text of [
      '/start',
      `/start@${username}`,
      '/start ABCD2345',
      'ABCD2345',
      'hi',
      '/start@other_bot',
    ]) {
      const { update } = await fake.userSendsText(token, MEMBER, text, { chatId: GROUP });
      await bot.handleUpdate(update as unknown as Update);
    }
    expect(handled).toEqual([]);
    expect(fake.callsOf('sendMessage').map((c) => [c.params.chat_id, c.params.text])).toEqual([
      [GROUP, PRIVATE_ONLY],
      [GROUP, PRIVATE_ONLY],
      [GROUP, PRIVATE_ONLY],
    ]);
  });

  it('a button on a message in a group (e.g. a staff alert) is refused with an alert and handled by nothing', async () => {
    const bot = testBot();
    const alert = await bot.telegram.sendMessage(GROUP, 'alert', {
      reply_markup: offerKeyboard(2, { accept: 'A', decline: 'D' }),
    });
    fake.reset();
    const { update } = await fake.userPressesButton(token, MEMBER, {
      messageId: alert.message_id,
      data: 'm:oa:2',
      chatId: GROUP,
    });
    await bot.handleUpdate(update as unknown as Update);
    expect(handled).toEqual([]);
    expect(fake.callsOf('answerCallbackQuery').map((c) => c.params)).toEqual([
      expect.objectContaining({ text: PRIVATE_ONLY, show_alert: true }),
    ]);
    expect(sentTexts()).toEqual([]);
  });

  it('a channel post and the bot being added to a group run nothing and send nothing', async () => {
    const bot = testBot();
    const chat = { id: GROUP, type: 'supergroup', title: 'staff alerts' };
    const member = (status: string) => ({ user: fake.botUser(token), status });
    await bot.handleUpdate({
      update_id: 1,
      channel_post: {
        message_id: 1,
        date: 0,
        chat: { id: -100_300, type: 'channel', title: 'c' },
        text: '/start',
      },
    } as unknown as Update);
    await bot.handleUpdate({
      update_id: 2,
      my_chat_member: {
        chat,
        from: MEMBER,
        date: 0,
        old_chat_member: member('left'),
        new_chat_member: member('member'),
      },
    } as unknown as Update);
    expect(handled).toEqual([]);
    expect(fake.calls.filter((c) => c.method !== 'getMe')).toEqual([]);
  });

  it('private chats pass', async () => {
    const bot = testBot();
    const { update } = await fake.userSendsText(token, USER, 'hi');
    await bot.handleUpdate(update as unknown as Update);
    expect(handled).toEqual(['message']);
    expect(sentTexts()).toEqual(['hello']);
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

  describe('webhook hardening', () => {
    let base: string;
    const hi = (id: number) => ({
      update_id: id,
      message: { message_id: id, date: 0, chat: { id: USER.id, type: 'private' }, from: USER, text: 'hi' },
    });
    const postRaw = (headers: Record<string, string>, body: string) =>
      fetch(`${base}/tg/master`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });

    beforeEach(async () => {
      running = await startBot(testBot(), {
        mode: 'webhook',
        logger,
        app,
        webhookUrl: 'https://bots.example.com/tg/master',
        secret: SECRET,
      });
      base = await app.listen({ port: 0, host: '127.0.0.1' });
    });

    it('the secret is checked before the body is parsed: a malformed or huge body without it is 401, never 400/413', async () => {
      expect((await postRaw({}, '{not json')).status).toBe(401);
      expect((await postRaw({}, `{"x":"${'a'.repeat(2 * WEBHOOK_BODY_LIMIT)}"}`)).status).toBe(401);
      // With the secret, the same bodies are refused by the parser and the size cap.
      const auth = { 'x-telegram-bot-api-secret-token': SECRET };
      expect((await postRaw(auth, '{not json')).status).toBe(400);
      expect((await postRaw(auth, `{"x":"${'a'.repeat(2 * WEBHOOK_BODY_LIMIT)}"}`)).status).toBe(413);
      await running!.idle();
      expect(handled).toEqual([]);
    });

    it('an update is acknowledged only after it was handled (a process dying mid-update gets it redelivered)', async () => {
      let release!: () => void;
      gate = new Promise<void>((r) => {
        release = r;
      });
      let acknowledged = false;
      const response = postRaw({ 'x-telegram-bot-api-secret-token': SECRET }, JSON.stringify(hi(500))).then(
        (r) => {
          acknowledged = true;
          return r.status;
        },
      );
      await until(() => handled.length === 1);
      // The handler is running and has not finished: Telegram must not have its 200 yet.
      await new Promise((r) => setTimeout(r, 200));
      expect(acknowledged).toBe(false);
      release();
      expect(await response).toBe(200);
      expect(sentTexts()).toEqual(['hello']);
    });
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
