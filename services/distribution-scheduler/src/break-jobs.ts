import { type DispatchDeps, processBreaks } from '@fs/dispatch';

/**
 * Masters' breaks: the reminder ten minutes before the end and the automatic end (see
 * timed-jobs.ts). Reminders are deduplicated in the outbox.
 */
/** The job: process breaks at the wall clock. */
export async function runBreaksJob(deps: DispatchDeps, now: Date): Promise<string> {
  const { reminded, ended } = await processBreaks(deps, now);
  return reminded > 0 || ended > 0 ? 'processed' : 'ok';
}
