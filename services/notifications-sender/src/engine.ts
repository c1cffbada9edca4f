import type { Db, SettingsCache } from '@fs/db';
import type { Logger } from '@fs/observability';
import { enqueueOutbox, type OutboxRef, type Queues } from '@fs/queue';
import { failureAlerts } from './alerts';
import { backoffDelayMs } from './backoff';
import { Batcher } from './batcher';
import type { LeaseTimings } from './lease';
import type { SenderMetrics, SendResult } from './metrics';
import type { ClaimedOutbox, OutboxStore, RecordResult, RowRecord, StartedOffer } from './outbox-store';
import type { Attempt, Ready, Transport } from './transport';

/** A job's row that is locked by someone else (a producer stamping enqueued_at): look again soon. */
const LOCKED_RETRY_MS = 200;
/** Infrastructure trouble before the send (Redis gate, a read): the row is due again after this. */
const ERROR_RETRY_MS = 2000;
const RECORD_TRIES = [100, 300, 1000, 2000, 4000];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What happened to one row, for its job (worker.ts) and the logs. */
export type Outcome =
  | { kind: 'sent' }
  | { kind: 'skipped'; reason: string }
  /** Nothing to do: gone, final, or held by another sender's live lease. */
  | { kind: 'noop'; reason: string }
  /** Put back (pending), due again in `ms`. */
  | { kind: 'delay'; ms: number; reason: string }
  | { kind: 'rate_limited'; retryAfterS: number; paused: boolean }
  /** A transient failure: due again in `ms` (attempt `attempt` of the row). */
  | { kind: 'retry'; ms: number; error: string; attempt: number }
  | { kind: 'failed'; reason: string; unreachable: boolean };

/**
 * A claim this process holds. `validUntil` (performance.now()): the issue time of the claim or of
 * the last renewal the database confirmed, plus the lease; the row is surely this process's
 * until then. -Infinity once a renewal found the claim gone.
 */
interface Hold {
  /** The transport's name (metrics). */
  bot: string;
  seq: number;
  validUntil: number;
}

export interface RowResult {
  id: number;
  outcome: Outcome;
  claimed?: ClaimedOutbox;
}

export interface EngineOptions {
  db: Db;
  store: OutboxStore;
  queues: Queues;
  settings: SettingsCache;
  metrics: SenderMetrics;
  logger: Logger;
  now: () => Date;
  maxAttempts: number;
  backoffMs: number;
  /** After a send timed out (it may have been delivered), the one retry waits this long. */
  timeoutRetryMs: number;
  /** Rows the sweep keeps in flight per transport (besides the BullMQ worker's own concurrency). */
  concurrency: number;
  /** The sweep: expired leases, rows whose pause is over, rows whose job is late or lost. */
  sweepIntervalMs: number;
  /** A plain pending row is left to its job this long before the sweep takes it. */
  sweepJobGraceMs: number;
  /** Rows per CLAIM/RECORD statement. */
  maxBatch: number;
}

/**
 * The delivery engine: claim, send, record.
 *
 * 1. Claim (one autocommit statement per batch, coalesced across concurrent jobs): due rows →
 *    `sending` under a lease owned by this process.
 * 2. Send, outside any transaction: the row's transport (one per bot token or channel).
 * 3. Record (one statement per batch, coalesced): every outcome, and the offers of delivered pushes.
 *
 * While a row is held its lease is renewed (lease.ts), and the provider is called only through
 * `sendFenced`, the one check that the claim still surely holds. If the process dies the leases
 * run out and the sweep of any live sender (every sweepIntervalMs) claims the rows again once the
 * takeover grace has passed; a row whose send had reached Telegram before the death is then sent
 * a second time — at most the rows held at the crash (counted in
 * notifications_possible_duplicates_total{reason="lease_expired"} when they are re-sent).
 */
