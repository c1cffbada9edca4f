import { relayOutbox } from '@fs/queue';
import type { ServiceBase } from './index';

export interface RelayConfig {
  OUTBOX_RELAY_INTERVAL_MS: number;
  OUTBOX_RELAY_STALE_MS: number;
}

/**
 * Runs the outbox relay every OUTBOX_RELAY_INTERVAL_MS: rows whose enqueue after commit was lost
 * (Redis down, a producer died) get their job. Runs on every replica of the scheduler and the
 * sender; job ids make that harmless. A run starts the interval after the previous one ended.
 */
export function startRelayLoop(
  { db, queues, logger }: Pick<ServiceBase, 'db' | 'queues' | 'logger'>,
  config: RelayConfig,
  /** Called with the number of rows a run re-enqueued, when it found some. */
  onRelayed?: (n: number) => void,
): {
  stop(): Promise<void>;
} {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    try {
      const n = await relayOutbox(db, queues, { staleMs: config.OUTBOX_RELAY_STALE_MS });
      if (n > 0) {
        onRelayed?.(n);
        logger.info({ count: n }, 'relayed pending outbox rows');
      }
    } catch (err) {
      logger.warn({ err }, 'outbox relay failed; will retry');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, config.OUTBOX_RELAY_INTERVAL_MS);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
