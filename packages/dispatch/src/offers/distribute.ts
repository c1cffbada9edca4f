import { DISTRIBUTABLE_STATUSES, type OrderStatus, type Settings } from '@fs/domain';
import { insertOutbox, type OutboxInsert } from '@fs/queue';
import { sql } from 'kysely';
import { deferredOrderWakeAt } from '../orders/deferred';
import { type SnapshotSource, toOrderSnapshot } from '../orders/order-snapshot';
import { transitionOrder } from '../orders/order-transition';
import { type AfterCommitWork, runAfterCommit } from '../shared/after-commit';
import { type DispatchDeps, type Executor, nowOf } from '../shared/deps';
import { type OrderProbe, probeOrder, runBatchRound } from './batch-round';
import { selectCandidates } from './candidates';
import { type DistributeResult, quiet } from './distribute-result';
import { OPEN_OFFER_COUNTS } from './due-work';
import {
  type EscalationOutcome,
  type EscalationTarget,
  escalateToAdminIfDue,
  escalateToLogist,
} from './escalation';
import { closeDueOffers } from './offer-clock';
import { type InsertedOffers, insertOffers } from './offer-insert';

interface LockedOrder extends SnapshotSource {
  city_id: number;
  district_id: number | null;
  status: OrderStatus;
  preferred_master_id: number | null;
  assigned_master_id: number | null;
  lat: number | null;
  lon: number | null;
  dist_rounds_used: number;
  escalated_logist_at: Date | null;
  escalated_admin_at: Date | null;
  first_offer_at: Date | null;
  deferred_until: Date | null;
  created_at: Date;
  city_hours_start: string | null;
  city_hours_end: string | null;
  open_offers: number;
  due_offers: number;
  age_seconds: number;
}

/** The order row locked for this run, with what the algorithm reads; null if missing or locked. */
async function lockOrder(trx: Executor, orderId: number): Promise<LockedOrder | null> {
  const { rows } = await sql<LockedOrder>`
    SELECT o.id, o.city_id, o.district_id, o.category, o.type, o.status, o.preferred_master_id, o.assigned_master_id,
      o.lat, o.lon,
      o.dist_rounds_used, o.escalated_logist_at, o.escalated_admin_at, o.first_offer_at, o.deferred_until, o.created_at,
      o.street, o.description, o.timeslot_start, o.timeslot_end, o.is_asap,
      c.name AS city_name, c.timezone, c.working_hours_start AS city_hours_start, c.working_hours_end AS city_hours_end,
      d.name AS district_name,
      ${OPEN_OFFER_COUNTS},
      extract(epoch FROM now() - o.created_at)::float8 AS age_seconds
    FROM orders o
    JOIN cities c ON c.id = o.city_id
    LEFT JOIN districts d ON d.id = o.district_id
    WHERE o.id = ${orderId}::int
    FOR UPDATE OF o SKIP LOCKED
  `.execute(trx);
  return rows[0] ?? null;
}

const isDistributable = (s: OrderStatus) => (DISTRIBUTABLE_STATUSES as readonly OrderStatus[]).includes(s);

export interface DistributeOptions {
  /**
   * Batch rounds (batch-round.ts): a waiting order is distributed together with up to this many
   * waiting orders of its city. Omitted or 1: the order alone, by the per-order path below.
   */
  batch?: number;
  /** When the wake-up that runs this was requested: skipped if a batch round saw the order since. */
  requestedAt?: Date;
}

/**
 * The entry point of the scheduler's order jobs. With `batch`: one prepared statement looks at
 * the order first; open offers not yet due → nothing to do; a waiting order → a batch round of
 * its city (unless a round already considered it after the wake-up was requested); anything
 * else (deferred, due offers, escalation) → the per-order path.
 */
