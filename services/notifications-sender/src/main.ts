import { loadConfigOrExit, senderSchema } from '@fs/config';
import { createLogger, runService } from '@fs/observability';
import { SERVICE_NAME, startSender } from './sender';

const config = loadConfigOrExit(SERVICE_NAME, senderSchema);
const logger = createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
runService({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, start: () => startSender(config, { logger }) });
