import {
  DISTRIBUTABLE_STATUSES,
  OPEN_OFFER_STATES,
  type OrderAssignedPayload,
  type OrderStatus,
} from '@fs/domain';
import { insertOutbox, type OutboxInsert, type OutboxRef } from '@fs/queue';
import { sql } from 'kysely';
import { clientNoticeRows } from '../clients/client-notices';
import { activeOrderCountSql, orderLimitSql } from '../masters/master-load';
import { loadOrderSnapshot } from '../orders/order-snapshot';
import { transitionOrder } from '../orders/order-transition';
import { runAfterCommit } from '../shared/after-commit';
import { type DispatchDeps, type Executor, nowOf } from '../shared/deps';
import { staffOutboxRows, staffRecipients } from '../shared/staff-recipients';
import { offerClosedRows } from './offer-closed';

export type AcceptOfferOutcome =
  /** This master got the order. */
  | 'won'
  /** A repeated tap: the order is already assigned to this master. */
  | 'already_yours'
  /** Another master (or staff) got the order first. */
  | 'taken'
  /** The offer ran out (by the database clock) or is no longer open (declined). */
  | 'expired'
  /** The offer was withdrawn: its push reached the master only after the delivery deadline. */
  | 'withdrawn'
  /** The master is at their active-order limit. */
  | 'over_limit'
  /** The offer belongs to another master. */
  | 'not_yours'
  | 'not_found'
  /** The order was cancelled, closed or deferred meanwhile. */
  | 'order_closed';

export interface AcceptOfferResult {
  kind: AcceptOfferOutcome;
  orderId?: number;
}

const isDistributable = (s: OrderStatus) => (DISTRIBUTABLE_STATUSES as readonly OrderStatus[]).includes(s);

/** Thrown inside the transaction to roll it back when a guarded update lost a race. */
class LostRace extends Error {}

/**
 * A master accepts an offer. One transaction; exactly one winner per order under any
 * concurrency: the order row lock serialises accepts of one order, the master row lock
 * serialises one master's accepts (so the limit check holds), the guarded updates re-check
 * state by the database clock, and the partial unique index on accepted offers is the last
 * line of defence. On a win the other live offers are cancelled (their pushes edited via
 * `offer_closed`), a metrics row is written, the client is told who is coming (the first
 * notice the client ever gets) and, if enabled, the city's staff are told.
 *
 * long-function: the lock order of one transaction is the correctness argument; it reads top to bottom.
 */
