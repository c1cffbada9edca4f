import { type DispatchDeps, distributeOrder, findDueWork } from '@fs/dispatch';
import { DISTRIBUTION_JOBS, distributionJobSchema, tickJobSchema } from '@fs/queue';
import { type Job, UnrecoverableError } from 'bullmq';
import type { z } from 'zod';
import type { SchedulerMetrics } from './metrics';
import { TIMED_JOBS } from './timed-jobs';

/**
 * How long to wait before re-running an order another transaction held (an accept in progress,
 * another round of its city), or whose masters concurrent runs took.
 */
const LOCKED_RETRY_MS = 250;
/** Wake-ups are enqueued in chunks, in priority order. */
const WAKE_CHUNK = 500;

function parsePayload<S extends z.ZodType>(schema: S, job: Job): z.infer<S> {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`)
      .join('; ');
    throw new UnrecoverableError(`malformed ${job.name} job payload: ${problems}`);
  }
  return parsed.data;
}

/**
 * Called after every job with its duration and how many orders it decided (a batch round
 * decides several; a job that found nothing to do, none): benchmarks; the metrics cover production.
 */
export type JobObserver = (job: string, outcome: string, seconds: number, decided?: number) => void;

const DECIDED = new Set(['offered', 'escalated', 'masters_busy', 'not_distributable', 'deferred']);

/** The `distribution` queue's processor: per-order runs and the safety tick. */
export function createJobProcessor(
  deps: DispatchDeps,
  metrics: SchedulerMetrics,
  opts: { batchOrders: number },
  observe?: JobObserver,
) {
  async function runOrder(job: Job, counted: (decided: number) => void) {
    const { orderId, reason, requestedAt = job.timestamp } = parsePayload(distributionJobSchema, job);
    const result = await distributeOrder(deps, orderId, {
      batch: job.name === DISTRIBUTION_JOBS.order ? opts.batchOrders : 1,
      requestedAt: new Date(requestedAt),
    });
    const all = [result, ...(result.batch ?? [])];
    for (const r of all) {
      metrics.recordRun(r);
      // The trigger's retry is the same wake-up; another order's is a wake-up of its own.
      if (r.outcome === 'locked' || r.outcome === 'contended')
        await retryLater(r.orderId, r.orderId === orderId ? requestedAt : Date.now());
    }
    counted(all.filter((r) => DECIDED.has(r.outcome)).length);
    const log = { job_id: job.id, order_id: orderId, reason, outcome: result.outcome };
    if (result.outcome === 'offered' || result.outcome === 'escalated') {
      deps.logger.info(
        {
          ...log,
          round: result.round,
          masters: result.offers.map((o) => o.masterId),
          escalations: result.escalations,
          batch: result.batch?.length,
        },
        'distribution run',
      );
    } else {
      deps.logger.debug(log, 'distribution run');
    }
    return result.outcome;
  }

  // A wake-up of its own dedup id, so a storm of skips schedules one retry per order. It keeps the
  // time of the wake-up it retries: a round that found the order all busy since then covers it.
  async function retryLater(orderId: number, requestedAt: number) {
    await deps.queues.distribution.add(
      DISTRIBUTION_JOBS.order,
      { orderId, reason: 'retry_locked', requestedAt },
      {
        delay: LOCKED_RETRY_MS,
        deduplication: { id: `order-retry-${orderId}`, ttl: LOCKED_RETRY_MS },
        removeOnComplete: { count: 1000, age: 3600 },
        removeOnFail: { count: 1000 },
      },
    );
  }

  async function runTick(job: Job) {
    parsePayload(tickJobSchema, job);
    const due = await findDueWork(deps.db, { settings: await deps.settings.get(), now: deps.clock?.() });
    metrics.tickDueOrders.set(due.length);
    for (let i = 0; i < due.length; i += WAKE_CHUNK) {
      await deps.queues.wakeOrders(due.slice(i, i + WAKE_CHUNK), 'tick');
    }
    if (due.length > 0) deps.logger.info({ job_id: job.id, orders: due.length }, 'safety tick woke orders');
    return 'ok';
  }

  return async function process(job: Job): Promise<string> {
    const started = performance.now();
    let outcome = 'error';
    let decided = 0;
    try {
      switch (job.name) {
        case DISTRIBUTION_JOBS.order:
        case DISTRIBUTION_JOBS.offerExpiry:
          outcome = await runOrder(job, (n) => {
            decided = n;
          });
          break;
        case DISTRIBUTION_JOBS.tick:
          outcome = await runTick(job);
          break;
        default: {
          const timed = TIMED_JOBS.find((t) => t.name === job.name);
          if (!timed) {
            outcome = 'unknown_job';
            throw new UnrecoverableError(`unknown job name ${job.name}`);
          }
          outcome = await timed.run(deps, deps.clock?.() ?? new Date());
        }
      }
      return outcome;
    } catch (err) {
      if (err instanceof UnrecoverableError) {
        outcome = 'malformed';
        deps.logger.error(
          { job_id: job.id, job: job.name, data: job.data, err: err.message },
          'rejected job',
        );
      }
      throw err;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      metrics.jobDuration.observe({ job: job.name, outcome }, seconds);
      observe?.(job.name, outcome, seconds, decided);
    }
  };
}
