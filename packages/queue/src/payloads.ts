import { z } from 'zod';

/** Job payloads carry ids only; the database holds the truth. */
export const distributionJobSchema = z.object({
  orderId: z.number().int().positive(),
  reason: z.string().max(64).default('event'),
});
export type DistributionJob = z.input<typeof distributionJobSchema>;

export const notifyJobSchema = z.object({
  outboxId: z.number().int().positive(),
});
export type NotifyJob = z.infer<typeof notifyJobSchema>;

export const tickJobSchema = z.object({}).passthrough();
