import type { MasterBotConfig } from '@fs/config';
import { SettingsCache } from '@fs/db';
import { createServiceBase } from '@fs/runtime';
import { type BotService, type BotServiceOptions, serveBot } from '@fs/telegram';
import { buildBot } from './bot';
import type { MasterContext } from './context';

export interface MasterBotOptions extends BotServiceOptions {
  /** The bot's clock for time-dependent texts (tests pin it); the real clock by default. */
  now?: () => Date;
}

export type MasterBot = BotService<MasterContext>;

/** Builds and starts the master bot (polling or webhook) with its health/metrics server. */
export async function startMasterBot(
  config: MasterBotConfig,
  opts: MasterBotOptions = {},
): Promise<MasterBot> {
  const base = await createServiceBase('master-bot', config, opts.logger, { failFastRedis: true });
  const { logger, db, queues } = base;
  const deps = {
    db,
    logger,
    dispatch: { db, queues, logger, settings: new SettingsCache(db) },
    now: opts.now ?? (() => new Date()),
  };
  const bot = buildBot(config, deps, base);
  return serveBot(bot, { name: 'master bot', base, config, httpPort: opts.httpPort, onFatal: opts.onFatal });
}
