import { type DispatchDeps, processCommissionDeadlines } from '@fs/dispatch';

/**
 * Commission deadline reminders and overdue → block (see timed-jobs.ts and @fs/dispatch
 * commission-deadlines for the reminder thresholds and the exactly-once rules).
 */
export const COMMISSIONS_JOB = 'commissions';
export const COMMISSIONS_SCHEDULER_ID = 'commission-deadlines';
export const COMMISSIONS_EVERY_MS = 60_000;

export async function runCommissionsJob(deps: DispatchDeps, now: Date): Promise<string> {
  const { reminded, overdue } = await processCommissionDeadlines(deps, now);
  return reminded > 0 || overdue > 0 ? 'processed' : 'ok';
}
