import type { Logger, prom } from '@fs/observability';
import type { Redis } from 'ioredis';
import { Composer, type Context, type Middleware, type MiddlewareFn, type Telegraf } from 'telegraf';
import { botMetrics, createBot, staleCallbacks } from './bot';
import { privateOnly } from './private-only';
import { onUserContact } from './reachable';
import { type RedisSessionOptions, redisSession } from './session';
import { type WizardContext, type WizardSession, wizards } from './wizard';

/** The texts every bot's frame speaks (each bot's texts module owns the wording). */
export interface BotFrameTexts {
  error: string;
  outage: string;
  privateOnly: string;
  staleButton: string;
}

export interface AssembleBotOptions<C extends Context & { deps: D }, D extends { logger: Logger }> {
  token: string;
  apiRoot: string;
  deps: D;
  texts: BotFrameTexts;
  registry: InstanceType<typeof prom.Registry>;
  /** An update from a person marks them reachable again (staff, masters). */
  onContact?: (tgUserId: number) => Promise<unknown>;
  /** Session and wizard store (`wizardSession`), for bots with wizards. */
  session?: MiddlewareFn<C>;
  /** Who the user is, loaded once per update (sets ctx.staff / ctx.master / ctx.client). */
  identify: Middleware<C>;
  /** Every feature composer, in order; the fallback hint last. */
  features: readonly Middleware<C>[];
}

/**
 * Every bot's frame in one order: safety net (createBot), metrics, private chats only, contact
 * → reachable, session + wizards, ctx.deps, identify, the features, and last the answer to a
 * stale or malformed button.
 */
export function assembleBot<C extends Context & { deps: D }, D extends { logger: Logger }>(
  o: AssembleBotOptions<C, D>,
): Telegraf<C> {
  const { deps, texts } = o;
  const bot = createBot<C>(o.token, {
    apiRoot: o.apiRoot,
    logger: deps.logger,
    errorText: texts.error,
    outageText: texts.outage,
  });
  bot.use(botMetrics(o.registry));
  bot.use(privateOnly(texts.privateOnly, deps.logger));
  if (o.onContact) bot.use(onUserContact(o.onContact));
  if (o.session) bot.use(o.session);
  bot.use((ctx, next) => {
    ctx.deps = deps;
    return next();
  });
  bot.use(o.identify);
  bot.use(...o.features);
  bot.use(staleCallbacks(texts.staleButton, deps.logger));
  return bot;
}

/** The session settings every bot with wizards reads from its config. */
export interface WizardSessionConfig {
  REDIS_PREFIX: string;
  SESSION_TTL_SECONDS: number;
  WIZARD_IDLE_SECONDS: number;
}

/** The Redis session and the typed wizard store on it (one idle timeout: WIZARD_IDLE_SECONDS). */
export function wizardSession<S extends WizardSession, C extends WizardContext & { session?: S }>(
  bot: RedisSessionOptions<S>['bot'],
  redis: Redis,
  config: WizardSessionConfig,
): MiddlewareFn<C> {
  return Composer.compose<C>([
    redisSession<S, C>({ redis, prefix: config.REDIS_PREFIX, bot, ttlSeconds: config.SESSION_TTL_SECONDS }),
    wizards<C>(config.WIZARD_IDLE_SECONDS),
  ]);
}
