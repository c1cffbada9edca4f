import { timingSafeEqual } from 'node:crypto';
import { dependencyFailure, type Logger, prom, shortMessage } from '@fs/observability';
import type { FastifyInstance } from 'fastify';
import { type Context, type MiddlewareFn, Telegraf, TelegramError } from 'telegraf';
import type { Update } from 'telegraf/types';

export interface CreateBotOptions {
  /** Bot API server (TELEGRAM_API_ROOT): the real one, a local Bot API server or the test fake. */
  apiRoot: string;
  logger: Logger;
  /** Reply sent when a handler throws (the bot's texts module owns the wording). */
  errorText: string;
  /**
   * Reply sent when a handler failed because PostgreSQL or Redis is unreachable ("temporary
   * trouble, try again in a minute"); errorText when not given.
   */
  outageText?: string;
  /** A handler running longer than this is abandoned and logged. */
  handlerTimeoutMs?: number;
}

/**
 * A telegraf bot with the platform's safety net: every handler error is logged and answered,
 * every callback query is answered, nothing crashes the process. Replies are normal API calls
 * (`webhookReply: false`), so webhook and polling behave the same.
 */
export function createBot<C extends Context = Context>(token: string, opts: CreateBotOptions): Telegraf<C> {
  const bot = new Telegraf<C>(token, {
    telegram: { apiRoot: opts.apiRoot, webhookReply: false },
    handlerTimeout: opts.handlerTimeoutMs ?? 30_000,
  });
  bot.use(errorBoundary(opts.logger, opts.errorText, opts.outageText));
  bot.use(answerCallbacks());
  // Last resort (e.g. a handler timeout, which happens outside the middleware chain).
  bot.catch((err, ctx) => {
    opts.logger.error(
      { err, update_id: ctx.update.update_id, update_type: ctx.updateType, user_id: ctx.from?.id },
      'unhandled bot error',
    );
  });
  return bot;
}

const answered = new WeakSet<Context>();

/**
 * Marks the update's callback query as answered whenever answerCallbackQuery is called through
 * this update's Telegram client (each update gets its own client, so patching it is local).
 */
function trackAnswers(ctx: Context): void {
  const tg = ctx.telegram as { callApi: Context['telegram']['callApi']; __fsTracked?: boolean };
  if (tg.__fsTracked) return;
  tg.__fsTracked = true;
  const callApi = tg.callApi.bind(ctx.telegram);
  tg.callApi = ((method: string, ...rest: unknown[]) => {
    if (method === 'answerCallbackQuery') answered.add(ctx);
    return (callApi as (...a: unknown[]) => unknown)(method, ...rest);
  }) as typeof tg.callApi;
}

async function answerIfNeeded(ctx: Context, logger?: Logger): Promise<void> {
  if (!ctx.callbackQuery || answered.has(ctx)) return;
  try {
    await ctx.answerCbQuery();
  } catch (err) {
    logger?.warn({ err: String(err), user_id: ctx.from?.id }, 'answerCallbackQuery failed');
  }
}

/**
 * Logs a failed handler with update type and user id, tells the user, answers the callback.
 * A dependency outage (PostgreSQL or Redis unreachable) is a warning with a short reason, and
 * the person gets `outageText` instead of the generic error.
 */
export function errorBoundary<C extends Context>(
  logger: Logger,
  errorText: string,
  outageText = errorText,
): MiddlewareFn<C> {
  return async (ctx, next) => {
    trackAnswers(ctx);
    try {
      await next();
    } catch (err) {
      const where = { update_id: ctx.update.update_id, update_type: ctx.updateType, user_id: ctx.from?.id };
      const outage = dependencyFailure(err);
      if (outage) {
        logger.warn(
          { ...where, reason: outage, err: shortMessage(err) },
          'bot handler failed: dependency unavailable',
        );
      } else logger.error({ err, ...where }, 'bot handler failed');
      await answerIfNeeded(ctx, logger);
      if (ctx.chat) {
        await ctx
          .reply(outage ? outageText : errorText)
          .catch((e) => logger.warn({ err: String(e), user_id: ctx.from?.id }, 'error reply failed'));
      }
    }
  };
}

