import type { AdminBotConfig } from '@fs/config';
import { markReachableAgain, SettingsCache } from '@fs/db';
import { createGeocoder } from '@fs/geo';
import type { Logger } from '@fs/observability';
import { createServiceBase } from '@fs/runtime';
import {
  type BotService,
  botMetrics,
  createBot,
  onUserContact,
  redisSession,
  serveBot,
  staleCallbacks,
} from '@fs/telegram';
import type { AdminBotDeps, AdminContext, AdminSession } from './context';
import { accessFeature } from './features/access';
import { mastersFeature } from './features/masters';
import { fallbackFeature, menuFeature } from './features/menu';
import { opsFeature } from './features/ops';
import { orderCreateFeature } from './features/order-create';
import { ordersFeature } from './features/orders';
import { texts } from './texts';

export interface AdminBotOptions {
  logger?: Logger;
  /** Overrides HTTP_PORT (0 = any free port; tests). */
  httpPort?: number;
  /** Polling mode: the loop died (bad token, 409 from a second poller). */
  onFatal?: (err: unknown) => void;
}

export type AdminBot = BotService<AdminContext>;

/** Builds and starts the admin bot (polling or webhook) with its health/metrics server. */
export async function startAdminBot(config: AdminBotConfig, opts: AdminBotOptions = {}): Promise<AdminBot> {
  const base = await createServiceBase('admin-bot', config, opts.logger);
  const { logger, db, redis, queues } = base;
  const deps: AdminBotDeps = {
    db,
    redis,
    queues,
    logger,
    config,
    dispatch: { db, queues, logger, settings: new SettingsCache(db), geocoder: createGeocoder(config) },
    ...(config.MASTER_BOT_TOKEN
      ? { masterFiles: { apiRoot: config.TELEGRAM_API_ROOT, token: config.MASTER_BOT_TOKEN } }
      : {}),
  };

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
  // Order matters: access first (sets ctx.staff or stops), wizards' message handlers before
  // the fallback hint.
  accessFeature(bot, deps);
  menuFeature(bot, deps);
  orderCreateFeature(bot, deps);
  ordersFeature(bot, deps);
  mastersFeature(bot, deps);
  opsFeature(bot, deps);
  fallbackFeature(bot);
  bot.use(staleCallbacks(texts.staleButton, logger));

  return serveBot(bot, { name: 'admin bot', base, config, httpPort: opts.httpPort, onFatal: opts.onFatal });
}
