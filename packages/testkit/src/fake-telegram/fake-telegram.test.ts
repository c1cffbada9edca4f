import Fastify, { type FastifyInstance } from 'fastify';
import { Markup, Telegraf, Telegram, TelegramError } from 'telegraf';
import { message } from 'telegraf/filters';
import type { Update } from 'telegraf/types';
import { createTestDatabase, type TestDatabase } from '../database';
import { createCity, createMaster, createOrder, createStaff, getCity } from '../factories';
import { FakeTelegram, TINY_JPEG } from './fake-telegram';
import { parseHtml } from './html';
import type { ChatEvent, ScriptedError, TgMessage } from './types';

const USER = { id: 5_550_001, first_name: 'Пётр', username: 'petr_master' };
const OTHER = { id: 5_550_002, first_name: 'Анна' };

let fake: FakeTelegram;
let apiRoot: string;

beforeAll(async () => {
  fake = new FakeTelegram();
  apiRoot = await fake.start();
});

afterAll(async () => {
  await fake?.stop();
});

beforeEach(() => fake.reset());

async function telegramError(promise: Promise<unknown>): Promise<TelegramError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TelegramError) return err;
    throw err;
  }
  throw new Error('expected a TelegramError');
}

function client(token = fake.createBot()): { token: string; tg: Telegram } {
  return { token, tg: new Telegram(token, { apiRoot }) };
}

