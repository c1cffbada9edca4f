import {
  type Category,
  canStaffCancel,
  isReschedulable,
  OPEN_OFFER_STATES,
  type OrderCanceledPayload,
  type OrderRescheduledPayload,
  type OrderStatus,
  type OrderType,
  type Settings,
} from '@fs/domain';
import { insertOutbox, type OutboxInsert, type OutboxRef } from '@fs/queue';
import { sql } from 'kysely';
import { type ClientNoticeInput, clientNoticeRows } from '../clients/client-notices';
import type { StaffActor } from '../masters/master-admin';
import { RETURNED_BY_STAFF } from '../offers/candidates';
import { resetDistribution } from '../offers/escalation';
import { offerClosedRows } from '../offers/offer-closed';
import { type AfterCommitWork, runAfterCommit } from '../shared/after-commit';
import { audit } from '../shared/audit';
import { type DispatchDeps, type Executor, nowOf } from '../shared/deps';
import { type TransitionOrderInput, transitionOrder } from './order-transition';

/**
 * What staff do to an order from its card: distribute now, cancel, return to search,
 * reschedule (this module); manual offer and direct assignment (order-admin-assign.ts); a
 * guarantee order from a closed one (order-admin-guarantee.ts). Each action is one
 * transaction that locks the order row, re-checks the acting staff member's city scope and
 * the order's state (a forged or stale button changes nothing), changes it through the state
 * machine, writes one admin_audit_log row and the master's (and client's) notification as an
 * outbox row whose dedup key is tied to the new order version — a second tap finds the order
 * already changed and writes nothing.
 */

export type OrderAdminDeps = Pick<DispatchDeps, 'db' | 'queues' | 'logger' | 'settings' | 'clock'>;

export type OrderRefusal =
  | 'not_found'
  /** The order's city is outside the staff member's scope. */
  | 'not_in_scope'
  /** The order's status (or assignment) does not allow the action now. */
  | 'wrong_state';

export type OrderActionResult<T extends object = object> = ({ kind: 'ok' } & T) | { kind: OrderRefusal };

/** The locked order row with what the actions read. */
export interface LockedOrder {
  id: number;
  city_id: number;
  district_id: number | null;
  status: OrderStatus;
  type: OrderType;
  category: Category;
  assigned_master_id: number | null;
  preferred_master_id: number | null;
  lat: number | null;
  lon: number | null;
  timeslot_start: Date | null;
  timeslot_end: Date | null;
  is_asap: boolean;
  version: number;
  closed_at: Date | null;
  street: string | null;
  description: string;
  city_name: string;
  timezone: string;
  district_name: string | null;
}

export interface OrderActOutcome<R> {
  result: R;
  /** The change's admin_audit_log payload (action `order.<what>`, the order as entity); set when it changed. */
  audit?: Record<string, unknown>;
  outbox?: OutboxInsert[];
  /** What the client is told of the change (client-notices.ts): its row goes after `outbox`. */
  clientNotice?: Pick<ClientNoticeInput, 'event' | 'version'>;
  /** Outbox rows the action already inserted itself (to enqueue after commit). */
  outboxRefs?: OutboxRef[];
  after?: Omit<AfterCommitWork, 'outbox'>;
}

async function lockOrder(trx: Executor, orderId: number): Promise<LockedOrder | undefined> {
  const { rows } = await sql<LockedOrder>`
    SELECT o.id, o.city_id, o.district_id, o.status, o.type, o.category, o.assigned_master_id,
      o.preferred_master_id, o.lat, o.lon, o.timeslot_start, o.timeslot_end, o.is_asap, o.version, o.closed_at,
      o.street, o.description, c.name AS city_name, c.timezone, d.name AS district_name
    FROM orders o
    JOIN cities c ON c.id = o.city_id
    LEFT JOIN districts d ON d.id = o.district_id
    WHERE o.id = ${orderId}::int
    FOR UPDATE OF o
  `.execute(trx);
  return rows[0];
}

/**
 * Runs one staff action on a locked order (scope checked first), then writes its audit row and
 * inserts its outbox rows (the client's notice last) in the same transaction, and does the
 * Redis work after commit.
 */
