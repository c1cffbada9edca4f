import type { HealthServer, Logger } from '@fs/observability';
import type { Context, Telegraf } from 'telegraf';
import { type RunningBot, startBot } from './bot';

/** A bot with its HTTP server (health, metrics, webhook), started and stoppable as one. */
export interface BotService<C extends Context> {
  bot: Telegraf<C>;
  /** Base URL of the health/metrics (and webhook) server. */
  httpUrl: string;
  running: RunningBot;
  stop(): Promise<void>;
}

/** What every bot's start function accepts besides its config (tests set these). */
export interface BotServiceOptions {
  logger?: Logger;
  /** Overrides HTTP_PORT (0 = any free port; tests). */
  httpPort?: number;
  /** Polling mode: the loop died (bad token, 409 from a second poller). */
  onFatal?: (err: unknown) => void;
}

export interface ServeBotOptions {
  name: string;
  base: { health: HealthServer; logger: Logger; close(): Promise<void> };
  config: {
    BOT_MODE: 'polling' | 'webhook';
    WEBHOOK_URL?: string;
    WEBHOOK_SECRET?: string;
    HTTP_PORT: number;
    HTTP_HOST: string;
  };
  httpPort?: number;
  onFatal?: (err: unknown) => void;
}

/**
 * Starts a built bot (polling or webhook on the service's fastify) and its HTTP server. Stop
 * drains readiness first, then the bot, then the connections. A failed start closes everything.
 */
export async function serveBot<C extends Context>(
  bot: Telegraf<C>,
  opts: ServeBotOptions,
): Promise<BotService<C>> {
  const { base, config } = opts;
  let running: RunningBot | undefined;
  try {
    running = await startBot(bot, {
      mode: config.BOT_MODE,
      logger: base.logger,
      app: base.health.app,
      webhookUrl: config.WEBHOOK_URL,
      secret: config.WEBHOOK_SECRET,
      onFatal: opts.onFatal,
    });
    const httpUrl = await base.health.listen(opts.httpPort ?? config.HTTP_PORT, config.HTTP_HOST);
    base.logger.info({ http: httpUrl, mode: config.BOT_MODE }, `${opts.name} started`);
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
