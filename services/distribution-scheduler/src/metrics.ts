import type { DistributeResult } from '@fs/dispatch';
import { prom } from '@fs/observability';
import type { ServiceBase } from '@fs/runtime';

/** The scheduler's Prometheus metrics (registered on the service registry). */
export class SchedulerMetrics {
  readonly offers: prom.Counter<'outcome'>;
  readonly timeToFirstOffer: prom.Histogram;
  readonly jobDuration: prom.Histogram<'job' | 'outcome'>;
  readonly escalations: prom.Counter<'level' | 'reason'>;
  readonly deferredWakeups: prom.Counter;
  readonly tickDueOrders: prom.Gauge;
  readonly outboxRelayed: prom.Counter;
  /** Runs before `fs_distribution_offers_total` is rendered (accepts are counted from the database on scrape). */
  beforeOffersScrape?: () => Promise<void>;

  constructor(registry: ServiceBase['registry']) {
    const registers = [registry];
    this.offers = new prom.Counter({
      name: 'fs_distribution_offers_total',
      help: 'Offers by outcome: sent, expired and withdrawn (never delivered; counted by the scheduler run), accepted (from distribution_metrics on scrape)',
      labelNames: ['outcome'],
      registers,
      collect: () => this.beforeOffersScrape?.(),
    });
    this.timeToFirstOffer = new prom.Histogram({
      name: 'fs_distribution_time_to_first_offer_seconds',
      help: 'From order creation to its first offer',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300, 1800],
      registers,
    });
    this.jobDuration = new prom.Histogram({
      name: 'fs_distribution_job_duration_seconds',
      help: 'Duration of distribution jobs by job name and outcome',
      labelNames: ['job', 'outcome'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    this.escalations = new prom.Counter({
      name: 'fs_distribution_escalations_total',
      help: 'Escalation episodes notified to staff',
      labelNames: ['level', 'reason'],
      registers,
    });
    this.deferredWakeups = new prom.Counter({
      name: 'fs_distribution_deferred_wakeups_total',
      help: 'Deferred orders moved to searching',
      registers,
    });
    this.tickDueOrders = new prom.Gauge({
      name: 'fs_distribution_tick_due_orders',
      help: 'Orders the last safety tick found needing work',
      registers,
    });
    this.outboxRelayed = new prom.Counter({
      name: 'fs_distribution_outbox_relayed_total',
      help: 'Outbox rows re-enqueued by the relay (their enqueue after commit was lost)',
      registers,
    });
  }

  recordRun(r: DistributeResult): void {
    if (r.offers.length > 0) this.offers.inc({ outcome: 'sent' }, r.offers.length);
    if (r.expiredOffers > 0) this.offers.inc({ outcome: 'expired' }, r.expiredOffers);
    if (r.withdrawnOffers > 0) this.offers.inc({ outcome: 'withdrawn' }, r.withdrawnOffers);
    if (r.secondsToFirstOffer !== undefined) this.timeToFirstOffer.observe(r.secondsToFirstOffer);
    if (r.wokeFromDeferred) this.deferredWakeups.inc();
    for (const e of r.escalations) if (e.notified) this.escalations.inc({ level: e.level, reason: e.reason });
  }
}
