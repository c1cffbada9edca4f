import type { DispatchDeps } from '@fs/dispatch';
import type { Queue } from 'bullmq';
import { BREAKS_EVERY_MS, BREAKS_JOB, BREAKS_SCHEDULER_ID, runBreaksJob } from './break-jobs';
import {
  COMMISSIONS_EVERY_MS,
  COMMISSIONS_JOB,
  COMMISSIONS_SCHEDULER_ID,
  runCommissionsJob,
} from './commission-jobs';
import { DIGEST_EVERY_MS, DIGEST_JOB, DIGEST_SCHEDULER_ID, runDigestJob } from './digest-jobs';
import {
  MASTER_LOAD_EVERY_MS,
  MASTER_LOAD_JOB,
  MASTER_LOAD_SCHEDULER_ID,
  runMasterLoadJob,
} from './master-load-jobs';
import { PLACES_EVERY_MS, PLACES_JOB, PLACES_SCHEDULER_ID, runPlacesJob } from './places-jobs';

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
  { name: BREAKS_JOB, schedulerId: BREAKS_SCHEDULER_ID, everyMs: BREAKS_EVERY_MS, run: runBreaksJob },
  {
    name: COMMISSIONS_JOB,
    schedulerId: COMMISSIONS_SCHEDULER_ID,
    everyMs: COMMISSIONS_EVERY_MS,
    run: runCommissionsJob,
  },
  { name: DIGEST_JOB, schedulerId: DIGEST_SCHEDULER_ID, everyMs: DIGEST_EVERY_MS, run: runDigestJob },
  { name: PLACES_JOB, schedulerId: PLACES_SCHEDULER_ID, everyMs: PLACES_EVERY_MS, run: runPlacesJob },
  {
    name: MASTER_LOAD_JOB,
    schedulerId: MASTER_LOAD_SCHEDULER_ID,
    everyMs: MASTER_LOAD_EVERY_MS,
    run: runMasterLoadJob,
  },
];

export async function scheduleTimedJobs(queue: Queue): Promise<void> {
  for (const job of TIMED_JOBS) {
    await queue.upsertJobScheduler(
      job.schedulerId,
      { every: job.everyMs },
      {
        name: job.name,
        data: {},
        opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } },
      },
    );
  }
}
