import { prom } from '@fs/observability';
import type { Job, Worker } from 'bullmq';

type Registry = InstanceType<typeof prom.Registry>;

/**
 * `notifications_job_duration_seconds{queue,outcome}`: how long one notify job attempt took
 * (from BullMQ's processedOn to the worker's completed/failed event). Attempts that end in a
 * delay (per-chat spacing, long retry_after) or a queue-wide 429 pause are not counted here:
 * they show in `notifications_delivery_total{result="deferred"|"rate_limited"}`.
 */
export function observeJobDurations(registry: Registry, workers: readonly Worker[]): void {
  const duration = new prom.Histogram({
    name: 'notifications_job_duration_seconds',
    help: 'Duration of one notify job attempt by queue and outcome (completed, failed)',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const observe = (queue: string, outcome: string, job: Job | undefined) => {
    if (job?.processedOn)
      duration.observe({ queue, outcome }, Math.max(0, Date.now() - job.processedOn) / 1000);
  };
  for (const w of workers) {
    w.on('completed', (job) => observe(w.name, 'completed', job));
    w.on('failed', (job) => observe(w.name, 'failed', job));
  }
}
