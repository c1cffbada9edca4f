import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { BotState } from './bot-state';
import { ApiError, DESCRIPTIONS, scriptedAnswer, tooManyRequests } from './errors';
import { Described, int, isSendMethod, METHOD_INDEX, type MethodHandler } from './methods';
import type {
  ApiResponse,
  BotIdentity,
  ChatEvent,
  FailRule,
  FakeCall,
  Params,
  PushResult,
  RateLimit,
  ScriptedError,
  TestUser,
  TgCallbackQuery,
  TgLocation,
  TgMessage,
  TgReplyKeyboard,
  TgSticker,
  TgUpdate,
  TgUser,
} from './types';

export interface FakeTelegramOptions {
  /** How long one webhook delivery may take (default 10 s). */
  webhookTimeoutMs?: number;
}

type Outcome = { status: number; body: ApiResponse; raw?: string } | 'network' | 'hang';

interface ActiveRule {
  token?: string;
  methods?: Set<string>;
  chatId?: string;
  remaining: number;
  error: ScriptedError;
}

// Form, query and multipart values arrive as strings; Telegram decodes these fields.
const FORM_JSON_FIELDS = new Set([
  'reply_markup',
  'entities',
  'caption_entities',
  'allowed_updates',
  'commands',
  'scope',
  'link_preview_options',
  'reply_parameters',
  'media',
  'results',
  'menu_button',
]);
const FORM_INT_FIELDS = new Set([
  'chat_id',
  'from_chat_id',
  'message_id',
  'reply_to_message_id',
  'message_thread_id',
  'offset',
  'limit',
  'timeout',
  'cache_time',
  'max_connections',
  'user_id',
]);
const FORM_BOOL_FIELDS = new Set([
  'disable_notification',
  'protect_content',
  'show_alert',
  'drop_pending_updates',
  'disable_web_page_preview',
  'allow_sending_without_reply',
  'has_spoiler',
  'disable_content_type_detection',
]);

