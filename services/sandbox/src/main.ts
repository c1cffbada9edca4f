import { loadConfigOrExit } from '@fs/config';
import { createLogger, runService } from '@fs/observability';
import { sandboxSchema } from './config';
import { startSandbox } from './sandbox';

const config = loadConfigOrExit('sandbox', sandboxSchema);
const logger = createLogger({ service: 'sandbox', level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

runService({
  logger,
  timeoutMs: config.SANDBOX_STOP_DELAY_MS + 5000,
  start: async () => {
    const sandbox = await startSandbox(config, { logger });
    // The one thing a newcomer needs from the logs, printed plainly so it stands out.
    process.stdout.write(`\n  ➜  Откройте ${sandbox.openUrl}  (песочница: оба бота в браузере)\n\n`);
    return {
      async stop() {
        // Under `pnpm dev` every process gets the signal at once: keep answering for a moment
        // so the bots' last calls (the long poll they abort, a final send) succeed while they drain.
        await sleep(config.SANDBOX_STOP_DELAY_MS);
        await sandbox.stop();
      },
    };
  },
});
