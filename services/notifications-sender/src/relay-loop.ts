import type { Db } from '@fs/db';
import type { Logger } from '@fs/observability';
import { type Queues, relayOutbox } from '@fs/queue';

/**
 * Runs the outbox relay every `intervalMs`: rows whose enqueue after commit was lost (Redis
 * down, a producer died) get their job. Runs on every replica; job ids make that harmless.
 */
export function startRelayLoop(opts: {
  db: Db;
  queues: Queues;
  intervalMs: number;
  staleMs: number;
  logger: Logger;
}): {
  stop(): Promise<void>;
} {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    try {
      const n = await relayOutbox(opts.db, opts.queues, { staleMs: opts.staleMs });
      if (n > 0) opts.logger.info({ count: n }, 'relayed pending outbox rows');
    } catch (err) {
      opts.logger.warn({ err }, 'outbox relay failed; will retry');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, opts.intervalMs);
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
