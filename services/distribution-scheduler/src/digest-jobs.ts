import type { DispatchDeps } from '@fs/dispatch';

/** The unassigned-orders digest per city (see timed-jobs.ts). */
export const DIGEST_JOB = 'unassigned-digest';
export const DIGEST_SCHEDULER_ID = 'unassigned-digest';
export const DIGEST_EVERY_MS = 60_000;

export async function runDigestJob(_deps: DispatchDeps, _now: Date): Promise<string> {
  return 'ok';
}
