import { loadConfigOrExit, schedulerSchema } from '@fs/config';
import { createLogger, runService } from '@fs/observability';
import { SERVICE_NAME, startScheduler } from './scheduler';

const config = loadConfigOrExit(SERVICE_NAME, schedulerSchema);
const logger = createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });

runService({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: () => startScheduler(config, { logger }),
});
