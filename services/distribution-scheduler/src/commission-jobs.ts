import type { DispatchDeps } from '@fs/dispatch';

/** Commission deadline reminders and overdue → block (see timed-jobs.ts). */
export const COMMISSIONS_JOB = 'commissions';
export const COMMISSIONS_SCHEDULER_ID = 'commission-deadlines';
export const COMMISSIONS_EVERY_MS = 60_000;

export async function runCommissionsJob(_deps: DispatchDeps, _now: Date): Promise<string> {
  return 'ok';
}
