import { clientBotSchema, loadConfigOrExit } from '@fs/config';
import { createLogger, runService } from '@fs/observability';
import { startClientBot } from './app';

const config = loadConfigOrExit('client-bot', clientBotSchema);
const logger = createLogger({ service: 'client-bot', level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });

runService({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: () =>
    startClientBot(config, {
      logger,
      onFatal: () => setTimeout(() => process.exit(1), 100),
    }),
});
