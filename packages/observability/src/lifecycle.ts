import { createLogger, type Logger } from './logger';

export interface ServiceHandle {
  /** Stop taking work, finish in-flight work, close connections. */
  stop(): Promise<void>;
}

/**
 * Runs a service: start it, and on SIGTERM/SIGINT stop it within `timeoutMs`, then exit 0
 * (1 if stopping failed or timed out). A failed start exits 1 with the error logged.
 */
export function runService(opts: {
  logger: Logger;
  start: () => Promise<ServiceHandle>;
  timeoutMs?: number;
}): void {
  const { logger } = opts;
  let handle: ServiceHandle | null = null;
  let stopping = false;

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: opts.timeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, opts.timeoutMs ?? 10_000);
    timer.unref();
    try {
      await handle?.stop();
      logger.info('stopped cleanly');
      logger.flush?.();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'error while stopping');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));

  opts
    .start()
    .then((h) => {
      handle = h;
      if (stopping) void h.stop().then(() => process.exit(0));
    })
    .catch((err) => {
      logger.fatal({ err }, 'failed to start');
      setTimeout(() => process.exit(1), 100);
    });
}

/** Retries `fn` with capped exponential backoff until it succeeds (start-up waits for Postgres/Redis). */
export async function waitFor(
  name: string,
  fn: () => Promise<unknown>,
  logger: Logger,
  maxWaitMs = 120_000,
): Promise<void> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      await fn();
      return;
    } catch (err) {
      if (Date.now() - started > maxWaitMs)
        throw new Error(`${name} not reachable after ${maxWaitMs} ms: ${String(err)}`);
      const delay = Math.min(250 * 2 ** attempt, 5000);
      logger.warn(
        { dependency: name, attempt, delayMs: delay, err: String(err) },
        'dependency not ready; retrying',
      );
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/**
 * A service's main: its logger from the config, then runService. `start` gets the logger and
 * an onFatal that exits (a bot's polling loop died).
 */
export function runMain<C extends { LOG_LEVEL: string; LOG_PRETTY?: boolean; SHUTDOWN_TIMEOUT_MS: number }>(
  service: string,
  config: C,
  start: (config: C, opts: { logger: Logger; onFatal: () => void }) => Promise<ServiceHandle>,
): void {
  const logger = createLogger({ service, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  const onFatal = () => setTimeout(() => process.exit(1), 100);
  runService({
    logger,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    start: () => start(config, { logger, onFatal }),
  });
}