export async function actOnOrder<R extends { kind: string }>(
  deps: OrderAdminDeps,
  actor: StaffActor,
  orderId: number,
  what: string,
  act: (trx: Executor, order: LockedOrder, settings: Settings) => Promise<OrderActOutcome<R>>,
): Promise<R | { kind: 'not_found' | 'not_in_scope' }> {
  const settings = await deps.settings.get();
  const done = await deps.db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (!order) return { result: { kind: 'not_found' as const }, work: {} };
    if (!actor.inScope(order.city_id)) return { result: { kind: 'not_in_scope' as const }, work: {} };
    const outcome = await act(trx, order, settings);
    if (outcome.audit) {
      await audit(trx, {
        staffId: actor.staffId,
        action: `order.${what}`,
        entityType: 'order',
        entityId: order.id,
        payload: outcome.audit,
      });
    }
    const outbox = [...(outcome.outbox ?? [])];
    if (outcome.clientNotice) {
      const notice = { ...outcome.clientNotice, orderId: order.id, now: nowOf(deps) };
      outbox.push(...(await clientNoticeRows(trx, settings, notice)));
    }
    const refs = [...(outcome.outboxRefs ?? []), ...(await insertOutbox(trx, outbox))];
    return { result: outcome.result, work: { ...outcome.after, outbox: refs } as AfterCommitWork };
  });
  deps.logger.info(
    { order_id: orderId, staff_id: actor.staffId, action: what, outcome: done.result.kind },
    'staff order action',
  );
  await runAfterCommit(deps, done.work);
  return done.result;
}

export const wrongState = { result: { kind: 'wrong_state' as const } };

const isIn = <S extends string>(list: readonly S[], s: string): s is S =>
  (list as readonly string[]).includes(s);

/** Statuses staff may distribute from (deferred ones are first moved to searching). */
export const STAFF_DISTRIBUTABLE = ['deferred', 'searching', 'guarantee'] as const;
/** Statuses staff may take back from the master (the state machine's "return to search"). */
export const RETURNABLE = ['assigned', 'en_route', 'working'] as const;
export const canDistribute = (o: Pick<LockedOrder, 'status' | 'assigned_master_id'>) =>
  isIn(STAFF_DISTRIBUTABLE, o.status) && o.assigned_master_id === null;
export const canReturn = (o: Pick<LockedOrder, 'status'>) => isIn(RETURNABLE, o.status);
/** The staff cancel rule (domain `canStaffCancel`): the card and the action both ask this. */
export const canCancel = (o: Pick<LockedOrder, 'status'>) => canStaffCancel(o.status);
export const canReschedule = (o: Pick<LockedOrder, 'status'>) => isReschedulable(o.status);

/**
 * A staff move of the locked order through the state machine: from its status as read, at its
 * version (a stale tap moves nothing and gets null).
 */
export function moveByStaff(
  trx: Executor,
  order: LockedOrder,
  actor: StaffActor,
  move: Omit<TransitionOrderInput, 'orderId' | 'from' | 'actorType' | 'actorId' | 'expectedVersion'>,
): Promise<{ version: number } | null> {
  return transitionOrder(trx, {
    ...move,
    orderId: order.id,
    from: order.status,
    actorType: 'staff',
    actorId: actor.staffId,
    expectedVersion: order.version,
  });
}

/**
 * A deferred order woken by staff (distribute now, manual offer, assignment) goes to
 * searching first; a searching/guarantee order stays. Returns the status after.
 */
export async function wakeDeferredByStaff(
  trx: Executor,
  order: LockedOrder,
  actor: StaffActor,
  reason: string,
): Promise<OrderStatus | null> {
  if (order.status !== 'deferred') return order.status;
  const moved = await moveByStaff(trx, order, actor, {
    to: 'searching',
    reason,
    patch: { deferred_until: null },
  });
  if (!moved) return null;
  order.version = moved.version;
  order.status = 'searching';
  return 'searching';
}

/** The assigned master's `order_canceled` row, once per order version. */
export function orderCanceledRow(
  orderId: number,
  masterId: number,
  version: number,
  reason: string,
): OutboxInsert {
  return {
    bot: 'master',
    event: 'order_canceled',
    master_id: masterId,
    order_id: orderId,
    payload: { order_id: orderId, reason } satisfies OrderCanceledPayload,
    dedup_key: `order-canceled:${orderId}:v${version}`,
  };
}

