import { loadConfigOrExit, masterBotSchema } from '@fs/config';
import { createLogger, runService } from '@fs/observability';
import { startMasterBot } from './app';

const config = loadConfigOrExit('master-bot', masterBotSchema);
const logger = createLogger({ service: 'master-bot', level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });

runService({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: () =>
    startMasterBot(config, {
      logger,
      onFatal: () => setTimeout(() => process.exit(1), 100),
    }),
});