function normalizeForm(fields: Record<string, unknown>): Params {
  const out: Params = {};
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value !== 'string') {
      out[key] = value;
    } else if (FORM_JSON_FIELDS.has(key) && /^\s*[[{]/.test(value)) {
      try {
        out[key] = JSON.parse(value);
      } catch {
        out[key] = value;
      }
    } else if (FORM_INT_FIELDS.has(key) && /^-?\d+$/.test(value)) {
      out[key] = Number(value);
    } else if (FORM_BOOL_FIELDS.has(key) && (value === 'true' || value === 'false')) {
      out[key] = value === 'true';
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * Telegram's flood control as a token bucket: `perSecond` tokens a second, at most `burst` saved
 * up; a metered call takes one or is answered 429. Telegram does not publish its algorithm (the
 * Bot FAQ: bulk sends "not more than 30 messages per second or so"; per chat "we may allow short
 * bursts that go over this limit"). A bucket holds a sender to the rate over any longer stretch
 * yet tolerates the jitter every real network adds, which a strict sliding second does not: a
 * send 30/s paced whose calls arrive a few ms apart instead of 33 ms breaks a sliding window.
 */
class TokenBucket {
  private tokens: number;
  private at = performance.now();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  admits(now: number): boolean {
    this.refill(now);
    return this.tokens >= 1;
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  private refill(now: number): void {
    if (now <= this.at) return;
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.perSecond) / 1000);
    this.at = now;
  }
}

/** A 1×1 grey baseline JPEG: the picture behind photos that test users "send". */
export const TINY_JPEG = Buffer.from(
  [
    'ffd8',
    `ffdb004300${'01'.repeat(64)}`,
    'ffc0000b080001000101011100',
    `ffc400140001${'00'.repeat(15)}00`,
    `ffc400141001${'00'.repeat(15)}00`,
    'ffda0008010100003f00',
    '3f',
    'ffd9',
  ].join(''),
  'hex',
);

/** A 1×1 WebP: the picture behind stickers that test users "send". */
export const TINY_WEBP = Buffer.from(
  'UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA/vuUAAA=',
  'base64',
);

const NOT_FOUND: ApiResponse = { ok: false, error_code: 404, description: 'Not Found' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const unixNow = () => Math.floor(Date.now() / 1000);

function fromError(e: ApiError): Outcome {
  return { status: e.code, body: e.toResponse() };
}

let botSeq = 0;

/**
 * A fake Telegram Bot API server for tests and benchmarks. Real telegraf clients talk to it
 * over HTTP (`new Telegraf(token, { telegram: { apiRoot: fake.apiRoot } })`); it records every
 * call, keeps per-bot chats, injects updates by webhook or long polling, and plays scripted
 * failures and rate limits.
 */
export class FakeTelegram {
  /** Every Bot API call in arrival order (cleared by reset()). */
  readonly calls: FakeCall[] = [];
  apiRoot = '';

  private app: FastifyInstance | null = null;
  private readonly bots = new Map<string, BotState>();
  private readonly identities = new Map<string, Partial<BotIdentity>>();
  private readonly users = new Map<number, TgUser>();
  private readonly customMethods = new Map<string, { name: string; handler: MethodHandler }>();
  private readonly listeners = new Set<(call: FakeCall) => void>();
  private readonly chatListeners = new Set<(event: ChatEvent) => void>();
  private rules: ActiveRule[] = [];
  private lateRules: (Omit<ActiveRule, 'error'> & { ms: number })[] = [];
  private rate: {
    perSecond: number;
    burst: number;
    retryAfter: number;
    perChat?: number;
    methods?: Set<string>;
  } | null = null;
  private buckets = new Map<string, TokenBucket>();
  private latencyMs = 0;
  private jitterMs = 0;
  private webhookRewrites: Array<[from: string, to: string]> = [];
  private querySeq = 0;
  private readonly webhookTimeoutMs: number;

  constructor(options: FakeTelegramOptions = {}) {
    this.webhookTimeoutMs = options.webhookTimeoutMs ?? 10_000;
  }

  // ── lifecycle ────────────────────────────────────────────────────────────

  /**
   * Listens on 127.0.0.1 (or `host`, e.g. a Docker bridge's gateway address so containers reach
   * it) and returns the apiRoot, e.g. `http://127.0.0.1:40123`.
   */
  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    if (this.app) throw new Error('FakeTelegram is already started');
    const app = Fastify({
      logger: false,
      forceCloseConnections: true,
      bodyLimit: 50 * 1024 * 1024,
      routerOptions: { maxParamLength: 4096 },
    });
    await app.register(multipart, { limits: { fileSize: 50 * 1024 * 1024, files: 10, fields: 200 } });
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      if (body === '') return done(null, {});
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(Object.assign(new Error("can't parse JSON"), { statusCode: 400 }), undefined);
      }
    });
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, normalizeForm(Object.fromEntries(new URLSearchParams(body as string)))),
    );
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, undefined));
    app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
      const client = err.statusCode !== undefined && err.statusCode < 500;
      reply
        .code(client ? 400 : 500)
        .send(
          client
            ? { ok: false, error_code: 400, description: `Bad Request: ${err.message}` }
            : { ok: false, error_code: 500, description: `FakeTelegram internal error: ${err.message}` },
        );
    });
    app.route({ method: ['GET', 'POST'], url: '/*', handler: (req, reply) => this.onRequest(req, reply) });
    await app.listen({ port, host });
    this.app = app;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    this.apiRoot = `http://${urlHost}:${(app.server.address() as AddressInfo).port}`;
    return this.apiRoot;
  }

  /** Answers open long polls, drops hanging requests and closes the server. */
  async stop(): Promise<void> {
    const app = this.app;
    if (!app) return;
    this.app = null;
    for (const bot of this.bots.values()) bot.poll?.finish([]);
    await app.close();
  }

  // ── bots and users ───────────────────────────────────────────────────────

  /** Overrides what getMe says for a token (default: id from the token, username `bot<id>`). */
  configureBot(token: string, identity: Partial<BotIdentity>): void {
    this.identities.set(token, { ...this.identities.get(token), ...identity });
    const bot = this.bots.get(token);
    if (bot) bot.user = this.botUser(token, bot.user.id);
  }

  /** A fresh token (`<id>:<secret>`), optionally with a configured identity. */
  createBot(identity: Partial<BotIdentity> = {}): string {
    const id = identity.id ?? 7_000_000_000 + ++botSeq * 1000 + Math.floor(Math.random() * 1000);
    const token = `${id}:FAKE${randomBytes(12).toString('base64url')}`;
    this.configureBot(token, identity);
    return token;
  }

  /** The bot's own user, as getMe returns it. */
  botUser(token: string, fallbackId?: number): TgUser {
    const id = fallbackId ?? this.requireBot(token).user.id;
    const identity = this.identities.get(token);
    return {
      id: identity?.id ?? id,
      is_bot: true,
      first_name: identity?.first_name ?? `Bot ${id}`,
      username: identity?.username ?? `bot${id}`,
    };
  }

  private botFor(token: string): BotState | null {
    const existing = this.bots.get(token);
    if (existing) return existing;
    const m = /^(\d+):(.+)$/.exec(token);
    if (!m) return null;
    const bot = new BotState(this.botUser(token, Number(m[1])), (id) => this.users.get(id));
    bot.onChange = (change) => {
      const event = { ...change, token } as ChatEvent;
      for (const listener of this.chatListeners) {
        try {
          listener(event);
        } catch {
          // An observer's bug must not fail the bot's call.
        }
      }
    };
    this.bots.set(token, bot);
    return bot;
  }

  private requireBot(token: string): BotState {
    const bot = this.botFor(token);
    if (!bot) throw new Error(`FakeTelegram: "${token}" is not a bot token (<digits>:<secret>)`);
    return bot;
  }

  private rememberUser(u: TestUser): TgUser {
    const known = this.users.get(u.id);
    const user: TgUser = {
      id: u.id,
      is_bot: false,
      first_name: u.first_name ?? known?.first_name ?? `User ${u.id}`,
    };
    const lastName = u.last_name ?? known?.last_name;
    const username = u.username ?? known?.username;
    if (lastName) user.last_name = lastName;
    if (username) user.username = username;
    user.language_code = u.language_code ?? known?.language_code ?? 'ru';
    this.users.set(u.id, user);
    return user;
  }

  // ── what the bots did ────────────────────────────────────────────────────

  callsOf(method: string, token?: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method && (token === undefined || c.token === token));
  }

  /** Messages the bots sent successfully (send* results, as Telegram returned them), in order. */
  sentMessages(token?: string, chatId?: number): TgMessage[] {
    const out: TgMessage[] = [];
    for (const c of this.calls) {
      if ((token !== undefined && c.token !== token) || !isSendMethod(c.method) || !c.response?.ok) continue;
      const m = c.response.result as TgMessage | undefined;
      if (m && typeof m === 'object' && 'message_id' in m && (chatId === undefined || m.chat.id === chatId))
        out.push(m);
    }
    return out;
  }

  /** The chat as the user sees it now: both sides' messages in order, edits and deletes applied. */
  chat(token: string, chatId: number): TgMessage[] {
    return [...(this.bots.get(token)?.chats.get(chatId)?.messages.values() ?? [])];
  }

  chatIds(token: string): number[] {
    return [...(this.bots.get(token)?.chats.keys() ?? [])];
  }

  message(token: string, chatId: number, messageId: number): TgMessage | undefined {
    return this.bots.get(token)?.message(chatId, messageId);
  }

  /** The reply keyboard the user's client currently shows in that chat. */
  replyKeyboard(token: string, chatId: number): TgReplyKeyboard | null {
    return this.bots.get(token)?.chats.get(chatId)?.replyKeyboard ?? null;
  }

  webhook(token: string): { url: string; secretToken?: string } | null {
    const hook = this.bots.get(token)?.webhook;
    return hook ? { url: hook.url, ...(hook.secretToken ? { secretToken: hook.secretToken } : {}) } : null;
  }

  /** True while a getUpdates long poll of this bot is waiting. */
  isPolling(token: string): boolean {
    return Boolean(this.bots.get(token)?.poll);
  }

  /** Updates queued for getUpdates and not yet confirmed by an offset. */
  pendingUpdates(token: string): TgUpdate[] {
    return [...(this.bots.get(token)?.pending ?? [])];
  }

  /** A stored file by file_id or file_path (uploads by the bot and files sent by users). */
  file(
    token: string,
    fileIdOrPath: string,
  ): { bytes: Buffer; fileName?: string; mimeType?: string } | undefined {
    const bot = this.bots.get(token);
    const f = bot?.files.get(fileIdOrPath) ?? bot?.filesByPath.get(fileIdOrPath);
    return (
      f && {
        bytes: f.bytes,
        ...(f.file_name ? { fileName: f.file_name } : {}),
        ...(f.mime_type ? { mimeType: f.mime_type } : {}),
      }
    );
  }

  /** Called for every recorded call; returns an unsubscribe function. */
  onCall(listener: (call: FakeCall) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Called for every change to any chat: messages from either side, edits, deletions, reply
   * keyboards, and the bot's answers to the buttons users pressed. Returns an unsubscribe function.
   */
  onChatEvent(listener: (event: ChatEvent) => void): () => void {
    this.chatListeners.add(listener);
    return () => this.chatListeners.delete(listener);
  }

  /**
   * The first call (already recorded or future) that matches. The default limit bounds a hang on
   * a busy machine (the suite shares 2 cores); it is no speed claim.
   */
  async waitFor(predicate: (call: FakeCall) => boolean, timeoutMs = 60_000): Promise<FakeCall> {
    const [call] = await this.waitForCalls(predicate, 1, timeoutMs);
    return call!;
  }

  /** The first `count` matching calls, counting those already recorded; resolves on the call that completes the set. */
  waitForCalls(
    predicate: (call: FakeCall) => boolean,
    count: number,
    timeoutMs = 60_000,
  ): Promise<FakeCall[]> {
    const matches = (c: FakeCall) => {
      try {
        return predicate(c);
      } catch {
        return false;
      }
    };
    const found = this.calls.filter(matches);
    if (found.length >= count) return Promise.resolve(found.slice(0, count));
    const timeoutError = new Error(); // created here so the stack points at the waiting test
    return new Promise((resolve, reject) => {
      const unsubscribe = this.onCall((c) => {
        if (!matches(c)) return;
        found.push(c);
        if (found.length < count) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(found);
      });
      const timer = setTimeout(() => {
        unsubscribe();
        timeoutError.message =
          `FakeTelegram: ${found.length} of ${count} expected call(s) within ${timeoutMs} ms. ` +
          `Recorded: ${this.describeCalls()}`;
        reject(timeoutError);
      }, timeoutMs);
    });
  }

  private describeCalls(): string {
    if (this.calls.length === 0) return 'no calls';
    const counts = new Map<string, number>();
    for (const c of this.calls) counts.set(c.method, (counts.get(c.method) ?? 0) + 1);
    const summary = [...counts].map(([m, n]) => `${m}×${n}`).join(', ');
    const last = this.calls.slice(-5).map((c) => {
      const chat = c.params.chat_id === undefined ? '' : ` chat=${c.params.chat_id}`;
      const answer =
        c.response === null
          ? 'no answer'
          : c.response.ok
            ? 'ok'
            : `${c.response.error_code} ${c.response.description}`;
      return `${c.method}${chat} → ${answer}`;
    });
    return `${summary}; last: ${last.join('; ')}`;
  }

  // ── scripting ────────────────────────────────────────────────────────────

  /** The next matching call(s) fail with a real Telegram error. Returns a function that cancels the rule. */
  failNext(rule: FailRule): () => void {
    const active: ActiveRule = { remaining: rule.times ?? 1, error: rule.error };
    if (rule.token !== undefined) active.token = rule.token;
    if (rule.method !== undefined)
      active.methods = new Set(Array.isArray(rule.method) ? rule.method : [rule.method]);
    if (rule.chatId !== undefined) active.chatId = String(rule.chatId);
    this.rules.push(active);
    return () => {
      this.rules = this.rules.filter((r) => r !== active);
    };
  }

  clearFailures(): void {
    this.rules = [];
    this.lateRules = [];
  }

  /**
   * The next matching call(s) are carried out at once (the message is delivered, recorded and
   * seen by listeners) but answered only after `ms`: a slow Telegram whose client may give up
   * although the message arrived. Returns a function that cancels the rule.
   */
  answerLate(rule: Omit<FailRule, 'error'> & { ms: number }): () => void {
    const active: Omit<ActiveRule, 'error'> & { ms: number } = { remaining: rule.times ?? 1, ms: rule.ms };
    if (rule.token !== undefined) active.token = rule.token;
    if (rule.method !== undefined)
      active.methods = new Set(Array.isArray(rule.method) ? rule.method : [rule.method]);
    if (rule.chatId !== undefined) active.chatId = String(rule.chatId);
    this.lateRules.push(active);
    return () => {
      this.lateRules = this.lateRules.filter((r) => r !== active);
    };
  }

  /**
   * 429 for metered calls above `perSecond` per token (a token bucket holding up to `burst`,
   * metered when the call arrives, before any latency); null turns it off.
   */
  setRateLimit(limit: RateLimit | null): void {
    this.buckets = new Map();
    this.rate = limit && {
      perSecond: limit.perSecond,
      burst: limit.burst ?? limit.perSecond,
      retryAfter: limit.retryAfter ?? 1,
      ...(limit.perChatPerSecond !== undefined ? { perChat: limit.perChatPerSecond } : {}),
      ...(limit.methods ? { methods: new Set(limit.methods) } : {}),
    };
  }

  /**
   * Delay before every call is carried out and answered (plus up to `jitterMs` at random): a slow
   * Telegram. `answerLate` instead delivers at once and delays only the answer.
   */
  setLatency(ms: number, jitterMs = 0): void {
    this.latencyMs = ms;
    this.jitterMs = jitterMs;
  }

  /** Adds or replaces a method; the handler returns the `result` or throws (see ApiError). null restores the default. */
  setMethodHandler(method: string, handler: MethodHandler | null): void {
    if (handler) this.customMethods.set(method.toLowerCase(), { name: method, handler });
    else this.customMethods.delete(method.toLowerCase());
  }

  /**
   * Webhook URLs starting with `from` are delivered to `to` instead (a service registers its
   * public URL, e.g. https://bots.example.com/tg/master, while the test listens on 127.0.0.1).
   */
  mapWebhookUrl(from: string, to: string): void {
    this.webhookRewrites.push([from, to]);
  }

  /** Forgets recorded calls and scripted behaviour (failures, rate limit, latency); chats and webhooks stay. */
  reset(): void {
    this.calls.length = 0;
    this.rules = [];
    this.lateRules = [];
    this.rate = null;
    this.buckets = new Map();
    this.latencyMs = 0;
    this.jitterMs = 0;
  }

  /** reset() plus every bot, chat, file, webhook, queued update and user. */
  resetAll(): void {
    this.reset();
    for (const bot of this.bots.values()) bot.poll?.finish([]);
    this.bots.clear();
    this.identities.clear();
    this.users.clear();
    this.webhookRewrites = [];
  }

  // ── update injection ─────────────────────────────────────────────────────

  /**
   * Delivers an update the way Telegram would: POSTed to the bot's webhook (with the secret
   * token header; resolves with the HTTP status) or queued for getUpdates. update_id is
   * assigned when missing. Throws when the webhook cannot be reached.
   */
  async pushUpdate(
    token: string,
    update: Omit<TgUpdate, 'update_id'> & { update_id?: number },
  ): Promise<PushResult> {
    const bot = this.requireBot(token);
    const { update_id, ...rest } = update;
    const full: TgUpdate = { update_id: update_id ?? bot.nextUpdateId++, ...rest };
    if (update_id !== undefined) bot.nextUpdateId = Math.max(bot.nextUpdateId, update_id + 1);
    if (!bot.allows(full)) return { update: full, via: 'filtered' };
    if (bot.webhook) return { update: full, via: 'webhook', status: await this.deliver(token, bot, full) };
    bot.enqueue(full);
    return { update: full, via: 'queue' };
  }

  /** A message from a user (private chat unless `chatId`), stored in the chat and pushed. */
  async userSendsMessage(
    token: string,
    from: TestUser,
    content: Omit<TgMessage, 'message_id' | 'chat' | 'date' | 'from'>,
    options: { chatId?: number } = {},
  ): Promise<PushResult & { message: TgMessage }> {
    const bot = this.requireBot(token);
    const user = this.rememberUser(from);
    const chatId = options.chatId ?? user.id;
    if (chatId === user.id) bot.chatState(chatId).chat = bot.describeChat(chatId);
    const message = bot.addMessage(chatId, { from: user, ...content });
    return { ...(await this.pushUpdate(token, { message })), message };
  }

  /** Text from a user; a leading `/command` gets its bot_command entity. */
  userSendsText(
    token: string,
    user: TestUser,
    text: string,
    options: { chatId?: number; replyToMessageId?: number } = {},
  ): Promise<PushResult & { message: TgMessage }> {
    const content: Omit<TgMessage, 'message_id' | 'chat' | 'date' | 'from'> = { text };
    if (text.startsWith('/')) {
      content.entities = [{ type: 'bot_command', offset: 0, length: text.split(/\s/, 1)[0]!.length }];
    }
    if (options.replyToMessageId !== undefined) {
      const target = this.bots.get(token)?.message(options.chatId ?? user.id, options.replyToMessageId);
      if (target) {
        const { reply_to_message: _, ...shallow } = target;
        content.reply_to_message = shallow;
      }
    }
    return this.userSendsMessage(token, user, content, options);
  }

  /** A photo from a user; its sizes are registered so getFile and the file download work. */
  userSendsPhoto(
    token: string,
    user: TestUser,
    options: { caption?: string; bytes?: Buffer; width?: number; height?: number; chatId?: number } = {},
  ): Promise<PushResult & { message: TgMessage }> {
    const photo = this.requireBot(token).registerPhoto(options.bytes ?? TINY_JPEG, options);
    return this.userSendsMessage(
      token,
      user,
      { photo, ...(options.caption !== undefined ? { caption: options.caption } : {}) },
      options,
    );
  }

  userSendsDocument(
    token: string,
    user: TestUser,
    options: { fileName?: string; mimeType?: string; bytes?: Buffer; caption?: string; chatId?: number } = {},
  ): Promise<PushResult & { message: TgMessage }> {
    const fileName = options.fileName ?? 'act.pdf';
    const file = this.requireBot(token).registerFile(
      'document',
      options.bytes ?? Buffer.from('%PDF-1.4\n%%EOF\n'),
      {
        file_name: fileName,
        mime_type:
          options.mimeType ?? (fileName.endsWith('.pdf') ? 'application/pdf' : 'application/octet-stream'),
      },
    );
    const document = {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_name: fileName,
      mime_type: file.mime_type!,
      file_size: file.bytes.length,
    };
    return this.userSendsMessage(
      token,
      user,
      { document, ...(options.caption !== undefined ? { caption: options.caption } : {}) },
      options,
    );
  }

  /** A sticker from a user (a regular 512×512 WebP sticker; getFile and the download work). */
  userSendsSticker(
    token: string,
    user: TestUser,
    options: { emoji?: string; setName?: string; chatId?: number } = {},
  ): Promise<PushResult & { message: TgMessage }> {
    const file = this.requireBot(token).registerFile('sticker', TINY_WEBP, { mime_type: 'image/webp' });
    const sticker: TgSticker = {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      type: 'regular',
      width: 512,
      height: 512,
      is_animated: false,
      is_video: false,
      ...(options.emoji !== undefined ? { emoji: options.emoji } : {}),
      ...(options.setName !== undefined ? { set_name: options.setName } : {}),
      file_size: file.bytes.length,
    };
    return this.userSendsMessage(token, user, { sticker }, options);
  }

  /** The user shares a contact (by default their own, as the request_contact button does). */
  userSendsContact(
    token: string,
    user: TestUser,
    options: { phoneNumber: string; firstName?: string; userId?: number; chatId?: number },
  ): Promise<PushResult & { message: TgMessage }> {
    const contact = {
      phone_number: options.phoneNumber,
      first_name: options.firstName ?? user.first_name ?? `User ${user.id}`,
      user_id: options.userId ?? user.id,
    };
    return this.userSendsMessage(token, user, { contact }, options);
  }

  /**
   * The user sends a location (📎 → Геопозиция): a plain one, or a live location when
   * `livePeriod` is given (seconds; 0x7FFFFFFF = until stopped), as Telegram does.
   */
  userSendsLocation(
    token: string,
    user: TestUser,
    options: { latitude: number; longitude: number; livePeriod?: number; chatId?: number },
  ): Promise<PushResult & { message: TgMessage }> {
    const location: TgLocation = { latitude: options.latitude, longitude: options.longitude };
    if (options.livePeriod !== undefined) location.live_period = options.livePeriod;
    return this.userSendsMessage(token, user, { location }, options);
  }

  /**
   * Telegram's update for a live location that moved: an `edited_message` of the sharing
   * message with the new position and `edit_date`. `stopped`: the user ended the sharing (the
   * location comes without `live_period`, which Telegram sets for active live locations only).
   */
  async userMovesLiveLocation(
    token: string,
    user: TestUser,
    options: { messageId: number; latitude: number; longitude: number; stopped?: boolean; chatId?: number },
  ): Promise<PushResult & { message: TgMessage }> {
    const bot = this.requireBot(token);
    const chatId = options.chatId ?? user.id;
    const original = bot.message(chatId, options.messageId);
    if (!original?.location) throw new Error(`FakeTelegram: message ${options.messageId} is not a location`);
    const { live_period, ...rest } = original.location;
    const location: TgLocation = { ...rest, latitude: options.latitude, longitude: options.longitude };
    if (!options.stopped && live_period !== undefined) location.live_period = live_period;
    const message: TgMessage = {
      ...original,
      location,
      edit_date: Math.max(original.edit_date ?? original.date, Math.floor(Date.now() / 1000)),
    };
    bot.replaceMessage(bot.chatState(chatId), message);
    return { ...(await this.pushUpdate(token, { edited_message: message })), message };
  }

  /**
   * The user taps an inline button of one of the bot's messages (found by callback data or by
   * label). Throws when the message or button does not exist, unless `unchecked` (then `data`
   * is sent as is, e.g. a forged payload).
   */
  async userPressesButton(
    token: string,
    user: TestUser,
    options: { messageId: number; data?: string; text?: string; chatId?: number; unchecked?: boolean },
  ): Promise<PushResult & { callbackQueryId: string; callbackQuery: TgCallbackQuery }> {
    const bot = this.requireBot(token);
    const from = this.rememberUser(user);
    const chatId = options.chatId ?? from.id;
    const message = bot.message(chatId, options.messageId);
    if (!message || message.from?.id !== bot.user.id) {
      const own = this.chat(token, chatId)
        .filter((m) => m.from?.id === bot.user.id)
        .map((m) => m.message_id);
      throw new Error(
        `FakeTelegram.userPressesButton: no bot message ${options.messageId} in chat ${chatId} (bot messages: ${own.join(', ') || 'none'})`,
      );
    }
    const buttons = message.reply_markup?.inline_keyboard.flat() ?? [];
    const button = buttons.find((b) =>
      options.text !== undefined ? b.text === options.text : b.callback_data === options.data,
    );
    const data = options.unchecked ? options.data : button?.callback_data;
    if (data === undefined) {
      const listed = buttons.map((b) => `"${b.text}" (${b.callback_data ?? b.url ?? '?'})`).join(', ');
      throw new Error(
        `FakeTelegram.userPressesButton: no callback button ${options.text !== undefined ? `"${options.text}"` : `with data "${options.data}"`} on message ${options.messageId}; buttons: ${listed || 'none'}`,
      );
    }
    const id = `${from.id}${String(++this.querySeq).padStart(6, '0')}`;
    bot.callbackQueries.set(id, false);
    bot.callbackQueryChats.set(id, chatId);
    const callbackQuery: TgCallbackQuery = {
      id,
      from,
      message,
      chat_instance: String(-(bot.user.id * 31 + chatId)),
      data,
    };
    const pushed = await this.pushUpdate(token, { callback_query: callbackQuery });
    return { ...pushed, callbackQueryId: id, callbackQuery };
  }

  private async deliver(token: string, bot: BotState, update: TgUpdate): Promise<number> {
    const hook = bot.webhook!;
    const rewrite = this.webhookRewrites.find(([from]) => hook.url.startsWith(from));
    const url = rewrite ? rewrite[1] + hook.url.slice(rewrite[0].length) : hook.url;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (hook.secretToken) headers['x-telegram-bot-api-secret-token'] = hook.secretToken;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(this.webhookTimeoutMs),
      });
    } catch (err) {
      const reason = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      hook.lastErrorDate = unixNow();
      hook.lastErrorMessage = `Connection failed: ${reason}`;
      throw new Error(`FakeTelegram: webhook delivery to ${url} failed: ${reason}`, { cause: err });
    }
    const body = await res.text();
    if (res.status < 200 || res.status > 299) {
      hook.lastErrorDate = unixNow();
      hook.lastErrorMessage = `Wrong response from the webhook: ${res.status} ${res.statusText}`;
    } else if (body !== '' && res.headers.get('content-type')?.includes('application/json')) {
      // webhookReply: the bot answered the update with a method call in the response body.
      let reply: unknown;
      try {
        reply = JSON.parse(body);
      } catch {
        reply = undefined;
      }
      if (reply && typeof reply === 'object' && typeof (reply as Params).method === 'string') {
        const { method, ...params } = reply as Params;
        const limited = this.rate !== null && this.overLimit(token, method, params);
        await this.execute(token, method, params, Date.now(), limited, () => {});
      }
    }
    return res.status;
  }

  // ── HTTP ─────────────────────────────────────────────────────────────────

  private async onRequest(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const at = Date.now();
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    if (path.startsWith('/file/bot')) return this.serveFile(path, reply);
    const slash = path.indexOf('/', 4);
    if (!path.startsWith('/bot') || slash < 0) {
      reply.code(404).send(NOT_FOUND);
      return;
    }
    const token = decodeURIComponent(path.slice(4, slash));
    let method = path.slice(slash + 1);
    if (method.startsWith('test/')) method = method.slice('test/'.length);
    const params = await this.readParams(req, method);
    // Flood control sees the call when it arrives; a slow Telegram is slow after that.
    const limited = this.rate !== null && this.overLimit(token, method, params);
    if (this.latencyMs > 0 || this.jitterMs > 0) await sleep(this.latencyMs + Math.random() * this.jitterMs);
    const outcome = await this.execute(token, method, params, at, limited, (callback) =>
      reply.raw.once('close', callback),
    );
    const lateMs = this.lateRules.length > 0 ? this.takeLateRule(token, method, params) : 0;
    if (lateMs > 0) await sleep(lateMs);
    if (outcome === 'network') {
      reply.hijack();
      req.raw.socket.destroy();
    } else if (outcome === 'hang') {
      reply.hijack(); // the socket is closed by stop() (forceCloseConnections)
    } else if (outcome.raw !== undefined) {
      reply.code(outcome.status).type('text/html').send(outcome.raw);
    } else {
      reply.code(outcome.status).send(outcome.body);
    }
  }

  private async readParams(req: FastifyRequest, method: string): Promise<Params> {
    const query = req.query as Record<string, string> | undefined;
    const params: Params = query && Object.keys(query).length > 0 ? normalizeForm(query) : {};
    if (req.isMultipart()) {
      const fields: Record<string, unknown> = {};
      for await (const part of req.parts()) {
        fields[part.fieldname] =
          part.type === 'file'
            ? { upload: true, filename: part.filename, mimetype: part.mimetype, bytes: await part.toBuffer() }
            : part.value;
      }
      // telegraf repeats the method name as a form field.
      if (typeof fields.method === 'string' && fields.method.toLowerCase() === method.toLowerCase()) {
        delete fields.method;
      }
      Object.assign(params, normalizeForm(fields));
    } else if (req.body && typeof req.body === 'object') {
      Object.assign(params, req.body);
    }
    return params;
  }

  private async execute(
    token: string,
    rawMethod: string,
    params: Params,
    at: number,
    limited: boolean,
    onClientGone: (callback: () => void) => void,
  ): Promise<Outcome> {
    const lower = rawMethod.toLowerCase();
    const entry = this.customMethods.get(lower) ?? METHOD_INDEX.get(lower);
    const method = entry?.name ?? rawMethod;
    const bot = this.botFor(token);
    let outcome: Outcome;
    if (!bot) {
      outcome = fromError(new ApiError(401, DESCRIPTIONS.unauthorized));
    } else if (!entry) {
      outcome = fromError(new ApiError(404, DESCRIPTIONS.methodNotFound));
    } else {
      const scripted = this.rules.length > 0 ? this.takeRule(token, method, params) : undefined;
      if (scripted) {
        outcome = scriptedAnswer(scripted);
      } else if (limited) {
        outcome = fromError(tooManyRequests(this.rate?.retryAfter ?? 1));
      } else {
        try {
          const result = (await entry.handler(params, { bot, onClientGone })) ?? true;
          outcome =
            result instanceof Described
              ? { status: 200, body: { ok: true, result: result.result, description: result.description } }
              : { status: 200, body: { ok: true, result } };
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          outcome = fromError(err);
        }
      }
    }
    const call: FakeCall = {
      token,
      method,
      params,
      at,
      response: typeof outcome === 'string' ? null : outcome.body,
    };
    this.calls.push(call);
    for (const listener of this.listeners) listener(call);
    return outcome;
  }

  private takeRule(token: string, method: string, params: Params): ScriptedError | undefined {
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      if (rule.token !== undefined && rule.token !== token) continue;
      if (rule.methods ? !rule.methods.has(method) : params.chat_id === undefined) continue;
      if (rule.chatId !== undefined && String(params.chat_id) !== rule.chatId) continue;
      if (--rule.remaining <= 0) this.rules.splice(i, 1);
      return rule.error;
    }
    return undefined;
  }

  private takeLateRule(token: string, method: string, params: Params): number {
    for (let i = 0; i < this.lateRules.length; i++) {
      const rule = this.lateRules[i]!;
      if (rule.token !== undefined && rule.token !== token) continue;
      if (rule.methods ? !rule.methods.has(method) : params.chat_id === undefined) continue;
      if (rule.chatId !== undefined && String(params.chat_id) !== rule.chatId) continue;
      if (--rule.remaining <= 0) this.lateRules.splice(i, 1);
      return rule.ms;
    }
    return 0;
  }

  private overLimit(token: string, rawMethod: string, params: Params): boolean {
    const rate = this.rate!;
    const lower = rawMethod.toLowerCase();
    const method = (this.customMethods.get(lower) ?? METHOD_INDEX.get(lower))?.name ?? rawMethod;
    if (rate.methods ? !rate.methods.has(method) : !isSendMethod(method)) return false;
    const now = performance.now();
    const perToken = this.bucket(token, rate.perSecond, rate.burst);
    if (!perToken.admits(now)) return true;
    const chatId = int(params.chat_id);
    const perChat =
      rate.perChat !== undefined && chatId !== undefined
        ? this.bucket(`${token}|${chatId}`, rate.perChat, Math.max(1, rate.perChat))
        : undefined;
    if (perChat && !perChat.admits(now)) return true;
    perToken.take(now);
    perChat?.take(now);
    return false;
  }

  private bucket(key: string, perSecond: number, burst: number): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(perSecond, burst);
      this.buckets.set(key, b);
    }
    return b;
  }

  private serveFile(path: string, reply: FastifyReply): void {
    const rest = path.slice('/file/bot'.length);
    const slash = rest.indexOf('/');
    const file =
      slash > 0
        ? this.bots
            .get(decodeURIComponent(rest.slice(0, slash)))
            ?.filesByPath.get(decodeURIComponent(rest.slice(slash + 1)))
        : undefined;
    if (!file) {
      reply.code(404).send(NOT_FOUND);
      return;
    }
    reply
      .type(file.mime_type ?? (file.kind === 'photo' ? 'image/jpeg' : 'application/octet-stream'))
      .send(file.bytes);
  }
}
