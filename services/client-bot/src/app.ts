import type { ClientBotConfig } from '@fs/config';
import { SettingsCache } from '@fs/db';
import { createServiceBase } from '@fs/runtime';
import { type BotService, type BotServiceOptions, serveBot } from '@fs/telegram';
import { buildBot } from './bot';
import type { ClientBotDeps, ClientContext } from './context';
import { mountSmsInbound } from './sms-inbound';

export type ClientBotOptions = BotServiceOptions;

export type ClientBot = BotService<ClientContext>;

/** Builds and starts the client bot (polling or webhook) with its health/metrics server and the SMS callback. */
export async function startClientBot(
  config: ClientBotConfig,
  opts: ClientBotOptions = {},
): Promise<ClientBot> {
  const base = await createServiceBase('client-bot', config, opts.logger, { failFastRedis: true });
  const { logger, db, queues } = base;
  const deps: ClientBotDeps = {
    db,
    logger,
    dispatch: { db, queues, logger, settings: new SettingsCache(db) },
  };
  if (config.SMS_INBOUND_SECRET)
    mountSmsInbound(base.health.app, { db, logger, secret: config.SMS_INBOUND_SECRET });
  const bot = buildBot(config, deps, base);
  return serveBot(bot, { name: 'client bot', base, config, httpPort: opts.httpPort, onFatal: opts.onFatal });
}