describe('Bot API basics through telegraf', () => {
  it('getMe answers for any <digits>:<secret> token, with a configurable identity', async () => {
    expect(await new Telegram('123456:anything', { apiRoot }).getMe()).toMatchObject({
      id: 123456,
      is_bot: true,
      username: 'bot123456',
    });
    const { token, tg } = client();
    fake.configureBot(token, { username: 'master_test_bot', first_name: 'Мастер' });
    expect(await tg.getMe()).toMatchObject({
      username: 'master_test_bot',
      first_name: 'Мастер',
      is_bot: true,
    });

    const bad = await telegramError(new Telegram('not-a-token', { apiRoot }).getMe());
    expect([bad.code, bad.description]).toEqual([401, 'Unauthorized']);
    const unknown = await telegramError(
      new Telegram('1:x', { apiRoot }).callApi('sendUnicorn' as 'getMe', {}),
    );
    expect([unknown.code, unknown.description]).toEqual([404, 'Not Found: method not found']);
  });

  it('sendMessage round-trips: params recorded, a realistic Message returned and stored in the chat', async () => {
    const { token, tg } = client();
    const keyboard = Markup.inlineKeyboard([[Markup.button.callback('Принять', 'offer:accept:42')]]);
    const first = await tg.sendMessage(USER.id, 'Новый заказ', keyboard);
    const second = await tg.sendMessage(USER.id, 'Ещё один');
    const elsewhere = await tg.sendMessage(OTHER.id, 'Другой чат');

    expect(first).toMatchObject({
      message_id: 1,
      from: { id: Number(token.split(':')[0]), is_bot: true },
      chat: { id: USER.id, type: 'private' },
      text: 'Новый заказ',
      reply_markup: { inline_keyboard: [[{ text: 'Принять', callback_data: 'offer:accept:42' }]] },
    });
    expect(Math.abs(first.date - Date.now() / 1000)).toBeLessThan(5);
    expect([second.message_id, elsewhere.message_id]).toEqual([2, 1]);

    const [call] = fake.callsOf('sendMessage', token);
    expect(call!.params).toMatchObject({
      chat_id: USER.id,
      text: 'Новый заказ',
      reply_markup: keyboard.reply_markup,
    });
    expect(call!.response).toEqual({ ok: true, result: first });
    expect(fake.sentMessages(token, USER.id).map((m) => m.text)).toEqual(['Новый заказ', 'Ещё один']);
    expect(fake.chat(token, USER.id).map((m) => m.message_id)).toEqual([1, 2]);
  });

  it('HTML is parsed like Telegram: tags become entities, unescaped < is refused', async () => {
    const { tg } = client();
    const m = await tg.sendMessage(
      USER.id,
      '<b>Заказ №42</b>\nАдрес: <i>ул. Ленина &amp; Ко</i> <a href="https://example.com/o/42">карта</a>\n',
      { parse_mode: 'HTML' },
    );
    expect(m.text).toBe('Заказ №42\nАдрес: ул. Ленина & Ко карта');
    expect(m.entities).toEqual([
      { type: 'bold', offset: 0, length: 9 },
      { type: 'italic', offset: 17, length: 15 },
      { type: 'text_link', offset: 33, length: 5, url: 'https://example.com/o/42' },
    ]);

    const err = await telegramError(tg.sendMessage(USER.id, 'цена < 100', { parse_mode: 'HTML' }));
    expect([err.code, err.description]).toEqual([
      400,
      `Bad Request: can't parse entities: Unsupported start tag "" at byte offset 9`,
    ]);
    const unclosed = await telegramError(tg.sendMessage(USER.id, '<b>жирный', { parse_mode: 'HTML' }));
    expect(unclosed.description).toBe(
      `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
    );
    const longData = Markup.inlineKeyboard([Markup.button.callback('x', 'y'.repeat(65))]);
    expect((await telegramError(tg.sendMessage(USER.id, 'x', longData))).description).toBe(
      'Bad Request: BUTTON_DATA_INVALID',
    );
    expect((await telegramError(tg.sendMessage(USER.id, '   '))).description).toBe(
      'Bad Request: message text is empty',
    );
  });

  it('edits update the stored message; identical edits and unknown ids fail like Telegram', async () => {
    const { token, tg } = client();
    const keyboard = Markup.inlineKeyboard([Markup.button.callback('Принять', 'a:1')]);
    const sent = await tg.sendMessage(USER.id, 'Предложение', keyboard);

    const same = await telegramError(
      tg.editMessageText(USER.id, sent.message_id, undefined, 'Предложение', keyboard),
    );
    expect(same.code).toBe(400);
    expect(same.description).toBe(
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
    const missing = await telegramError(tg.editMessageText(USER.id, 999, undefined, 'x'));
    expect([missing.code, missing.description]).toEqual([400, 'Bad Request: message to edit not found']);
    const sameMarkup = await telegramError(
      tg.editMessageReplyMarkup(USER.id, sent.message_id, undefined, keyboard.reply_markup),
    );
    expect(sameMarkup.description).toMatch(/^Bad Request: message is not modified/);

    const edited = await tg.editMessageText(USER.id, sent.message_id, undefined, 'Предложение истекло');
    expect(edited).toMatchObject({ message_id: sent.message_id, text: 'Предложение истекло' });
    expect(edited).not.toHaveProperty('reply_markup'); // an edit without reply_markup drops the keyboard
    expect(typeof (edited as TgMessage).edit_date).toBe('number');
    expect(fake.chat(token, USER.id)).toEqual([edited]);
    expect(fake.sentMessages(token, USER.id)[0]!.text).toBe('Предложение'); // the send, as it was answered

    await tg.editMessageReplyMarkup(USER.id, sent.message_id, undefined, keyboard.reply_markup);
    expect(fake.message(token, USER.id, sent.message_id)?.reply_markup).toEqual(keyboard.reply_markup);

    expect(await tg.deleteMessage(USER.id, sent.message_id)).toBe(true);
    expect(fake.chat(token, USER.id)).toEqual([]);
    const gone = await telegramError(tg.deleteMessage(USER.id, sent.message_id));
    expect(gone.description).toBe('Bad Request: message to delete not found');
  });

  it('photos and documents: multipart uploads are stored, reusable by file_id and downloadable', async () => {
    const { token, tg } = client();
    const photo = await tg.sendPhoto(USER.id, { source: TINY_JPEG, filename: 'act.jpg' }, { caption: 'Акт' });
    expect(photo.caption).toBe('Акт');
    expect(photo.photo).toHaveLength(2);
    const largest = photo.photo.at(-1)!;
    expect(largest).toMatchObject({ file_size: TINY_JPEG.length });
    const call = fake.callsOf('sendPhoto', token)[0]!;
    expect(call.params.photo.bytes.equals(TINY_JPEG)).toBe(true);
    expect(call.params.chat_id).toBe(USER.id); // decoded from the multipart string

    const link = await tg.getFileLink(largest.file_id);
    const downloaded = Buffer.from(await (await fetch(link)).arrayBuffer());
    expect(downloaded.equals(TINY_JPEG)).toBe(true);

    const again = await tg.sendPhoto(OTHER.id, largest.file_id);
    expect(again.photo.at(-1)!.file_unique_id).toBe(largest.file_unique_id);

    const keyboard = Markup.inlineKeyboard([Markup.button.callback('OK', 'ok')]);
    const doc = await tg.sendDocument(
      USER.id,
      { source: Buffer.from('a,b\n'), filename: 'report.csv' },
      keyboard,
    );
    expect(doc.document).toMatchObject({ file_name: 'report.csv', mime_type: 'text/csv', file_size: 4 });
    expect(doc.reply_markup).toEqual(keyboard.reply_markup);
    expect(fake.callsOf('sendDocument', token)[0]!.params.reply_markup).toEqual(keyboard.reply_markup);
    expect(fake.file(token, doc.document.file_id)?.bytes.toString()).toBe('a,b\n');

    const { message } = await fake.userSendsPhoto(token, USER, { caption: 'фото акта' });
    const file = await tg.getFile(message.photo!.at(-1)!.file_id);
    expect(file.file_path).toMatch(/^photos\/file_\d+\.jpg$/);

    const { message: stickerMessage } = await fake.userSendsSticker(token, USER, { emoji: '👍' });
    expect(stickerMessage.sticker).toMatchObject({ emoji: '👍', type: 'regular', width: 512, height: 512 });
    const sticker = await tg.getFile(stickerMessage.sticker!.file_id);
    expect(sticker.file_path).toMatch(/^stickers\/file_\d+\.webp$/);
    expect(stickerMessage.sticker!.file_id.startsWith('CAAC')).toBe(true);
    const stickerBytes = Buffer.from(
      await (await fetch(await tg.getFileLink(sticker.file_id))).arrayBuffer(),
    );
    expect(stickerBytes.subarray(8, 12).toString()).toBe('WEBP');

    const wrong = await telegramError(tg.sendPhoto(USER.id, 'no-such-file-id'));
    expect(wrong.description).toBe('Bad Request: wrong file identifier/HTTP URL specified');
  });

  it('onChatEvent reports messages of both sides, edits, deletions, reply keyboards and button answers', async () => {
    const { token, tg } = client();
    const events: ChatEvent[] = [];
    const unsubscribe = fake.onChatEvent((e) => events.push(e));
    const keyboard = Markup.inlineKeyboard([Markup.button.callback('Принять', 'a:1')]);
    const sent = await tg.sendMessage(USER.id, '<b>Заказ</b>', { parse_mode: 'HTML', ...keyboard });
    await tg.editMessageText(USER.id, sent.message_id, undefined, 'Заказ принят');
    await telegramError(tg.editMessageText(USER.id, sent.message_id, undefined, 'Заказ принят'));
    await tg.sendMessage(USER.id, 'Телефон?', Markup.keyboard([['📱 Поделиться']]).resize());
    const { message } = await fake.userSendsText(token, USER, 'привет');
    await tg.sendMessage(USER.id, 'Ещё', keyboard);
    const { callbackQueryId } = await fake.userPressesButton(token, USER, { messageId: 4, text: 'Принять' });
    await tg.answerCbQuery(callbackQueryId, 'Готово', { show_alert: true });
    await tg.deleteMessage(USER.id, message.message_id);
    await tg.sendMessage(USER.id, 'Без клавиатуры', Markup.removeKeyboard());
    await tg.sendMessage(OTHER.id, 'Другому');
    unsubscribe();
    await tg.sendMessage(USER.id, 'после отписки');

    const brief = events.map((e) => {
      expect(e.token).toBe(token);
      switch (e.type) {
        case 'message':
        case 'edit':
          return `${e.chatId} ${e.type} ${e.message.message_id} ${e.message.text}`;
        case 'delete':
          return `${e.chatId} delete ${e.messageId}`;
        case 'keyboard':
          return `${e.chatId} keyboard ${
            e.keyboard
              ? e.keyboard.keyboard
                  .flat()
                  .map((b) => b.text)
                  .join('|')
              : 'none'
          }`;
        default:
          return `${e.chatId} answer ${e.callbackQueryId === callbackQueryId} ${e.text} ${e.showAlert}`;
      }
    });
    expect(brief).toEqual([
      `${USER.id} message 1 Заказ`,
      `${USER.id} edit 1 Заказ принят`,
      `${USER.id} message 2 Телефон?`,
      `${USER.id} keyboard 📱 Поделиться`,
      `${USER.id} message 3 привет`,
      `${USER.id} message 4 Ещё`,
      `${USER.id} answer true Готово true`,
      `${USER.id} delete 3`,
      `${USER.id} message 5 Без клавиатуры`,
      `${USER.id} keyboard none`,
      `${OTHER.id} message 1 Другому`,
    ]);
    const first = events[0] as Extract<ChatEvent, { type: 'message' }>;
    expect(first.message.entities).toEqual([{ type: 'bold', offset: 0, length: 5 }]);
  });

  it('webhook settings and commands are kept per bot', async () => {
    const { tg } = client();
    await tg.setMyCommands([{ command: 'start', description: 'Начать' }]);
    expect(await tg.getMyCommands()).toEqual([{ command: 'start', description: 'Начать' }]);
    expect(await tg.setWebhook('https://bots.example.com/hook', { secret_token: 's3cret' })).toBe(true);
    expect(await tg.getWebhookInfo()).toMatchObject({
      url: 'https://bots.example.com/hook',
      pending_update_count: 0,
    });
    const conflict = await telegramError(tg.callApi('getUpdates', {}));
    expect(conflict.code).toBe(409);
    await tg.deleteWebhook();
    expect((await tg.getWebhookInfo()).url).toBe('');
    expect(await tg.sendChatAction(USER.id, 'typing')).toBe(true);
  });
});

describe('parseHtml (cases from tdlib)', () => {
  it.each([
    ['🏟 🏟&lt;<abacaba', 'Unclosed start tag at byte offset 13'],
    ['🏟 🏟&lt;<abac aba>', 'Unsupported start tag "abac" at byte offset 13'],
    [
      '🏟 🏟&lt;<i    aba>',
      'Expected equal sign in declaration of an attribute of the tag "i" at byte offset 13',
    ],
    ['🏟 🏟&lt;<i    aba  =  190azAz-.,', 'Unexpected end of name token at byte offset 27'],
    ['🏟 🏟&lt;<b></b></', 'Unexpected end tag at byte offset 20'],
    ['🏟 🏟&lt;<i>a</i   ', 'Unclosed end tag at byte offset 17'],
    ['🏟 🏟&lt;<i>a</em   >', 'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"'],
    ['<span>x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
  ])('%s → %s', (html, error) => {
    expect(() => parseHtml(html)).toThrow(error);
  });

  it('decodes entities and builds entities in UTF-16 offsets', () => {
    expect(parseHtml('&lt;&gt;&amp;&quot;&laquo;&raquo;&#12345678;').text).toBe(
      '<>&"&laquo;&raquo;&#12345678;',
    );
    expect(parseHtml('🏟 🏟<i>🏟 &lt🏟</i>')).toEqual({
      text: '🏟 🏟🏟 <🏟',
      entities: [{ type: 'italic', offset: 5, length: 6 }],
    });
    expect(parseHtml('<a href=telegram.org> </a>').entities).toEqual([
      { type: 'text_link', offset: 0, length: 1, url: 'http://telegram.org/' },
    ]);
    expect(parseHtml('🏟 🏟&lt;<pre><code class="language-fift">🏟 🏟&lt;</></>').entities).toEqual([
      { type: 'pre', offset: 6, length: 6, language: 'fift' },
    ]);
    expect(parseHtml('<blockquote expandable>x</blockquote>').entities).toEqual([
      { type: 'expandable_blockquote', offset: 0, length: 1 },
    ]);
  });
});

describe('long polling', () => {
  it('getUpdates waits for an update, honours offset and limit, and a newer poll terminates an older one', async () => {
    const { token, tg } = client();
    const started = Date.now();
    const poll = tg.callApi('getUpdates', { timeout: 10, offset: 0 });
    while (!fake.isPolling(token)) await new Promise((r) => setTimeout(r, 2));
    const { update } = await fake.userSendsText(token, USER, 'привет');
    const got = await poll;
    expect(got).toEqual([update]);
    expect(Date.now() - started).toBeLessThan(5000);

    // Unconfirmed updates come again until an offset confirms them.
    expect(await tg.callApi('getUpdates', { offset: 0 })).toEqual([update]);
    expect(await tg.callApi('getUpdates', { offset: update.update_id + 1 })).toEqual([]);
    expect(fake.pendingUpdates(token)).toEqual([]);

    for (const text of ['1', '2', '3']) await fake.userSendsText(token, USER, text);
    const limited = await tg.callApi('getUpdates', { limit: 2 });
    expect(limited.map((u) => ('message' in u && 'text' in u.message ? u.message.text : ''))).toEqual([
      '1',
      '2',
    ]);
    await tg.callApi('getUpdates', { offset: -1 });
    expect(fake.pendingUpdates(token)).toHaveLength(1);
    await tg.callApi('getUpdates', { offset: fake.pendingUpdates(token)[0]!.update_id + 1 });

    const emptyStarted = Date.now();
    expect(await tg.callApi('getUpdates', { timeout: 0.2 })).toEqual([]);
    expect(Date.now() - emptyStarted).toBeGreaterThanOrEqual(150);

    const older = telegramError(tg.callApi('getUpdates', { timeout: 10 }));
    while (!fake.isPolling(token)) await new Promise((r) => setTimeout(r, 2));
    const newer = tg.callApi('getUpdates', { timeout: 0 });
    const conflict = await older;
    expect([conflict.code, conflict.description]).toEqual([
      409,
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    ]);
    expect(await newer).toEqual([]);
  });

  it('a telegraf bot launched in polling mode receives a command and a button press and replies', async () => {
    const token = fake.createBot({ username: 'poll_test_bot' });
    const bot = new Telegraf(token, { telegram: { apiRoot } });
    bot.start((ctx) =>
      ctx.reply(`Привет, <b>${ctx.from.first_name}</b>!`, {
        parse_mode: 'HTML',
        ...Markup.inlineKeyboard([Markup.button.callback('Принять', 'offer:accept:42')]),
      }),
    );
    bot.action(/^offer:accept:(\d+)$/, async (ctx) => {
      await ctx.answerCbQuery('Принято');
      await ctx.editMessageText(`Заказ ${ctx.match[1]} ваш`);
    });
    const stopped = bot.launch();

    await fake.userSendsText(token, USER, '/start');
    const sent = await fake.waitFor((c) => c.token === token && c.method === 'sendMessage');
    expect(sent.params).toMatchObject({ chat_id: USER.id, parse_mode: 'HTML' });
    const greeting = sent.response?.ok ? (sent.response.result as TgMessage) : undefined;
    expect(greeting?.text).toBe('Привет, Пётр!');

    const press = await fake.userPressesButton(token, USER, {
      messageId: greeting!.message_id,
      text: 'Принять',
    });
    expect(press.callbackQuery.message?.message_id).toBe(greeting!.message_id);
    const answer = await fake.waitFor(
      (c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === press.callbackQueryId,
    );
    expect(answer.params.text).toBe('Принято');
    await fake.waitFor((c) => c.method === 'editMessageText' && c.response?.ok === true);
    expect(fake.chat(token, USER.id).map((m) => m.text)).toEqual(['/start', 'Заказ 42 ваш']);
    expect(fake.callsOf('deleteWebhook', token)).toHaveLength(1);

    bot.stop('test');
    await stopped;
  });
});

describe('webhook mode', () => {
  const SECRET = 'webhook-secret_123';
  let app: FastifyInstance;
  let bot: Telegraf;
  let replyBot: Telegraf;
  let token: string;
  let replyToken: string;

  beforeAll(async () => {
    token = fake.createBot();
    replyToken = fake.createBot();
    bot = new Telegraf(token, { telegram: { apiRoot, webhookReply: false } });
    bot.on(message('text'), (ctx) => ctx.reply(`Вы написали: ${ctx.message.text}`));
    // A bot with telegraf's default webhookReply answers in the HTTP response body.
    replyBot = new Telegraf(replyToken, { telegram: { apiRoot } });
    replyBot.on('callback_query', (ctx) => ctx.answerCbQuery('Готово'));
    replyBot.command('start', (ctx) =>
      ctx.reply('Меню', Markup.inlineKeyboard([Markup.button.callback('Ок', 'ok')])),
    );

    app = Fastify();
    for (const [path, b] of [
      ['/tg/main', bot],
      ['/tg/reply', replyBot],
    ] as const) {
      app.post(path, async (req, reply) => {
        if (req.headers['x-telegram-bot-api-secret-token'] !== SECRET) return reply.code(401).send();
        reply.hijack();
        await b.handleUpdate(req.body as Update, reply.raw);
        if (!reply.raw.writableEnded) reply.raw.end();
      });
    }
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    fake.mapWebhookUrl('https://bots.example.com', `http://127.0.0.1:${port}`);
    await bot.telegram.setWebhook('https://bots.example.com/tg/main', { secret_token: SECRET });
    await replyBot.telegram.setWebhook('https://bots.example.com/tg/reply', { secret_token: SECRET });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('delivers an injected update to the webhook with the secret token; the reply is recorded', async () => {
    expect(fake.webhook(token)).toEqual({ url: 'https://bots.example.com/tg/main', secretToken: SECRET });
    const pushed = await fake.userSendsText(token, USER, 'привет');
    expect([pushed.via, pushed.status]).toEqual(['webhook', 200]);
    expect(fake.sentMessages(token, USER.id).map((m) => m.text)).toEqual(['Вы написали: привет']);
    expect(fake.pendingUpdates(token)).toEqual([]);
  });

  it('runs a method the bot returned in the webhook response (webhookReply)', async () => {
    await fake.userSendsText(replyToken, USER, '/start');
    const menu = fake.sentMessages(replyToken, USER.id)[0]!;
    const press = await fake.userPressesButton(replyToken, USER, { messageId: menu.message_id, data: 'ok' });
    expect(press.status).toBe(200);
    const [answer] = fake.callsOf('answerCallbackQuery', replyToken);
    expect(answer!.params).toMatchObject({ callback_query_id: press.callbackQueryId, text: 'Готово' });
    expect(answer!.response).toEqual({ ok: true, result: true });
  });

  it('records the webhook failure in getWebhookInfo', async () => {
    const other = fake.createBot();
    const tg = new Telegram(other, { apiRoot });
    await tg.setWebhook('https://bots.example.com/tg/main', { secret_token: 'wrong' });
    expect((await fake.userSendsText(other, USER, 'x')).status).toBe(401);
    expect((await tg.getWebhookInfo()).last_error_message).toBe(
      'Wrong response from the webhook: 401 Unauthorized',
    );
  });

  it('refuses to press a button that the message does not have', async () => {
    await fake.userSendsText(replyToken, OTHER, '/start');
    const menu = fake.sentMessages(replyToken, OTHER.id)[0]!;
    await expect(
      fake.userPressesButton(replyToken, OTHER, { messageId: menu.message_id, data: 'nope' }),
    ).rejects.toThrow(/no callback button with data "nope".*"Ок" \(ok\)/);
    await expect(fake.userPressesButton(replyToken, OTHER, { messageId: 999, data: 'ok' })).rejects.toThrow(
      /no bot message 999/,
    );
  });
});

describe('scripted failures', () => {
  const cases: Array<[ScriptedError, number, string, number | undefined]> = [
    [{ kind: 'rate_limit', retryAfter: 7 }, 429, 'Too Many Requests: retry after 7', 7],
    [{ kind: 'blocked' }, 403, 'Forbidden: bot was blocked by the user', undefined],
    [{ kind: 'chat_not_found' }, 400, 'Bad Request: chat not found', undefined],
    [{ kind: 'deactivated' }, 403, 'Forbidden: user is deactivated', undefined],
    [{ kind: 'cant_initiate' }, 403, "Forbidden: bot can't initiate conversation with a user", undefined],
    [{ kind: 'server_error' }, 500, 'Internal Server Error', undefined],
    [{ kind: 'server_error', code: 502 }, 502, 'Bad Gateway', undefined],
    [{ kind: 'bad_request', description: 'PEER_ID_INVALID' }, 400, 'Bad Request: PEER_ID_INVALID', undefined],
  ];

  it.each(cases)('%j → %i %s', async (error, code, description, retryAfter) => {
    const { token, tg } = client();
    fake.failNext({ method: 'sendMessage', chatId: USER.id, error });
    const err = await telegramError(tg.sendMessage(USER.id, 'x'));
    expect([err.code, err.description]).toEqual([code, description]);
    expect(err.parameters?.retry_after).toBe(retryAfter);
    expect(fake.callsOf('sendMessage', token)[0]!.response).toMatchObject({ ok: false, error_code: code });
    // One-shot: the next send goes through and the failed one left nothing in the chat.
    await tg.sendMessage(USER.id, 'y');
    expect(fake.chat(token, USER.id).map((m) => m.text)).toEqual(['y']);
  });

  it('matches by chat, method list, token and count; a network failure resets the connection', async () => {
    const { token, tg } = client();
    const cancel = fake.failNext({ chatId: OTHER.id, times: 2, error: { kind: 'blocked' } });
    await tg.sendMessage(USER.id, 'ok'); // another chat
    expect((await telegramError(tg.sendMessage(OTHER.id, 'a'))).code).toBe(403);
    expect((await telegramError(tg.sendChatAction(OTHER.id, 'typing'))).code).toBe(403);
    await tg.sendMessage(OTHER.id, 'b');
    cancel();

    fake.failNext({ method: ['editMessageText', 'deleteMessage'], token, error: { kind: 'server_error' } });
    await tg.sendMessage(USER.id, 'not an edit');
    expect((await telegramError(tg.deleteMessage(USER.id, 1))).code).toBe(500);

    fake.failNext({ method: 'sendMessage', error: { kind: 'network' } });
    await expect(tg.sendMessage(USER.id, 'lost')).rejects.toMatchObject({ name: 'FetchError' });
    expect(fake.callsOf('sendMessage', token).at(-1)!.response).toBeNull();
  });
});

describe('rate limit and latency', () => {
  it('answers 429 with retry_after above N sends per second per token (token bucket)', async () => {
    const { token, tg } = client();
    fake.setRateLimit({ perSecond: 5, retryAfter: 3 });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => tg.sendMessage(1000 + i, 'x')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as TelegramError] : []));
    expect(rejected.map((e) => [e.code, e.description, e.parameters?.retry_after])).toEqual(
      Array(3).fill([429, 'Too Many Requests: retry after 3', 3]),
    );
    expect(await tg.sendChatAction(1000, 'typing')).toBe(true); // not metered
    await client().tg.sendMessage(1000, 'x'); // another token has its own window
    expect(fake.callsOf('sendMessage', token)).toHaveLength(8);

    // A token bucket: `burst` at once, then `perSecond` (here one every 2 s).
    fake.setRateLimit({ perSecond: 0.5, burst: 3 });
    const burst = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => tg.sendMessage(2000 + i, 'x')),
    );
    expect(burst.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 2100));
    await tg.sendMessage(2000, 'refilled');

    fake.setRateLimit({ perSecond: 100, perChatPerSecond: 1 });
    await tg.sendMessage(USER.id, 'first');
    expect((await telegramError(tg.sendMessage(USER.id, 'second'))).code).toBe(429);
    await tg.sendMessage(OTHER.id, 'other chat');
  });

  it('adds latency', async () => {
    const { tg } = client();
    fake.setLatency(60);
    const started = Date.now();
    await tg.getMe();
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('answerLate delivers at once and answers after the delay', async () => {
    const { token, tg } = client();
    fake.answerLate({ method: 'sendMessage', chatId: USER.id, ms: 300 });
    const started = Date.now();
    const sending = tg.sendMessage(USER.id, 'медленно');
    const call = await fake.waitFor((c) => c.token === token && c.method === 'sendMessage', 2000);
    expect(call.response).toMatchObject({ ok: true });
    const sent = await sending;
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(sent.message_id).toBe((call.response as { result: { message_id: number } }).result.message_id);
    // Only the next matching call was slow.
    const again = Date.now();
    await tg.sendMessage(USER.id, 'быстро');
    expect(Date.now() - again).toBeLessThan(290);
  });

  it('waitFor resolves on matching calls and explains a timeout', async () => {
    const { token, tg } = client();
    const two = fake.waitForCalls((c) => c.token === token && c.method === 'sendMessage', 2, 2000);
    await tg.sendMessage(USER.id, 'a');
    await tg.sendMessage(USER.id, 'b');
    expect((await two).map((c) => c.params.text)).toEqual(['a', 'b']);
    await expect(fake.waitFor((c) => c.method === 'sendInvoice', 30)).rejects.toThrow(
      /0 of 1 expected call\(s\) within 30 ms\. Recorded: sendMessage×2; last: sendMessage chat=5550001 → ok/,
    );
  });
});

