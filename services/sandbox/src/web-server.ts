import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@fs/observability';
import type { ChatEvent, FakeSms, FakeSmsc, FakeTelegram, TestUser } from '@fs/testkit';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { guardWebAccess, type WebAccess } from './access';
import { type EventView, eventView, keyboardView, messageView } from './chat-view';
import { BOT_NAMES, type BotName, type People, type Person } from './people';
import { splitLongText } from './split-text';

export interface WebServerDeps {
  fake: FakeTelegram;
  /** The fake SMS provider: each client's SMS inbox. */
  sms: FakeSmsc;
  tokens: Record<BotName, string>;
  people: People;
  logger: Logger;
  /** Host/Origin checks and the per-run token (see access.ts). */
  access: WebAccess;
}

const WEB_DIR = path.join(__dirname, 'web');
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

const botName = z.enum(['admin', 'master', 'client']);
const userId = z.coerce.number().int().positive();
const chatQuery = z.object({ bot: botName, user: userId });
const sendBody = z.object({ bot: botName, user: userId, text: z.string() });
/** The stickers the page offers: one emoji each (the sticker's picture is a blank WebP). */
export const STICKER_EMOJI = ['👍', '😀', '😢', '🔥', '❤️', '🤔'] as const;
const stickerBody = z.object({ bot: botName, user: userId, emoji: z.enum(STICKER_EMOJI) });
const pressBody = z.object({
  bot: botName,
  user: userId,
  messageId: z.number().int().positive(),
  data: z.string().min(1).max(64),
});
const contactBody = z.object({ bot: botName, user: userId, phone: z.string().regex(/^\+?\d{10,15}$/) });
const uploadQuery = z.object({
  bot: botName,
  user: userId,
  kind: z.enum(['photo', 'document']),
  name: z.string().max(200).default('file'),
  caption: z.string().max(1024).optional(),
  width: z.coerce.number().int().min(1).max(20_000).optional(),
  height: z.coerce.number().int().min(1).max(20_000).optional(),
});
const fileQuery = z.object({ bot: botName, id: z.string().min(1).max(200) });
const smsQuery = z.object({ user: userId });

/** An SMS as the page shows it in a client's 📱 SMS tab. */
export interface SmsView {
  id: number;
  text: string;
  /** Unix seconds. */
  date: number;
  /** The client bot's deep link in the text (`t.me/<bot>?start=<token>`): the page opens it in the client bot. */
  startToken: string | null;
}

export function smsView(m: FakeSms): SmsView {
  const link = /t\.me\/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]+)/.exec(m.text);
  return { id: m.id, text: m.text, date: Math.floor(m.at.getTime() / 1000), startToken: link?.[1] ?? null };
}

/** A refusal the page shows to the visitor as is (Russian). */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new Refusal(400, 'Некорректный запрос.');
  return r.data;
}

/** The Telegram profile a person's messages carry (first word of the name, then the rest). */
function profile(p: Person): TestUser {
  const [first, ...rest] = p.fullName.trim().split(/\s+/);
  return {
    id: p.tgUserId,
    first_name: first || `User ${p.tgUserId}`,
    ...(rest.length > 0 ? { last_name: rest.join(' ') } : {}),
    ...(p.username ? { username: p.username } : {}),
  };
}

function imageType(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes.subarray(0, 4).toString('hex') === '89504e47') return 'image/png';
  if (bytes.subarray(0, 3).toString() === 'GIF') return 'image/gif';
  if (bytes.subarray(8, 12).toString() === 'WEBP') return 'image/webp';
  return 'application/octet-stream';
}

/**
 * The web chat: static page, a JSON API that acts as the chosen person (send text, press a
 * button, share a contact, upload a photo or file), and one SSE stream of every chat change.
 *
 * long-function: the web chat's route table, one route after another.
 */