/** Cancels the order's offers in `states`; returns them (for offer_closed pushes). */
export async function cancelOffers(
  trx: Executor,
  orderId: number,
  states: readonly ('sent' | 'viewed' | 'accepted')[],
  closeReason: string,
): Promise<{ id: number; master_id: number; state: string }[]> {
  const rows = await trx
    .selectFrom('offers')
    .select(['id', 'master_id', 'state'])
    .where('order_id', '=', orderId)
    .where('state', 'in', states)
    .execute();
  if (rows.length === 0) return [];
  await trx
    .updateTable('offers')
    .set({
      state: 'canceled',
      responded_at: sql<Date>`coalesce(responded_at, now())`,
      close_reason: closeReason,
    })
    .where(
      'id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  return rows;
}

/**
 * The order was taken from the masters (canceled, returned to search): the pushes of its
 * withdrawn open offers are closed, and the assigned master is told once with `reason`.
 */
function withdrawalRows(
  order: LockedOrder,
  withdrawn: { id: number; master_id: number; state: string }[],
  version: number,
  reason: string,
): OutboxInsert[] {
  const open = withdrawn.filter((o) => isIn(OPEN_OFFER_STATES, o.state));
  const rows = offerClosedRows(open, order.id, 'canceled');
  if (order.assigned_master_id !== null) {
    rows.push(orderCanceledRow(order.id, order.assigned_master_id, version, reason));
  }
  return rows;
}

/**
 * ⚡️ Автораспределение: a deferred order goes to searching; rounds and the escalation episode
 * start over, and the scheduler is woken for the order at once.
 */
export function distributeNow(
  deps: OrderAdminDeps,
  actor: StaffActor,
  orderId: number,
): Promise<OrderActionResult<{ woke: boolean }>> {
  return actOnOrder<OrderActionResult<{ woke: boolean }>>(
    deps,
    actor,
    orderId,
    'distribute_now',
    async (trx, order) => {
      if (!canDistribute(order)) return wrongState;
      const wasDeferred = order.status === 'deferred';
      if ((await wakeDeferredByStaff(trx, order, actor, 'distribute_now')) === null) return wrongState;
      await resetDistribution(trx, order.id);
      return {
        result: { kind: 'ok' as const, woke: wasDeferred },
        audit: { was_deferred: wasDeferred },
        after: { wake: { orderId: order.id, reason: 'staff_distribute_now' } },
      };
    },
  );
}

/**
 * ✖️ Отменить: any open status → canceled with the reason; open offers are withdrawn (their
 * pushes edited) and the assigned master is told once; so is the client, if a master had
 * accepted (the client never heard of an order nobody took).
 */
export function cancelOrderByStaff(
  deps: OrderAdminDeps,
  actor: StaffActor,
  orderId: number,
  reason: string,
): Promise<OrderActionResult> {
  return actOnOrder<OrderActionResult>(deps, actor, orderId, 'cancel', async (trx, order) => {
    if (!canCancel(order)) return wrongState;
    const moved = await moveByStaff(trx, order, actor, {
      to: 'canceled',
      reason: 'canceled_by_staff',
      context: { reason },
      patch: { cancel_reason: reason },
    });
    if (!moved) return wrongState;
    const withdrawn = await cancelOffers(trx, order.id, OPEN_OFFER_STATES, 'order_canceled');
    const freed = withdrawn.length > 0 || order.assigned_master_id !== null;
    return {
      result: { kind: 'ok' as const },
      audit: { reason, from: order.status, master_id: order.assigned_master_id },
      outbox: withdrawalRows(order, withdrawn, moved.version, reason),
      clientNotice: { event: 'client_order_canceled', version: moved.version },
      ...(freed ? { after: { freed: { cityId: order.city_id, reason: 'order_canceled' } } } : {}),
    };
  });
}

/**
 * Вернуть в поиск: assigned/en route/working → searching without a master. The master's
 * accepted offer and any open ones are canceled (a later acceptance must be possible), the
 * master is told once with `reason`, rounds start over and the scheduler is woken. The order
 * is not offered to that master again (the candidate rule `removed`, like a refusal); staff
 * may still offer or assign it to them by hand.
 */
export function returnOrderToSearch(
  deps: OrderAdminDeps,
  actor: StaffActor,
  orderId: number,
  reason: string,
): Promise<OrderActionResult> {
  return actOnOrder<OrderActionResult>(deps, actor, orderId, 'return_to_search', async (trx, order) => {
    if (!canReturn(order)) return wrongState;
    const moved = await moveByStaff(trx, order, actor, {
      to: 'searching',
      // This row (reason and master_id) keeps the master out of the order's next rounds (candidates.ts).
      reason: RETURNED_BY_STAFF,
      context: { master_id: order.assigned_master_id },
      patch: { assigned_master_id: null, assigned_at: null },
    });
    if (!moved) return wrongState;
    const offers = await cancelOffers(trx, order.id, ['sent', 'viewed', 'accepted'], 'returned_to_search');
    await resetDistribution(trx, order.id);
    return {
      result: { kind: 'ok' as const },
      audit: { from: order.status, master_id: order.assigned_master_id },
      outbox: withdrawalRows(order, offers, moved.version, reason),
      // The master's slot is free again: other orders of the city may take it.
      after: {
        wake: { orderId: order.id, reason: 'staff_return_to_search' },
        freed: { cityId: order.city_id, reason: 'order_returned' },
      },
    };
  });
}

/** A new visit time: a concrete window, or "as soon as possible" from `start` to `end`. */
export interface NewVisitTime {
  start: Date;
  end: Date;
  isAsap: boolean;
}

/**
 * 🔁 Перезапланировать: the new visit window (a deferred order's wake time is then derived
 * from it again); the assigned master is told once, and the client once a master has accepted.
 * The same window again is `unchanged`.
 */
export function rescheduleOrder(
  deps: OrderAdminDeps,
  actor: StaffActor,
  orderId: number,
  slot: NewVisitTime,
): Promise<OrderActionResult | { kind: 'unchanged' }> {
  return actOnOrder<OrderActionResult | { kind: 'unchanged' }>(
    deps,
    actor,
    orderId,
    'reschedule',
    async (trx, order) => {
      if (!canReschedule(order)) return wrongState;
      const same =
        order.is_asap === slot.isAsap &&
        order.timeslot_start?.getTime() === slot.start.getTime() &&
        order.timeslot_end?.getTime() === slot.end.getTime();
      if (same) return { result: { kind: 'unchanged' as const } };
      const row = await trx
        .updateTable('orders')
        .set({
          timeslot_start: slot.start,
          timeslot_end: slot.end,
          is_asap: slot.isAsap,
          ...(order.status === 'deferred' ? { deferred_until: null } : {}),
          version: sql<number>`version + 1`,
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', order.id)
        .where('version', '=', order.version)
        .returning('version')
        .executeTakeFirst();
      if (!row) return wrongState;
      const outbox: OutboxInsert[] = [];
      if (order.assigned_master_id !== null) {
        outbox.push({
          bot: 'master',
          event: 'order_rescheduled',
          master_id: order.assigned_master_id,
          order_id: order.id,
          payload: {
            order_id: order.id,
            timeslot_start: slot.start.toISOString(),
            timeslot_end: slot.end.toISOString(),
            is_asap: slot.isAsap,
            timezone: order.timezone,
          } satisfies OrderRescheduledPayload,
          dedup_key: `order-rescheduled:${order.id}:v${row.version}`,
        });
      }
      return {
        result: { kind: 'ok' as const },
        audit: {
          from: {
            start: order.timeslot_start?.toISOString() ?? null,
            end: order.timeslot_end?.toISOString() ?? null,
            is_asap: order.is_asap,
          },
          to: { start: slot.start.toISOString(), end: slot.end.toISOString(), is_asap: slot.isAsap },
        },
        outbox,
        clientNotice: { event: 'client_order_rescheduled', version: row.version },
        // A deferred order's wake time moved: let the scheduler look again.
        ...(order.status === 'deferred'
          ? { after: { wake: { orderId: order.id, reason: 'staff_reschedule' } } }
          : {}),
      };
    },
  );
}