describe('factories', () => {
  let tdb: TestDatabase;

  beforeAll(async () => {
    tdb = await createTestDatabase({ poolSize: 2 });
  });

  afterAll(async () => {
    await tdb?.drop();
  });

  it('seeded cities, a master with districts and skills, staff, and an order with its history row', async () => {
    const { db } = tdb;
    const moscow = await getCity(db, 'Москва');
    expect(moscow.city.timezone).toBe('Europe/Moscow');
    expect(moscow.district('ЦАО').city_id).toBe(moscow.city.id);
    expect((await getCity(db, 'Новосибирск')).city.timezone).toBe('Asia/Novosibirsk');
    expect((await getCity(db, 'Владивосток')).city.timezone).toBe('Asia/Vladivostok');

    const { city, districts } = await createCity(db, {
      districts: ['Первый', 'Второй'],
      workingHoursStart: '09:00',
      workingHoursEnd: '21:00',
    });
    const master = await createMaster(db, {
      cityId: city.id,
      districtIds: [districts[0]!.id],
      skills: ['plumbing', 'electrics'],
      hasVehicle: true,
    });
    expect(master).toMatchObject({
      city_id: city.id,
      moderation_status: 'approved',
      verified: true,
      shift_status: 'on',
      has_vehicle: true,
      is_blocked: false,
    });
    const other = await createMaster(db, { approved: false, onShift: false });
    expect(other).toMatchObject({ city_id: moscow.city.id, moderation_status: 'pending', verified: false });
    expect(other.tg_user_id).not.toBe(master.tg_user_id);

    const links = await db
      .selectFrom('master_districts')
      .select('district_id')
      .where('master_id', '=', master.id)
      .execute();
    expect(links.map((l) => l.district_id)).toEqual([districts[0]!.id]);
    const skills = await db
      .selectFrom('master_skills')
      .select('skill_code')
      .where('master_id', '=', master.id)
      .execute();
    expect(skills.map((s) => s.skill_code).sort()).toEqual(['electrics', 'plumbing']);

    const staff = await createStaff(db, { role: 'city_admin', cityIds: [city.id] });
    expect(staff).toMatchObject({ role: 'city_admin', cityIds: [city.id], is_active: true });

    const order = await createOrder(db, {
      cityId: city.id,
      districtId: districts[0]!.id,
      category: 'plumbing',
      preferredMasterId: master.id,
      createdByStaffId: staff.id,
    });
    expect(order).toMatchObject({
      status: 'searching',
      category: 'plumbing',
      preferred_master_id: master.id,
    });
    const history = await db
      .selectFrom('order_status_history')
      .selectAll()
      .where('order_id', '=', order.id)
      .execute();
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ from_status: null, to_status: 'searching', actor_type: 'system' });

    const assigned = await createOrder(db, { status: 'assigned', assignedMasterId: master.id });
    expect(assigned).toMatchObject({
      status: 'assigned',
      assigned_master_id: master.id,
      city_id: moscow.city.id,
    });
    expect(assigned.assigned_at).toBeInstanceOf(Date);
  });
});
