import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { SenderConfig } from '@fs/config';
import { createPool, SettingsCache } from '@fs/db';
import type { BotKind } from '@fs/domain';
import type { Logger, ServiceHandle } from '@fs/observability';
import { createServiceBase, type ServiceBase, serviceStop, startRelayLoop } from '@fs/runtime';
import { createSmsProvider } from '@fs/sms';
import { TelegramGateway } from '@fs/telegram';
import type { Worker } from 'bullmq';
import { ClientBotTransport, SmsTransport } from './client-transports';
import { DeliveryEngine, type EngineOptions } from './engine';
import { observeJobDurations } from './job-metrics';
import { leaseTimings } from './lease';
import { createSenderMetrics, type SenderMetrics } from './metrics';
import { OutboxStore } from './outbox-store';
import { SendGate } from './send-gate';
import { TelegramTransport } from './telegram-transport';
import type { Transport } from './transport';
import { createNotifyWorker } from './worker';

/** A plain pending row is left to its BullMQ job (and the relay) this long before the sweep takes it. */
const SWEEP_JOB_GRACE_MS = 5000;

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
  /** One per transport: `master`, `admin`, `client` (the client bot) and `sms`. */
  workers: Partial<Record<BotKind | 'sms', Worker>>;
  engine: DeliveryEngine;
}

/** Builds and starts the sender: one worker per bot token, the relay loop, health and metrics. */
export async function startSender(
  config: SenderConfig,
  opts: StartSenderOptions = {},
): Promise<SenderHandle> {
  const base = await createServiceBase(SERVICE_NAME, config, opts.logger);
  const { logger, registry, db, redis, queues } = base;
  const metrics = createSenderMetrics(registry, db, queues.notifyQueues(), logger);
  const gateFor = (ratePerSecond: number) =>
    new SendGate(redis, config.REDIS_PREFIX, {
      perChatIntervalMs: config.SENDER_PER_CHAT_INTERVAL_MS,
      ratePerSecond,
      maxPauseMs: config.SENDER_MAX_RETRY_AFTER_S * 1000,
      onMissedSlot: (bot) => metrics.missedSlots.inc({ bot }),
    });
  // The bot tokens' pace, and the SMS account's own.
  const gates = {
    telegram: gateFor(config.SENDER_RATE_PER_SECOND),
    sms: gateFor(config.SMS_RATE_PER_SECOND),
  };
  const renewPool = createPool(config.DATABASE_URL, {
    poolSize: 1,
    applicationName: `${SERVICE_NAME}-lease`,
  });
  const store = new OutboxStore(
    db,
    `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    leaseTimings(config.SENDER_LEASE_MS),
    renewPool,
  );
  const sms = createSmsProvider(config);
  const transports = buildTransports(config, base, gates, sms);
  const engine = new DeliveryEngine(
    engineOptions(config, base, store, metrics, opts.now ?? (() => new Date())),
    transports,
  );
  engine.start();
  const workers = startWorkers(config, base, engine, transports, metrics);
  observeJobDurations(registry, Object.values(workers) as Worker[]);
  const relay = opts.relay === false ? null : startRelayLoop(base, config);
  if (opts.listen !== false) await base.health.listen(config.HTTP_PORT, config.HTTP_HOST);
  logger.info(
    {
      ratePerSecond: config.SENDER_RATE_PER_SECOND,
      concurrency: config.SENDER_CONCURRENCY,
      maxAttempts: config.SENDER_MAX_ATTEMPTS,
      leaseMs: config.SENDER_LEASE_MS,
      pool: config.DATABASE_POOL_SIZE,
      clientBot: Boolean(config.CLIENT_BOT_TOKEN),
      sms: sms?.name ?? 'off',
    },
    'notifications sender started',
  );

  return {
    base,
    workers,
    engine,
    stop: serviceStop(base, async () => {
      await relay?.stop();
      // close() waits for in-flight jobs, so nothing is cut off between Telegram and the commit.
      await Promise.all((Object.values(workers) as Worker[]).map((w) => w.close()));
      await engine.stop();
      await renewPool.end().catch(() => {});
    }),
  };
}

function engineOptions(
  config: SenderConfig,
  { db, queues, logger }: ServiceBase,
  store: OutboxStore,
  metrics: SenderMetrics,
  now: () => Date,
): EngineOptions {
  return {
    db,
    store,
    queues,
    settings: new SettingsCache(db),
    metrics,
    logger,
    now,
    maxAttempts: config.SENDER_MAX_ATTEMPTS,
    backoffMs: config.SENDER_BACKOFF_MS,
    timeoutRetryMs: config.SENDER_TIMEOUT_RETRY_MS,
    concurrency: config.SENDER_CONCURRENCY,
    sweepIntervalMs: config.SENDER_SWEEP_INTERVAL_MS,
    sweepJobGraceMs: SWEEP_JOB_GRACE_MS,
    maxBatch: config.SENDER_BATCH,
  };
}

/** One BullMQ worker per transport, each feeding the engine. */
function startWorkers(
  config: SenderConfig,
  { queues, redis, logger }: ServiceBase,
  engine: DeliveryEngine,
  transports: Transport[],
  metrics: SenderMetrics,
): Partial<Record<BotKind | 'sms', Worker>> {
  const workers: Partial<Record<BotKind | 'sms', Worker>> = {};
  for (const transport of transports) {
    workers[transport.name as BotKind | 'sms'] = createNotifyWorker({
      engine,
      transport,
      queues,
      connection: redis,
      prefix: config.REDIS_PREFIX,
      concurrency: config.SENDER_CONCURRENCY,
      backoffMs: config.SENDER_BACKOFF_MS,
      metrics,
      logger,
    });
  }
  return workers;
}

/** One transport per channel: the master and admin bots, the client's channels (its bot, SMS). */
function buildTransports(
  config: SenderConfig,
  { db, registry }: ServiceBase,
  gates: { telegram: SendGate; sms: SendGate },
  sms: ReturnType<typeof createSmsProvider>,
): Transport[] {
  const gate = gates.telegram;
  const telegram = (bot: BotKind, token: string) =>
    new TelegramTransport({
      bot,
      db,
      gate,
      gateway: new TelegramGateway({
        token,
        apiRoot: config.TELEGRAM_API_ROOT,
        bot,
        registry,
        timeoutMs: config.SENDER_TELEGRAM_TIMEOUT_MS,
        pause: gate.forToken(bot),
      }),
      ratePerSecond: config.SENDER_RATE_PER_SECOND,
      maxRetryAfterS: config.SENDER_MAX_RETRY_AFTER_S,
    });
  return [
    telegram('master', config.MASTER_BOT_TOKEN),
    telegram('admin', config.ADMIN_BOT_TOKEN),
    // The client's channels: without a token or a provider their rows are skipped with the reason.
    new ClientBotTransport(
      db,
      config.CLIENT_BOT_TOKEN ? telegram('client', config.CLIENT_BOT_TOKEN) : null,
      config.SENDER_RATE_PER_SECOND,
    ),
    new SmsTransport({
      db,
      provider: sms,
      gate: gates.sms,
      ratePerSecond: config.SMS_RATE_PER_SECOND,
      clientBotUsername: config.CLIENT_BOT_USERNAME ?? null,
      maxRetryAfterS: config.SENDER_MAX_RETRY_AFTER_S,
    }),
  ];
}