/** Answers a callback query the handler left unanswered (the button's spinner stops at once). */
export function answerCallbacks<C extends Context>(): MiddlewareFn<C> {
  return async (ctx, next) => {
    trackAnswers(ctx);
    try {
      await next();
    } finally {
      await answerIfNeeded(ctx);
    }
  };
}

/**
 * Put after all callback handlers: a callback nobody handled (malformed, from an old message
 * or for the other bot) is answered with `text` and changes nothing.
 */
export function staleCallbacks<C extends Context>(text: string, logger?: Logger): MiddlewareFn<C> {
  return async (ctx, next) => {
    if (!ctx.callbackQuery) return next();
    const data = 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : undefined;
    logger?.info({ user_id: ctx.from?.id, data: data?.slice(0, 64) }, 'stale or malformed callback');
    await ctx.answerCbQuery(text);
  };
}

const HARMLESS_EDIT = /message is not modified|message to edit not found|MESSAGE_ID_INVALID/i;

/** True for edit errors that mean "nothing to do" (same content, message gone). */
export function isHarmlessEditError(err: unknown): boolean {
  return err instanceof TelegramError && err.code === 400 && HARMLESS_EDIT.test(err.description);
}

type EditTextExtra = Parameters<Context['editMessageText']>[1];
type EditMarkup = Parameters<Context['editMessageReplyMarkup']>[0];

/** Edits the update's message text; "not modified" / "not found" are not errors. Returns whether it changed. */
export async function safeEdit(ctx: Context, text: string, extra?: EditTextExtra): Promise<boolean> {
  try {
    await ctx.editMessageText(text, extra);
    return true;
  } catch (err) {
    if (isHarmlessEditError(err)) return false;
    throw err;
  }
}

/** Edits only the inline keyboard of the update's message (undefined removes it). */
export async function safeEditMarkup(ctx: Context, markup: EditMarkup): Promise<boolean> {
  try {
    await ctx.editMessageReplyMarkup(markup);
    return true;
  } catch (err) {
    if (isHarmlessEditError(err)) return false;
    throw err;
  }
}

export interface StartBotOptions {
  mode: 'polling' | 'webhook';
  logger: Logger;
  /** Webhook mode: the service's fastify app (the health server); the route is added to it. */
  app?: FastifyInstance;
  /**
   * Webhook mode: the public URL Telegram posts to. Its path is the route path unless `path`
   * is given; a bare origin gets `/telegram/webhook`.
   */
  webhookUrl?: string;
  /** Webhook mode: checked against `X-Telegram-Bot-Api-Secret-Token`. */
  secret?: string;
  path?: string;
  dropPendingUpdates?: boolean;
  /** Polling mode: the polling loop died (bad token, another instance polling: 409). */
  onFatal?: (err: unknown) => void;
}

export interface RunningBot {
  mode: 'polling' | 'webhook';
  /** Webhook route path (webhook mode). */
  path?: string;
  /** Resolves when no update is being handled (tests; shutdown). */
  idle(): Promise<void>;
  /** Stops taking updates and waits for the ones in flight. */
  stop(): Promise<void>;
}

const DEFAULT_WEBHOOK_PATH = '/telegram/webhook';
/**
 * Telegram updates are a few KB (a 4,096-character message with entities and a replied-to
 * message stays far below this); anything larger is refused with 413 before it is parsed.
 */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

function secretMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isUpdate(body: unknown): body is Update {
  return typeof body === 'object' && body !== null && Number.isInteger((body as Update).update_id);
}

/** Wraps bot.handleUpdate (used by polling, the webhook route and tests) to know what is in flight. */
function trackInflight<C extends Context>(bot: Telegraf<C>): () => Promise<void> {
  const inflight = new Set<Promise<unknown>>();
  const handle = bot.handleUpdate.bind(bot);
  bot.handleUpdate = (update, res) => {
    const p = handle(update, res);
    inflight.add(p);
    const forget = () => inflight.delete(p);
    p.then(forget, forget);
    return p;
  };
  return async () => {
    while (inflight.size > 0) await Promise.allSettled([...inflight]);
  };
}

/**
 * Starts receiving updates. Polling: `bot.launch()` resolves only when polling stops, so it is
 * not awaited; start-up waits only for getMe. Webhook: registers `POST <path>` on the fastify
 * app (call before `app.listen`) and calls setWebhook with the secret token.
 */
