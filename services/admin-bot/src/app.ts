import type { AdminBotConfig } from '@fs/config';
import { markReachableAgain } from '@fs/db';
import type { Logger } from '@fs/observability';
import { createServiceBase } from '@fs/runtime';
import {
  botMetrics,
  createBot,
  onUserContact,
  type RunningBot,
  redisSession,
  staleCallbacks,
  startBot,
} from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import type { AdminBotDeps, AdminContext, AdminSession } from './context';
import { accessFeature } from './features/access';
import { texts } from './texts';

export interface AdminBotOptions {
  logger?: Logger;
  /** Overrides HTTP_PORT (0 = any free port; tests). */
  httpPort?: number;
  /** Polling mode: the loop died (bad token, 409 from a second poller). */
  onFatal?: (err: unknown) => void;
}

export interface AdminBot {
  bot: Telegraf<AdminContext>;
  /** Base URL of the health/metrics (and webhook) server. */
  httpUrl: string;
  running: RunningBot;
  stop(): Promise<void>;
}

/** Builds and starts the admin bot (polling or webhook) with its health/metrics server. */
export async function startAdminBot(config: AdminBotConfig, opts: AdminBotOptions = {}): Promise<AdminBot> {
  const base = await createServiceBase('admin-bot', config, opts.logger);
  const { logger, db, redis } = base;
  const deps: AdminBotDeps = { db, redis, logger, config };

  const bot = createBot<AdminContext>(config.ADMIN_BOT_TOKEN, {
    apiRoot: config.TELEGRAM_API_ROOT,
    logger,
    errorText: texts.error,
  });
  bot.use(botMetrics(base.registry));
  bot.use(onUserContact((id) => markReachableAgain(base.db, 'staff', id)));
  bot.use(
    redisSession<AdminSession, AdminContext>({
      redis,
      prefix: config.REDIS_PREFIX,
      bot: 'admin',
      ttlSeconds: config.SESSION_TTL_SECONDS,
    }),
  );
  accessFeature(bot, deps);
  bot.use(staleCallbacks(texts.staleButton, logger));

  let running: RunningBot | undefined;
  try {
    running = await startBot(bot, {
      mode: config.BOT_MODE,
      logger,
      app: base.health.app,
      webhookUrl: config.WEBHOOK_URL,
      secret: config.WEBHOOK_SECRET,
      onFatal: opts.onFatal,
    });
    const httpUrl = await base.health.listen(opts.httpPort ?? config.HTTP_PORT, config.HTTP_HOST);
    logger.info({ http: httpUrl, mode: config.BOT_MODE }, 'admin bot started');
    const started = running;
    return {
      bot,
      httpUrl,
      running: started,
      async stop() {
        base.health.setDraining();
        await started.stop();
        await base.close();
      },
    };
  } catch (err) {
    await running?.stop().catch(() => {});
    await base.close().catch(() => {});
    throw err;
  }
}
