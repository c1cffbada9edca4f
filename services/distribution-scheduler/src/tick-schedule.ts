import type { SettingsCache } from '@fs/db';
import type { Logger } from '@fs/observability';
import { DISTRIBUTION_JOBS, TICK_SCHEDULER_ID } from '@fs/queue';
import type { Queue } from 'bullmq';
import { upsertEvery } from './timed-jobs';

/**
 * Keeps the cluster-wide safety tick (a BullMQ Job Scheduler: one job per interval however
 * many replicas run) in step with the `distribution_tick_seconds` setting.
 */
export class TickSchedule {
  private current: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;

  constructor(
    private readonly queue: Queue,
    private readonly settings: SettingsCache,
    private readonly logger: Logger,
    private readonly checkEveryMs = 5000,
  ) {}

  async start(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => {
      this.syncing ??= this.sync()
        .catch((err) => this.logger.warn({ err: String(err) }, 'tick schedule sync failed'))
        .finally(() => {
          this.syncing = null;
        });
    }, this.checkEveryMs);
    this.timer.unref();
  }

  private async sync(): Promise<void> {
    const seconds = (await this.settings.get()).distribution_tick_seconds;
    if (seconds === this.current) return;
    await upsertEvery(this.queue, TICK_SCHEDULER_ID, seconds * 1000, DISTRIBUTION_JOBS.tick);
    this.logger.info({ tick_seconds: seconds }, 'safety tick scheduled');
    this.current = seconds;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.syncing;
  }
}
