import type { AdminBotConfig } from '@fs/config';
import { SettingsCache } from '@fs/db';
import { createGeocoder } from '@fs/geo';
import { createServiceBase } from '@fs/runtime';
import { type BotService, type BotServiceOptions, serveBot } from '@fs/telegram';
import { buildBot } from './bot';
import type { AdminBotDeps, AdminContext } from './context';

export interface AdminBotOptions extends BotServiceOptions {
  /** The clock of the time-dependent screens (tests pin it); the real clock by default. */
  now?: () => Date;
}

export type AdminBot = BotService<AdminContext>;

/** Builds and starts the admin bot (polling or webhook) with its health/metrics server. */
export async function startAdminBot(config: AdminBotConfig, opts: AdminBotOptions = {}): Promise<AdminBot> {
  const base = await createServiceBase('admin-bot', config, opts.logger, { failFastRedis: true });
  const { logger, db, redis, queues } = base;
  const deps: AdminBotDeps = {
    db,
    redis,
    queues,
    logger,
    config,
    now: opts.now ?? (() => new Date()),
    dispatch: { db, queues, logger, settings: new SettingsCache(db), geocoder: createGeocoder(config) },
    ...(config.MASTER_BOT_TOKEN
      ? { masterFiles: { apiRoot: config.TELEGRAM_API_ROOT, token: config.MASTER_BOT_TOKEN } }
      : {}),
  };
  const bot = buildBot(config, deps, base);
  return serveBot(bot, { name: 'admin bot', base, config, httpPort: opts.httpPort, onFatal: opts.onFatal });
}