export async function distributeOrder(
  deps: DispatchDeps,
  orderId: number,
  opts: DistributeOptions = {},
): Promise<DistributeResult> {
  if (!opts.batch || opts.batch <= 1) return distributeOrderAlone(deps, orderId);
  const settings = await deps.settings.get();
  const probe = () => probeOrder(deps, orderId, settings.distribution_rounds, opts.requestedAt ?? null);
  const first = await probe();
  const quick = quickOutcome(orderId, first);
  if (quick || !first?.eligible) return quick ?? distributeOrderAlone(deps, orderId);
  const results = await runBatchRound(
    deps,
    orderId,
    settings,
    { batch: opts.batch, requestedAt: opts.requestedAt ?? null },
    (id) => distributeOrderAlone(deps, id),
  );
  if (!results) return { ...quiet(orderId), outcome: 'locked' }; // the city's round in progress may take it
  const others = results.filter((r) => r.orderId !== orderId);
  // Not decided by this round (a round that held the order meanwhile did, or something else holds it): look again.
  const mine =
    results.find((r) => r.orderId === orderId) ??
    quickOutcome(orderId, await probe()) ??
    (await distributeOrderAlone(deps, orderId));
  return others.length > 0 ? { ...mine, batch: others } : mine;
}

/** What the probe alone decides: a round's "all busy" verdict still holds, or offers are open. */
function quickOutcome(orderId: number, probe: OrderProbe | null): DistributeResult | null {
  if (!probe) return null;
  const open =
    isDistributable(probe.status as OrderStatus) &&
    probe.unassigned &&
    probe.open_offers > 0 &&
    probe.due_offers === 0;
  if (!(probe.eligible && probe.covered) && !open) return null;
  return { ...quiet(orderId), outcome: open ? 'offers_open' : 'masters_busy' };
}

/**
 * The per-order algorithm (spec "Per-order algorithm"), in one transaction holding the order
 * row with SKIP LOCKED so any number of scheduler replicas can run it: wake a due deferred
 * order, close due offers (expired, or withdrawn when never delivered), stop while offers are
 * open, escalate to admins when due, escalate to logists when rounds are exhausted or nobody
 * qualifies, else offer the next round. Pushes and the expiry job are enqueued after commit.
 */
async function distributeOrderAlone(deps: DispatchDeps, orderId: number): Promise<DistributeResult> {
  const settings = await deps.settings.get();
  const result: DistributeResult = { ...quiet(orderId), outcome: 'not_found' };
  const after: AfterCommitWork = {};

  await deps.db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (!order) {
      const exists = await trx.selectFrom('orders').select('id').where('id', '=', orderId).executeTakeFirst();
      result.outcome = exists ? 'locked' : 'not_found';
      return;
    }
    if (order.status === 'deferred' && !(await wakeIfDue(deps, trx, order, settings, result))) return;
    if (!isDistributable(order.status) || order.assigned_master_id !== null) {
      result.outcome = 'not_distributable';
      return;
    }
    const run: AloneRun = { trx, order, settings, result, outbox: [] };
    if (order.due_offers > 0) {
      const freed = await closeDue(run);
      if (freed) after.freed = freed;
    }
    const made = await nextStep(run);
    const queued = run.outbox.length > 0 ? await insertOutbox(trx, run.outbox) : [];
    after.outbox = made ? [...queued, ...made.outbox] : queued;
    if (made) after.expiry = { orderId, round: result.round!, expiresAt: made.expiresAt };
  });

  await runAfterCommit(deps, after);
  deps.logger.debug({ order_id: orderId, ...result }, 'distribution run');
  return result;
}

/** One per-order run inside its transaction: what its steps read and fill in. */
interface AloneRun {
  trx: Executor;
  order: LockedOrder;
  settings: Settings;
  result: DistributeResult;
  /** Outbox rows the steps produced, inserted together at the end of the transaction. */
  outbox: OutboxInsert[];
}

/** A deferred order: wakes it (to `searching`) once its wake time has come; false while it sleeps. */
async function wakeIfDue(
  deps: DispatchDeps,
  trx: Executor,
  order: LockedOrder,
  settings: Settings,
  result: DistributeResult,
): Promise<boolean> {
  const wakeAt = deferredOrderWakeAt(order, settings);
  if (wakeAt.getTime() > nowOf(deps).getTime()) {
    result.outcome = 'deferred';
    result.wakeAt = wakeAt;
    return false;
  }
  await transitionOrder(trx, {
    orderId: order.id,
    from: 'deferred',
    to: 'searching',
    actorType: 'system',
    reason: 'deferred_wakeup',
    context: { wake_at: wakeAt.toISOString() },
  });
  order.status = 'searching';
  result.wokeFromDeferred = true;
  return true;
}

