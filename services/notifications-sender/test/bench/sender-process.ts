/** One notifications-sender replica in its own process for `pnpm bench:sender` (config from env). */
import { parseConfig, senderSchema } from '@fs/config';
import { createLogger } from '@fs/observability';
import { startSender } from '../../src/sender';

const parsed = parseConfig('bench', senderSchema, process.env);
const rate = Number(process.env.BENCH_RATE_OVERRIDE ?? 0);
const config = rate > 0 ? { ...parsed, SENDER_RATE_PER_SECOND: rate } : parsed;
void startSender(config, {
  listen: false,
  relay: false,
  logger: createLogger({ service: 'bench', level: 'error', pretty: false }),
}).then((sender) => {
  process.send?.('ready');
  process.on('message', (m) => {
    if (m === 'exit') void sender.stop().then(() => process.exit(0));
  });
});