export class DeliveryEngine {
  /** Rows this process holds, by id. */
  private readonly held = new Map<number, Hold>();
  private readonly lease: LeaseTimings;
  /** Rows in flight that the sweep claimed, per transport. */
  private readonly swept = new Map<string, number>();
  private readonly claimer: Batcher<number, { claimed: ClaimedOutbox; validUntil: number } | null>;
  private readonly recorder: Batcher<RowRecord, boolean>;
  private readonly pendingStarts = new Set<Promise<unknown>>();
  private renewTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly opts: EngineOptions,
    private readonly transports: readonly Transport[],
  ) {
    this.log = opts.logger;
    const { store, maxBatch } = opts;
    this.lease = store.lease;
    this.claimer = new Batcher(
      async (ids) => {
        const unique = [...new Set(ids)];
        // Taken before the statement is handed to the pool: no later than it reached the database.
        const issued = performance.now();
        const rows = await store.claimIds(unique);
        const validUntil = issued + this.lease.leaseMs;
        const byId = new Map(rows.map((r) => [r.row.id, { claimed: r, validUntil }]));
        // An id twice in one batch (two jobs for one row) is claimed once: the first caller gets it.
        return ids.map((id) => {
          const r = byId.get(id) ?? null;
          byId.delete(id);
          return r;
        });
      },
      { maxInFlight: 2, maxBatch },
    );
    this.recorder = new Batcher(
      async (records) => {
        const result = await this.recordWithRetries(records);
        if (result.started.length > 0) await this.scheduleExpiries(result.started);
        return records.map((r) => result.recorded.has(r.id));
      },
      { maxInFlight: 2, maxBatch },
    );
  }

  start(): void {
    let renewing = false;
    const renew = () => {
      // One renewal at a time: behind a slow one, another would only queue on its connection.
      if (this.held.size === 0 || renewing) return;
      const holds = [...this.held.entries()];
      renewing = true;
      const issued = performance.now();
      this.opts.store
        .renew(holds.map(([id, h]) => ({ id, seq: h.seq })))
        .then(
          (kept) => {
            for (const [id, h] of holds) {
              if (kept.has(id)) h.validUntil = Math.max(h.validUntil, issued + this.lease.leaseMs);
              else if (this.held.get(id) === h) {
                // Taken over by another sender (this one stalled): never send on it again.
                h.validUntil = Number.NEGATIVE_INFINITY;
                this.opts.metrics.leaseLost.inc({ bot: h.bot });
              }
            }
          },
          (err) => this.log.warn({ err }, 'could not renew the outbox leases'),
        )
        .finally(() => {
          renewing = false;
        });
    };
    this.renewTimer = setInterval(renew, this.lease.renewEveryMs);
    this.renewTimer.unref();
    const sweep = () => {
      if (this.stopped) return;
      this.sweeping = this.sweepAll().finally(() => {
        if (!this.stopped) this.sweepTimer = setTimeout(sweep, this.opts.sweepIntervalMs);
      });
    };
    this.sweepTimer = setTimeout(sweep, Math.min(200, this.opts.sweepIntervalMs));
  }

  /** Stops the sweep and waits for every row in flight to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.sweepTimer);
    await this.sweeping;
    while (this.held.size > 0) await sleep(20);
    await this.recorder.drained();
    await Promise.allSettled([...this.pendingStarts]);
    clearInterval(this.renewTimer);
  }

  /** Delivers a job's rows: claims those that are due, sends them, records the outcomes. */
  async deliverIds(transport: Transport, ids: readonly number[]): Promise<RowResult[]> {
    const claimed = await Promise.all(ids.map((id) => this.claimer.load(id)));
    const missed = ids.filter((_, i) => !claimed[i]);
    const why = missed.length > 0 ? await this.whyNotClaimed(missed) : new Map<number, Outcome>();
    return Promise.all(
      ids.map((id, i) => {
        const c = claimed[i];
        return c
          ? this.handle(transport, c.claimed, c.validUntil)
          : Promise.resolve({ id, outcome: why.get(id)! });
      }),
    );
  }

  private async whyNotClaimed(ids: number[]): Promise<Map<number, Outcome>> {
    const seen = await this.opts.store.inspect(ids);
    const out = new Map<number, Outcome>();
    for (const id of ids) {
      const r = seen.get(id)!;
      let o: Outcome;
      if (r.status === 'missing') o = { kind: 'noop', reason: 'outbox row not found' };
      else if (r.status === 'sending' && 'leaseOwner' in r && r.leaseOwner !== null)
        o = { kind: 'noop', reason: 'held by a sender' };
      else if (r.status !== 'pending') o = { kind: 'noop', reason: `already ${r.status}` };
      else if ('waitMs' in r && r.waitMs > 0) o = { kind: 'delay', ms: r.waitMs, reason: 'not due yet' };
      // Pending and due but skipped by the claim: locked by someone else for a moment (the
      // producer's enqueued_at stamp); completing now could strand it until the sweep.
      else o = { kind: 'delay', ms: LOCKED_RETRY_MS, reason: 'row is locked' };
      out.set(id, o);
    }
    return out;
  }

  private async sweepAll(): Promise<void> {
    for (const t of this.transports) {
      try {
        for (;;) {
          // Its own budget: a dead sender's rows must not wait behind a full queue of jobs.
          const room = this.opts.concurrency - (this.swept.get(t.name) ?? 0);
          const limit = Math.min(room, this.opts.maxBatch);
          if (limit <= 0 || this.stopped) break;
          const issued = performance.now();
          const rows = await this.opts.store.claimDue({
            bot: t.bot ?? '',
            channel: t.channel,
            limit,
            exclude: [...this.held.keys()],
            jobGraceMs: this.opts.sweepJobGraceMs,
          });
          if (rows.length === 0) break;
          for (const r of rows) {
            if (r.reclaimed) this.opts.metrics.leaseReclaimed.inc({ bot: t.name });
            this.swept.set(t.name, (this.swept.get(t.name) ?? 0) + 1);
            void this.handle(t, r, issued + this.lease.leaseMs).finally(() =>
              this.swept.set(t.name, (this.swept.get(t.name) ?? 1) - 1),
            );
          }
          this.log.info({ bot: t.name, count: rows.length }, 'sweep claimed outbox rows');
          if (rows.length < limit) break;
        }
      } catch (err) {
        this.log.warn({ err, bot: t.name }, 'outbox sweep failed; will retry');
      }
    }
  }

  /** Sends one claimed row and records the outcome. Never throws. */
  private async handle(t: Transport, claimed: ClaimedOutbox, validUntil: number): Promise<RowResult> {
    const { row } = claimed;
    const hold: Hold = { bot: t.name, seq: row.claim_seq, validUntil };
    this.held.set(row.id, hold);
    try {
      let attempt: Attempt;
      try {
        const step = await t.deliver(claimed, this.opts.now());
        attempt = step.kind === 'ready' ? await this.sendFenced(t, row.id, hold, step) : step;
      } catch (err) {
        this.log.warn({ err, bot: t.name, outbox_id: row.id }, 'delivery interrupted before the send');
        attempt = { kind: 'deferred', ms: ERROR_RETRY_MS, reason: `error: ${(err as Error).message}` };
      }
      const { record, outcome } = this.decide(claimed, attempt);
      if (outcome.kind === 'failed' && (attempt.kind === 'failed' || attempt.kind === 'retry')) {
        try {
          const alerts = await failureAlerts(this.opts.db, this.opts.settings, {
            row,
            reason: outcome.reason,
            recipient: attempt.recipient,
            unreachable: outcome.unreachable,
            now: this.opts.now(),
          });
          this.enqueueAlerts(alerts);
        } catch (err) {
          // Recorded anyway: a lost alert is better than a message sent again and again.
          this.log.error({ err, outbox_id: row.id }, 'could not write the failure alert');
        }
      }
      let recorded = false;
      try {
        recorded = await this.recorder.load(record);
      } catch (err) {
        this.log.error(
          { err, outbox_id: row.id },
          'could not record the outcome; the lease runs out and the row is tried again',
        );
        return { id: row.id, outcome: { kind: 'noop', reason: 'outcome not recorded' }, claimed };
      }
      if (!recorded)
        return { id: row.id, outcome: { kind: 'noop', reason: 'lease lost to another sender' }, claimed };
      this.count(t, claimed, outcome, attempt);
      return { id: row.id, outcome, claimed };
    } finally {
      if (this.held.get(row.id) === hold) this.held.delete(row.id);
    }
  }

  /**
   * The fence, for every transport: the provider is called only while this process surely
   * still holds the row, checked synchronously right before the call (lease.ts). Otherwise
   * nothing is sent and the row goes back to pending, if it is still ours.
   */
  private sendFenced(t: Transport, id: number, hold: Hold, ready: Ready): Promise<Attempt> {
    const leftMs = hold.validUntil - performance.now();
    if (this.held.get(id) === hold && leftMs > this.lease.sendMarginMs) return ready.send();
    this.log.warn(
      { bot: t.name, outbox_id: id, lease_left_ms: Math.round(leftMs) },
      'send not started: the lease may be lost (a stalled process or a late renewal)',
    );
    return Promise.resolve({ kind: 'deferred', ms: 0, reason: 'the lease may be lost; not sent' });
  }

  /** The row's new state and the job's outcome for one attempt (retry policy, timeouts). */
  private decide(claimed: ClaimedOutbox, a: Attempt): { record: RowRecord; outcome: Outcome } {
    const { row } = claimed;
    const id = row.id;
    const claimSeq = row.claim_seq;
    switch (a.kind) {
      case 'sent':
        return {
          record: {
            id,
            claimSeq,
            status: 'sent',
            messageId: a.messageId,
            addAttempts: 1,
            ...(a.push ? { push: a.push } : {}),
          },
          outcome: { kind: 'sent' },
        };
      case 'skipped':
        return {
          record: { id, claimSeq, status: 'skipped', error: a.reason, addAttempts: 0 },
          outcome: { kind: 'skipped', reason: a.reason },
        };
      case 'deferred':
        return {
          record: { id, claimSeq, status: 'pending', error: row.last_error, addAttempts: 0, pauseMs: a.ms },
          outcome: { kind: 'delay', ms: a.ms, reason: a.reason },
        };
      case 'rate_limited':
        // Telegram's pacing, not the message's fault: no attempt is counted.
        return {
          record: {
            id,
            claimSeq,
            status: 'pending',
            error: row.last_error,
            addAttempts: 0,
            pauseMs: a.retryAfterS * 1000,
          },
          outcome: { kind: 'rate_limited', retryAfterS: a.retryAfterS, paused: a.paused },
        };
      case 'failed':
        return {
          record: { id, claimSeq, status: 'failed', error: a.reason, addAttempts: 1 },
          outcome: { kind: 'failed', reason: a.reason, unreachable: a.unreachable === true },
        };
      case 'retry': {
        const attempt = row.attempts + 1;
        let giveUp: string | null = null;
        if (a.timedOut && row.maybe_sent_at !== null)
          giveUp = `timed out again, not retried (a copy may have been delivered): ${a.error}`;
        else if (attempt >= this.opts.maxAttempts) giveUp = `gave up after ${attempt} attempts: ${a.error}`;
        if (giveUp !== null)
          return {
            record: { id, claimSeq, status: 'failed', error: giveUp, addAttempts: 1, maybeSent: a.timedOut },
            outcome: { kind: 'failed', reason: giveUp, unreachable: false },
          };
        // A timeout is not a failure: the message may be there. Retry once, after a pause.
        const ms = a.timedOut ? this.opts.timeoutRetryMs : backoffDelayMs(attempt, this.opts.backoffMs);
        return {
          record: {
            id,
            claimSeq,
            status: 'pending',
            error: a.error,
            addAttempts: 1,
            pauseMs: ms,
            maybeSent: a.timedOut,
          },
          outcome: { kind: 'retry', ms, error: a.error, attempt },
        };
      }
    }
  }

  private count(t: Transport, claimed: ClaimedOutbox, outcome: Outcome, attempt: Attempt): void {
    const { row } = claimed;
    const m = this.opts.metrics;
    m.results.inc({ bot: t.name, event: row.event, result: resultLabel(outcome) });
    if (outcome.kind === 'rate_limited') m.rateLimited.inc({ bot: t.name });
    if (attempt.kind === 'retry' && attempt.timedOut) m.timeouts.inc({ bot: t.name });
    if (outcome.kind !== 'sent') return;
    m.endToEnd.observe({ bot: t.name, event: row.event }, (Date.now() - row.created_at.getTime()) / 1000);
    // A second copy may now exist: an earlier try timed out, or a dead sender's try may have landed.
    if (row.maybe_sent_at !== null) m.possibleDuplicates.inc({ bot: t.name, reason: 'timeout' });
    else if (claimed.reclaimed) m.possibleDuplicates.inc({ bot: t.name, reason: 'lease_expired' });
  }

  private async recordWithRetries(records: RowRecord[]): Promise<RecordResult> {
    for (let i = 0; ; i++) {
      try {
        return await this.opts.store.record(records);
      } catch (err) {
        // The sends happened: keep the outcome (and the lease) while Postgres comes back.
        if (i >= RECORD_TRIES.length) throw err;
        this.log.warn({ err, rows: records.length }, 'recording delivery outcomes failed; retrying');
        await sleep(RECORD_TRIES[i]!);
      }
    }
  }

  /** The offers' clocks started at delivery: wake their orders at the new expiries. */
  private async scheduleExpiries(started: StartedOffer[]): Promise<void> {
    await this.opts.queues
      .scheduleDeliveredOfferExpiries(started)
      .catch((err) =>
        this.log.warn({ err }, 'could not schedule delivered offer expiries; the scheduler tick will'),
      );
  }

  private enqueueAlerts(alerts: OutboxRef[]): void {
    if (alerts.length === 0) return;
    // If Redis refuses, the rows are pending in Postgres and the relay or the sweep sends them.
    const p = enqueueOutbox(this.opts.db, this.opts.queues, alerts)
      .catch((err) => this.log.warn({ err }, 'could not enqueue staff alerts; the relay will'))
      .finally(() => this.pendingStarts.delete(p));
    this.pendingStarts.add(p);
  }
}

export function resultLabel(o: Outcome): SendResult {
  if (o.kind === 'failed') return o.unreachable ? 'unreachable' : 'failed';
  if (o.kind === 'delay') return 'deferred';
  return o.kind;
}
