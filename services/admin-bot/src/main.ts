import { adminBotSchema, loadConfigOrExit } from '@fs/config';
import { createLogger, runService } from '@fs/observability';
import { startAdminBot } from './app';

const config = loadConfigOrExit('admin-bot', adminBotSchema);
const logger = createLogger({ service: 'admin-bot', level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });

runService({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: () =>
    startAdminBot(config, {
      logger,
      onFatal: () => setTimeout(() => process.exit(1), 100),
    }),
});
