import type { DispatchDeps } from '@fs/dispatch';
import type { Queue } from 'bullmq';
import { runBreaksJob } from './break-jobs';
import { runCommissionsJob } from './commission-jobs';
import { runDigestJob } from './digest-jobs';
import { runMasterLoadJob } from './master-load-jobs';
import { runPlacesJob } from './places-jobs';

/**
 * Periodic jobs of the cluster, each a BullMQ Job Scheduler on the distribution queue: every
 * replica upserts the same scheduler id at start, so each runs once per interval for the whole
 * cluster however many replicas there are. Each job is idempotent (outbox dedup keys, row
 * locks), so an overlap or a retry sends nothing twice.
 */
export interface TimedJob {
  name: string;
  schedulerId: string;
  everyMs: number;
  /** Returns the outcome label for metrics ('ok', 'processed'…). */
  run(deps: DispatchDeps, now: Date): Promise<string>;
}

export const TIMED_JOBS: readonly TimedJob[] = [
  { name: 'breaks', schedulerId: 'master-breaks', everyMs: 60_000, run: runBreaksJob },
  { name: 'commissions', schedulerId: 'commission-deadlines', everyMs: 60_000, run: runCommissionsJob },
  { name: 'unassigned-digest', schedulerId: 'unassigned-digest', everyMs: 60_000, run: runDigestJob },
  { name: 'places', schedulerId: 'places-housekeeping', everyMs: 30_000, run: runPlacesJob },
  { name: 'master-load', schedulerId: 'master-load-housekeeping', everyMs: 300_000, run: runMasterLoadJob },
];

export async function scheduleTimedJobs(queue: Queue): Promise<void> {
  for (const job of TIMED_JOBS) await upsertEvery(queue, job.schedulerId, job.everyMs, job.name);
}

/** Upserts a Job Scheduler adding one `name` job every `everyMs` (the safety tick uses it too). */
export async function upsertEvery(queue: Queue, schedulerId: string, everyMs: number, name: string) {
  await queue.upsertJobScheduler(
    schedulerId,
    { every: everyMs },
    { name, data: {}, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } } },
  );
}