export function createWebServer(deps: WebServerDeps): FastifyInstance {
  const { fake, sms, tokens, people, logger } = deps;
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 64 * 1024 });
  const botOf = new Map<string, BotName>(BOT_NAMES.map((b) => [tokens[b], b]));
  const botUserId = (bot: BotName) => fake.botUser(tokens[bot]).id;
  const streams = new Set<FastifyReply>();
  guardWebAccess(app, deps.access);

  app.addContentTypeParser(
    ['application/octet-stream', 'image/jpeg', 'image/png', 'image/gif', 'image/webp'],
    { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES },
    (_req, body, done) => done(null, body),
  );
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (err instanceof Refusal) return reply.code(err.status).send({ error: err.message });
    if (err.statusCode === 413) {
      const tooBig = req.url.startsWith('/api/upload')
        ? 'Файл слишком большой (до 20 МБ).'
        : 'Слишком длинное сообщение для песочницы.';
      return reply.code(413).send({ error: tooBig });
    }
    if (err.statusCode !== undefined && err.statusCode < 500)
      return reply.code(err.statusCode).send({ error: 'Некорректный запрос.' });
    logger.error({ err, url: req.url }, 'sandbox web request failed');
    return reply.code(500).send({ error: `Ошибка песочницы: ${err.message}` });
  });

  async function person(id: number): Promise<Person> {
    const p = await people.find(id);
    if (!p) throw new Refusal(404, 'Такого человека нет в списке.');
    return p;
  }

  for (const [url, { file, type }] of Object.entries(STATIC)) {
    // Read on every request: editing the page needs only a browser reload.
    app.get(url, async (_req, reply) => reply.type(type).send(await readFile(path.join(WEB_DIR, file))));
  }
  app.get('/health/live', async () => ({ status: 'ok' }));

  app.get('/api/state', async () => ({
    bots: Object.fromEntries(
      BOT_NAMES.map((b) => {
        const u = fake.botUser(tokens[b]);
        return [b, { id: u.id, name: u.first_name, username: u.username }];
      }),
    ),
    people: await people.list(),
    stickers: STICKER_EMOJI,
  }));

  app.post('/api/people', async () => people.addGuest());

  app.get('/api/chat', async (req) => {
    const { bot, user } = parse(chatQuery, req.query);
    const token = tokens[bot];
    return {
      messages: fake.chat(token, user).map((m) => messageView(bot, botUserId(bot), m)),
      keyboard: keyboardView(fake.replyKeyboard(token, user)),
    };
  });

  /** A client's SMS inbox (the fake provider's messages to their phone). */
  app.get('/api/sms', async (req) => {
    const { user } = parse(smsQuery, req.query);
    const p = await person(user);
    return { messages: p.phone ? sms.inbox(p.phone).map(smsView) : [] };
  });

  app.post('/api/send', async (req) => {
    const { bot, user, text } = parse(sendBody, req.body);
    const trimmed = text.trim();
    if (trimmed === '') throw new Refusal(400, 'Пустое сообщение.');
    const p = await person(user);
    // Over 4,096 characters a Telegram client sends several messages, one after another.
    const messageIds: number[] = [];
    for (const part of splitLongText(trimmed)) {
      const { message } = await fake.userSendsText(tokens[bot], profile(p), part);
      messageIds.push(message.message_id);
    }
    return { messageId: messageIds[0], messageIds };
  });

  app.post('/api/sticker', async (req) => {
    const { bot, user, emoji } = parse(stickerBody, req.body);
    const p = await person(user);
    const { message } = await fake.userSendsSticker(tokens[bot], profile(p), {
      emoji,
      setName: 'SandboxStickers',
    });
    return { messageId: message.message_id };
  });

  app.post('/api/press', async (req) => {
    const { bot, user, messageId, data } = parse(pressBody, req.body);
    const p = await person(user);
    try {
      await fake.userPressesButton(tokens[bot], profile(p), { messageId, data });
    } catch (err) {
      // The message was deleted or edited meanwhile (the fake checks the button exists).
      logger.debug({ err: String(err) }, 'button press refused');
      throw new Refusal(409, 'Этой кнопки больше нет: сообщение изменилось или удалено.');
    }
    return { ok: true };
  });

  app.post('/api/contact', async (req) => {
    const { bot, user, phone } = parse(contactBody, req.body);
    const p = await person(user);
    await fake.userSendsContact(tokens[bot], profile(p), { phoneNumber: phone });
    return { ok: true };
  });

  app.post('/api/upload', async (req) => {
    const q = parse(uploadQuery, req.query);
    const bytes = req.body;
    if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw new Refusal(400, 'Пустой файл.');
    const p = await person(q.user);
    const caption = q.caption?.trim() ? { caption: q.caption.trim() } : {};
    if (q.kind === 'photo') {
      await fake.userSendsPhoto(tokens[q.bot], profile(p), {
        bytes,
        ...caption,
        ...(q.width && q.height ? { width: q.width, height: q.height } : {}),
      });
    } else {
      await fake.userSendsDocument(tokens[q.bot], profile(p), {
        bytes,
        fileName: q.name,
        mimeType: req.headers['content-type'] ?? 'application/octet-stream',
        ...caption,
      });
    }
    return { ok: true };
  });

  app.get('/api/file', async (req, reply) => {
    const { bot, id } = parse(fileQuery, req.query);
    const file = fake.file(tokens[bot], id);
    if (!file) throw new Refusal(404, 'Файл не найден.');
    const image = imageType(file.bytes);
    reply.header('x-content-type-options', 'nosniff');
    if (image !== 'application/octet-stream') return reply.type(image).send(file.bytes);
    // Anything else is downloaded, never rendered by the page's origin.
    const name = encodeURIComponent(file.fileName ?? 'file');
    reply.header('content-disposition', `attachment; filename*=UTF-8''${name}`);
    return reply.type('application/octet-stream').send(file.bytes);
  });

  app.get('/api/events', (_req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
    });
    res.write('retry: 1000\n\n');
    const send = (view: EventView) => res.write(`data: ${JSON.stringify(view)}\n\n`);
    const unsubscribe = fake.onChatEvent((e: ChatEvent) => {
      const bot = botOf.get(e.token);
      if (bot) send(eventView(bot, botUserId(bot), e));
    });
    const unsubscribeSms = sms.onMessage((m) =>
      res.write(`data: ${JSON.stringify({ type: 'sms', phone: m.phone, sms: smsView(m) })}\n\n`),
    );
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    streams.add(reply);
    res.once('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      unsubscribeSms();
      streams.delete(reply);
    });
  });

  app.addHook('onClose', async () => {
    for (const s of streams) s.raw.end();
  });
  return app;
}
