import type { Db } from '@fs/db';
import type { Logger } from '@fs/observability';
import { type Queues, relayOutbox } from '@fs/queue';

/** Periodically re-enqueues outbox rows whose enqueue after commit was lost. */
export class OutboxRelayLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly queues: Queues,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly onRelayed: (n: number) => void,
    private readonly staleMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce().finally(() => {
        this.running = null;
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  async runOnce(): Promise<void> {
    try {
      const n = await relayOutbox(this.db, this.queues, { staleMs: this.staleMs });
      if (n > 0) {
        this.onRelayed(n);
        this.logger.info({ rows: n }, 'outbox relay re-enqueued rows');
      }
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'outbox relay failed');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