export async function startBot<C extends Context>(
  bot: Telegraf<C>,
  opts: StartBotOptions,
): Promise<RunningBot> {
  bot.botInfo ??= await bot.telegram.getMe();
  const idle = trackInflight(bot);
  return opts.mode === 'polling' ? startPolling(bot, opts, idle) : startWebhook(bot, opts, idle);
}

function startPolling<C extends Context>(
  bot: Telegraf<C>,
  opts: StartBotOptions,
  idle: () => Promise<void>,
): RunningBot {
  const { logger } = opts;
  let stopped = false;
  const loop = bot.launch({ dropPendingUpdates: opts.dropPendingUpdates }).catch((err) => {
    if (stopped) return;
    logger.fatal({ err }, 'polling stopped with an error');
    opts.onFatal?.(err);
  });
  logger.info({ bot: bot.botInfo?.username }, 'bot started (long polling)');
  return {
    mode: 'polling',
    idle,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        bot.stop('shutdown');
      } catch {
        // "Bot is not running!": polling already ended.
      }
      // The loop finishes the current batch of updates and confirms the offset before resolving.
      await loop;
      await idle();
    },
  };
}

async function startWebhook<C extends Context>(
  bot: Telegraf<C>,
  opts: StartBotOptions,
  idle: () => Promise<void>,
): Promise<RunningBot> {
  const { logger, app, webhookUrl, secret } = opts;
  if (!app || !webhookUrl || !secret) throw new Error('webhook mode needs app, webhookUrl and secret');
  const url = new URL(webhookUrl);
  const path = opts.path ?? (url.pathname !== '/' ? url.pathname : DEFAULT_WEBHOOK_PATH);
  if (url.pathname === '/') url.pathname = path;
  let draining = false;

  app.post(
    path,
    {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      // Runs before the body is read: a request without the secret costs no parsing.
      onRequest: async (req, reply) => {
        if (!secretMatches(req.headers['x-telegram-bot-api-secret-token'], secret)) {
          return reply.code(401).send({ ok: false });
        }
        // Telegram retries a non-2xx later, possibly on another replica.
        if (draining) return reply.code(503).send({ ok: false });
      },
    },
    async (req, reply) => {
      if (!isUpdate(req.body)) return reply.code(400).send({ ok: false });
      const update = req.body;
      // Acknowledged only once handled: if this process dies mid-update, Telegram gets no
      // answer and delivers the update again (here or to another replica). Handler errors are
      // answered to the person by the bot's error boundary and acknowledged, not retried.
      try {
        await bot.handleUpdate(update);
      } catch (err) {
        logger.error({ err, update_id: update.update_id }, 'update failed');
      }
      return reply.code(200).send();
    },
  );

  await bot.telegram.setWebhook(url.toString(), {
    secret_token: secret,
    drop_pending_updates: opts.dropPendingUpdates,
  });
  logger.info({ bot: bot.botInfo?.username, path }, 'bot started (webhook)');
  return {
    mode: 'webhook',
    path,
    idle,
    async stop() {
      // The webhook stays set: other replicas keep serving it.
      draining = true;
      await idle();
    },
  };
}

/** For SIGTERM: stop taking updates and finish the ones in flight. */
export async function stopBot(running: RunningBot | null | undefined): Promise<void> {
  await running?.stop();
}

type Registry = InstanceType<typeof prom.Registry>;

/** Counts updates by type and outcome and times their handling (put right after createBot). */
export function botMetrics<C extends Context>(registry: Registry): MiddlewareFn<C> {
  const updates = new prom.Counter({
    name: 'bot_updates_total',
    help: 'Telegram updates handled, by update type and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new prom.Histogram({
    name: 'bot_update_duration_seconds',
    help: 'Time to handle one Telegram update',
    labelNames: ['type'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return async (ctx, next) => {
    const type = ctx.updateType;
    const end = duration.startTimer({ type });
    try {
      await next();
      updates.inc({ type, outcome: 'ok' });
    } catch (err) {
      updates.inc({ type, outcome: 'error' });
      throw err;
    } finally {
      end();
    }
  };
}
