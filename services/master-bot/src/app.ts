import type { MasterBotConfig } from '@fs/config';
import { markReachableAgain, SettingsCache } from '@fs/db';
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
import type { MasterBotDeps, MasterContext, MasterSession } from './context';
import { activeOrdersFeature } from './features/active-orders';
import { cabinetFeature } from './features/cabinet';
import { closeOrderFeature, fallbackFeature } from './features/close-order';
import { offerAcceptFeature } from './features/offer-accept';
import { offerDeclineFeature } from './features/offer-decline';
import { offersFeature } from './features/offers';
import { onboardingFeature } from './features/onboarding';
import { shiftFeature } from './features/shift';
import { startFeature } from './features/start';

import { texts } from './texts';

export interface MasterBotOptions {
  logger?: Logger;
  /** Overrides HTTP_PORT (0 = any free port; tests). */
  httpPort?: number;
  /** Polling mode: the loop died (bad token, 409 from a second poller). */
  onFatal?: (err: unknown) => void;
}

export type MasterBot = BotService<MasterContext>;

/** Builds and starts the master bot (polling or webhook) with its health/metrics server. */
export async function startMasterBot(
  config: MasterBotConfig,
  opts: MasterBotOptions = {},
): Promise<MasterBot> {
  const base = await createServiceBase('master-bot', config, opts.logger);
  const { logger, db, queues, redis } = base;
  const deps: MasterBotDeps = {
    db,
    logger,
    dispatch: { db, queues, logger, settings: new SettingsCache(db) },
  };

  const bot = createBot<MasterContext>(config.MASTER_BOT_TOKEN, {
    apiRoot: config.TELEGRAM_API_ROOT,
    logger,
    errorText: texts.error,
  });
  bot.use(botMetrics(base.registry));
  bot.use(onUserContact((id) => markReachableAgain(base.db, 'master', id)));
  bot.use(
    redisSession<MasterSession, MasterContext>({
      redis,
      prefix: config.REDIS_PREFIX,
      bot: 'master',
      ttlSeconds: config.SESSION_TTL_SECONDS,
    }),
  );
  // Order matters: wizards that read plain messages come before the closing wizard, which
  // also owns /cancel; the fallback hint is last.
  startFeature(bot, deps);
  onboardingFeature(bot, deps);
  offerAcceptFeature(bot, deps);
  offerDeclineFeature(bot, deps);
  shiftFeature(bot, deps);
  offersFeature(bot, deps);
  activeOrdersFeature(bot, deps);
  cabinetFeature(bot, deps);
  closeOrderFeature(bot, deps);
  fallbackFeature(bot);
  bot.use(staleCallbacks(texts.staleButton, logger));

  return serveBot(bot, { name: 'master bot', base, config, httpPort: opts.httpPort, onFatal: opts.onFatal });
}