export async function acceptOffer(
  deps: DispatchDeps,
  input: { offerId: number; masterId: number },
): Promise<AcceptOfferResult> {
  const settings = await deps.settings.get();
  let outbox: OutboxRef[] = [];
  /** The other masters' offers were canceled: their slots are free. */
  let freedCity: number | null = null;
  let result: AcceptOfferResult;
  try {
    result = await deps.db.transaction().execute(async (trx) => {
      const offer = await trx
        .selectFrom('offers')
        .select(['order_id', 'master_id'])
        .where('id', '=', input.offerId)
        .executeTakeFirst();
      if (!offer) return { kind: 'not_found' as const };
      if (offer.master_id !== input.masterId) return { kind: 'not_yours' as const };
      const orderId = offer.order_id;

      const order = await trx
        .selectFrom('orders')
        .select(['status', 'assigned_master_id', 'city_id', 'version'])
        .where('id', '=', orderId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (order.assigned_master_id === input.masterId) return { kind: 'already_yours' as const, orderId };
      if (order.assigned_master_id !== null) return { kind: 'taken' as const, orderId };
      if (!isDistributable(order.status)) return { kind: 'order_closed' as const, orderId };

      const live = await trx
        .selectFrom('offers')
        .select([
          'state',
          sql<boolean>`expires_at > now()`.as('unexpired'),
          sql<boolean>`delivered_at IS NULL AND viewed_at IS NULL`.as('unseen'),
        ])
        .where('id', '=', input.offerId)
        .executeTakeFirstOrThrow();
      const open = (OPEN_OFFER_STATES as readonly string[]).includes(live.state);
      // Past its delivery deadline and never delivered: the next run withdraws it (offer-clock.ts).
      if (live.state === 'withdrawn' || (open && !live.unexpired && live.unseen))
        return { kind: 'withdrawn' as const, orderId };
      if (!open || !live.unexpired) return { kind: 'expired' as const, orderId };

      const load = await trx
        .selectFrom('masters as m')
        .select([
          activeOrderCountSql(sql.ref('m.id')).as('active'),
          orderLimitSql('m', settings.max_active_orders).as('limit'),
          'm.full_name',
        ])
        .where('m.id', '=', input.masterId)
        .forNoKeyUpdate()
        .executeTakeFirstOrThrow();
      if (load.active >= load.limit) return { kind: 'over_limit' as const, orderId };

      const accepted = await trx
        .updateTable('offers')
        .set({ state: 'accepted', responded_at: sql<Date>`now()`, close_reason: 'accepted' })
        .where('id', '=', input.offerId)
        .where('state', 'in', OPEN_OFFER_STATES)
        .where(sql<boolean>`expires_at > now()`)
        .returning('id')
        .executeTakeFirst();
      if (!accepted) return { kind: 'expired' as const, orderId };

      const moved = await transitionOrder(trx, {
        orderId,
        from: order.status,
        to: 'assigned',
        actorType: 'master',
        actorId: input.masterId,
        reason: 'offer_accepted',
        context: { offer_id: input.offerId },
        expectedVersion: order.version,
        patch: { assigned_master_id: input.masterId, assigned_at: sql<Date>`now()` },
        guard: (eb) => eb('assigned_master_id', 'is', null),
      });
      if (!moved) throw new LostRace();

      const losers = await trx
        .updateTable('offers')
        .set({ state: 'canceled', responded_at: sql<Date>`now()`, close_reason: 'taken' })
        .where('order_id', '=', orderId)
        .where('id', '<>', input.offerId)
        .where('state', 'in', OPEN_OFFER_STATES)
        .returning(['id', 'master_id'])
        .execute();

      await recordAssignmentMetrics(trx, orderId, input.offerId, input.masterId);

      const rows: OutboxInsert[] = offerClosedRows(losers, orderId, 'taken');
      rows.push(
        ...(await clientNoticeRows(trx, settings, {
          orderId,
          event: 'client_order_accepted',
          version: moved.version,
          now: nowOf(deps),
        })),
      );
      if (settings.notify_staff_on_assign) {
        rows.push(
          ...(await orderAssignedRows(trx, {
            orderId,
            offerId: input.offerId,
            cityId: order.city_id,
            masterId: input.masterId,
            masterName: load.full_name,
          })),
        );
      }
      outbox = await insertOutbox(trx, rows);
      if (losers.length > 0) freedCity = order.city_id;
      return { kind: 'won' as const, orderId };
    });
  } catch (err) {
    if (!(err instanceof LostRace) && !isAcceptedUniqueViolation(err)) throw err;
    const row = await deps.db
      .selectFrom('offers')
      .select('order_id')
      .where('id', '=', input.offerId)
      .executeTakeFirst();
    result = { kind: 'taken', orderId: row?.order_id };
  }
  if (result.kind === 'won')
    await runAfterCommit(deps, {
      outbox,
      ...(freedCity !== null ? { freed: { cityId: freedCity, reason: 'offers_taken' } } : {}),
    });
  deps.logger.info(
    { order_id: result.orderId, master_id: input.masterId, offer_id: input.offerId, outcome: result.kind },
    'offer accept',
  );
  return result;
}

function isAcceptedUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return (
    e?.code === '23505' &&
    (e.constraint === 'uq_offers__order_accepted' || e.constraint === 'uq_offers__order_master_live')
  );
}

/** One distribution_metrics row per assignment (the admin bot's reports read these). */
export async function recordAssignmentMetrics(
  trx: Executor,
  orderId: number,
  offerId: number | null,
  masterId: number,
  via: 'auto' | 'manual' = 'auto',
): Promise<void> {
  await sql`
    INSERT INTO distribution_metrics (order_id, master_id, city_id, district_id, category, order_type, round_number,
      masters_offered, seconds_from_creation, seconds_from_first_offer, escalated_logist, escalated_admin,
      preferred_master_used, via)
    SELECT o.id, ${masterId}, o.city_id, o.district_id, o.category, o.type,
      coalesce((SELECT round_number FROM offers WHERE id = ${offerId}), o.dist_rounds_used),
      (SELECT count(DISTINCT f.master_id)::int FROM offers f WHERE f.order_id = o.id AND f.state <> 'withdrawn'),
      greatest(0, extract(epoch FROM now() - o.created_at))::int,
      CASE WHEN o.first_offer_at IS NULL THEN NULL ELSE greatest(0, extract(epoch FROM now() - o.first_offer_at))::int END,
      o.escalation_logist_notified_at IS NOT NULL,
      o.escalation_admin_notified_at IS NOT NULL,
      o.type = 'guarantee' AND o.preferred_master_id IS NOT DISTINCT FROM ${masterId}::int,
      ${via}
    FROM orders o WHERE o.id = ${orderId}
  `.execute(trx);
}

async function orderAssignedRows(
  trx: Executor,
  a: { orderId: number; offerId: number; cityId: number; masterId: number; masterName: string },
): Promise<OutboxInsert[]> {
  const { orderId, cityId, masterId, masterName } = a;
  const staffIds = await staffRecipients(trx, cityId, 'city_members');
  if (staffIds.length === 0) return [];
  const snapshot = await loadOrderSnapshot(trx, orderId);
  if (!snapshot) return [];
  const payload: OrderAssignedPayload = { ...snapshot, master_id: masterId, master_name: masterName };
  return staffOutboxRows({
    event: 'order_assigned',
    staffIds,
    channelId: null,
    orderId,
    payload,
    dedupPrefix: `order-assigned:${a.offerId}`,
  });
}
