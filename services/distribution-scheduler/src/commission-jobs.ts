import { type DispatchDeps, processCommissionDeadlines } from '@fs/dispatch';

/**
 * Commission deadline reminders and overdue → block (see timed-jobs.ts and @fs/dispatch
 * commission-deadlines for the reminder thresholds and the exactly-once rules).
 */
export async function runCommissionsJob(deps: DispatchDeps, now: Date): Promise<string> {
  const { reminded, overdue } = await processCommissionDeadlines(deps, now);
  return reminded > 0 || overdue > 0 ? 'processed' : 'ok';
}
