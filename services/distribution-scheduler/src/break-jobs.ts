import { type DispatchDeps, processBreaks } from '@fs/dispatch';
import type { Queue } from 'bullmq';

/**
 * Masters' breaks: the reminder ten minutes before the end and the automatic end, run by a
 * BullMQ Job Scheduler on the distribution queue (one job per interval for the whole cluster,
 * however many replicas upsert it). Reminders are deduplicated in the outbox, so an overlap or
 * a retry sends nothing twice.
 */
export const BREAKS_JOB = 'breaks';
export const BREAKS_SCHEDULER_ID = 'master-breaks';
export const BREAKS_EVERY_MS = 60_000;

/** Idempotent: every replica calls it at start; the scheduler id keeps one schedule. */
export async function scheduleBreakJobs(queue: Queue, everyMs = BREAKS_EVERY_MS): Promise<void> {
  await queue.upsertJobScheduler(
    BREAKS_SCHEDULER_ID,
    { every: everyMs },
    {
      name: BREAKS_JOB,
      data: {},
      opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } },
    },
  );
}

/** The job: process breaks at the wall clock. */
export async function runBreaksJob(deps: DispatchDeps, now = new Date()): Promise<string> {
  const { reminded, ended } = await processBreaks(deps, now);
  return reminded > 0 || ended > 0 ? 'processed' : 'ok';
}
