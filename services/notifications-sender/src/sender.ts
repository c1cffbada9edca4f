import type { SenderConfig } from '@fs/config';
import { SettingsCache } from '@fs/db';
import type { BotKind } from '@fs/domain';
import type { Logger, ServiceHandle } from '@fs/observability';
import { createServiceBase, type ServiceBase } from '@fs/runtime';
import { TelegramGateway } from '@fs/telegram';
import type { Worker } from 'bullmq';
import { observeJobDurations } from './job-metrics';
import { createSenderMetrics } from './metrics';
import { startRelayLoop } from './relay-loop';
import { SendGate } from './send-gate';
import { createNotifyWorker } from './worker';

export const SERVICE_NAME = 'notifications-sender';

export interface StartSenderOptions {
  logger?: Logger;
  /** Serve /health and /metrics on HTTP_PORT (default true; tests usually turn it off). */
  listen?: boolean;
  /** Run the outbox relay loop (default true). */
  relay?: boolean;
  /** Clock for rendering (time left, today/tomorrow); tests may pin it. */
  now?: () => Date;
}

export interface SenderHandle extends ServiceHandle {
  base: ServiceBase;
  workers: Partial<Record<BotKind, Worker>>;
}

/** Builds and starts the sender: one worker per bot token, the relay loop, health and metrics. */
export async function startSender(
  config: SenderConfig,
  opts: StartSenderOptions = {},
): Promise<SenderHandle> {
  const base = await createServiceBase(SERVICE_NAME, config, opts.logger);
  const { logger, registry, db, redis, queues } = base;
  const settings = new SettingsCache(db);
  const gate = new SendGate(redis, config.REDIS_PREFIX, {
    perChatIntervalMs: config.SENDER_PER_CHAT_INTERVAL_MS,
    ratePerSecond: config.SENDER_RATE_PER_SECOND,
    maxPauseMs: config.SENDER_MAX_RETRY_AFTER_S * 1000,
  });
  const metrics = createSenderMetrics(registry, db, [queues.notifyMaster, queues.notifyStaff]);
  const tokens = { master: config.MASTER_BOT_TOKEN, admin: config.ADMIN_BOT_TOKEN } as const;

  const workers: Partial<Record<BotKind, Worker>> = {};
  for (const bot of ['master', 'admin'] as const) {
    const gateway = new TelegramGateway({
      token: tokens[bot],
      apiRoot: config.TELEGRAM_API_ROOT,
      bot,
      registry,
      pause: gate.forToken(bot),
    });
    workers[bot] = createNotifyWorker({
      deps: {
        db,
        bot,
        gateway,
        gate,
        settings,
        maxAttempts: config.SENDER_MAX_ATTEMPTS,
        now: opts.now ?? (() => new Date()),
      },
      db,
      queues,
      connection: redis,
      prefix: config.REDIS_PREFIX,
      concurrency: config.SENDER_CONCURRENCY,
      ratePerSecond: config.SENDER_RATE_PER_SECOND,
      backoffMs: config.SENDER_BACKOFF_MS,
      maxRetryAfterS: config.SENDER_MAX_RETRY_AFTER_S,
      metrics,
      logger,
    });
  }
  observeJobDurations(registry, Object.values(workers) as Worker[]);
  const relay =
    opts.relay === false
      ? null
      : startRelayLoop({
          db,
          queues,
          intervalMs: config.OUTBOX_RELAY_INTERVAL_MS,
          staleMs: config.OUTBOX_RELAY_STALE_MS,
          logger,
        });
  if (opts.listen !== false) await base.health.listen(config.HTTP_PORT, config.HTTP_HOST);
  logger.info(
    {
      ratePerSecond: config.SENDER_RATE_PER_SECOND,
      concurrency: config.SENDER_CONCURRENCY,
      maxAttempts: config.SENDER_MAX_ATTEMPTS,
    },
    'notifications sender started',
  );

  let stopping: Promise<void> | null = null;
  return {
    base,
    workers,
    stop() {
      stopping ??= (async () => {
        base.health.setDraining();
        await relay?.stop();
        // close() waits for in-flight jobs, so nothing is cut off between Telegram and the commit.
        await Promise.all((Object.values(workers) as Worker[]).map((w) => w.close()));
        await base.close();
      })();
      return stopping;
    },
  };
}