/** Closes the order's due offers; their city, when some master became free again. */
async function closeDue(run: AloneRun): Promise<AfterCommitWork['freed']> {
  const { order, result } = run;
  const closed = await closeDueOffers(run.trx, order.id);
  result.expiredOffers = closed.expired.length;
  result.withdrawnOffers = closed.withdrawn.length;
  if (closed.roundsUsed !== null) order.dist_rounds_used = closed.roundsUsed;
  run.outbox.push(...closed.outbox);
  // Their masters are free again for the city's other waiting orders.
  return closed.expired.length + closed.withdrawn.length > 0
    ? { cityId: order.city_id, reason: 'offers_expired' }
    : undefined;
}

/** After the due offers: wait for open ones, escalate, or offer the next round (its offers when made). */
async function nextStep(run: AloneRun): Promise<InsertedOffers | null> {
  const { trx, order, settings, result } = run;
  if (order.open_offers - result.expiredOffers - result.withdrawnOffers > 0) {
    result.outcome = 'offers_open';
    return null;
  }
  const target: EscalationTarget = {
    orderId: order.id,
    cityId: order.city_id,
    roundsUsed: order.dist_rounds_used,
    snapshot: toOrderSnapshot(order),
  };
  if (order.escalated_logist_at && !order.escalated_admin_at) {
    noteEscalation(run, await escalateToAdminIfDue(trx, target, settings));
  }
  if (order.dist_rounds_used >= settings.distribution_rounds) {
    noteEscalation(run, await escalateToLogist(trx, target, 'rounds_exhausted', settings));
    result.outcome = 'escalated';
    return null;
  }
  return offerNextRound(run, target);
}

function noteEscalation(run: AloneRun, e: EscalationOutcome | null): void {
  if (!e) return;
  run.result.escalations.push({ level: e.level, reason: e.reason, notified: e.notified });
  run.outbox.push(...e.outbox);
}

/** Ranks, locks and offers the next round; ranks again when concurrent runs took every pick. */
async function offerNextRound(run: AloneRun, target: EscalationTarget): Promise<InsertedOffers | null> {
  const { trx, order, settings, result } = run;
  const round = order.dist_rounds_used + 1;
  for (let attempt = 0; attempt < OFFER_ATTEMPTS; attempt++) {
    const selection = await selectCandidates(trx, order, {
      limit: settings.distribution_offers_per_round + RACE_SLACK,
      maxActiveOrders: settings.max_active_orders,
      distance: settings,
      lock: settings.distribution_offers_per_round,
    });
    if (selection.candidates.length === 0) {
      if (selection.busy > 0) {
        result.outcome = 'masters_busy';
      } else {
        const reason = order.district_id === null ? 'no_district' : 'no_candidates';
        noteEscalation(run, await escalateToLogist(trx, target, reason, settings));
        result.outcome = 'escalated';
      }
      return null;
    }
    // A guarantee order goes to its preferred master first, alone: the statement then locks only them.
    const made = await insertOffers(trx, {
      order,
      masterIds: selection.locked,
      round,
      slaSeconds: settings.distribution_sla_seconds,
      limit: settings.distribution_offers_per_round,
      maxActiveOrders: settings.max_active_orders,
      exclusive: true,
    });
    if (!made) continue; // every picked master was taken by a concurrent run: rank again
    result.outcome = 'offered';
    result.offers = made.offers;
    result.round = round;
    result.expiresAt = made.expiresAt;
    if (order.first_offer_at === null) result.secondsToFirstOffer = order.age_seconds;
    return made;
  }
  result.outcome = 'contended';
  return null;
}

/**
 * Concurrent runs for other orders of the same city rank the same masters first. Each run
 * ranks a few more than it needs and, in the same statement, locks the best ones with SKIP
 * LOCKED (masters another run holds are passed over); the insert re-checks their load (a later
 * statement, so it sees offers committed meanwhile): two runs never offer one master beyond
 * their limit. When all were taken it ranks again.
 */
const RACE_SLACK = 8;
const OFFER_ATTEMPTS = 5;
