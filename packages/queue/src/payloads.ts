import { z } from 'zod';

/** Job payloads carry ids only; the database holds the truth. */
export const distributionJobSchema = z.object({
  orderId: z.number().int().positive(),
  reason: z.string().max(64).default('event'),
  /** A retry: when the wake-up it retries was requested (epoch ms); else the job's own time. */
  requestedAt: z.number().int().positive().optional(),
});
export type DistributionJob = z.input<typeof distributionJobSchema>;

/** One outbox row (what producers enqueue), or a batch of rows (one job, one claim statement). */
export const notifyJobSchema = z.union([
  z.object({ outboxId: z.number().int().positive() }),
  z.object({ outboxIds: z.array(z.number().int().positive()).min(1).max(1000) }),
]);
export type NotifyJob = z.infer<typeof notifyJobSchema>;

/** The outbox ids a notify job carries. */
export function notifyJobIds(job: NotifyJob): number[] {
  return 'outboxIds' in job ? job.outboxIds : [job.outboxId];
}

export const tickJobSchema = z.object({}).passthrough();
