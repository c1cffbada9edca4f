import type { CloseAmountReview, OrderStatus } from '@fs/domain';
import { quoteCommission, reviewCloseAmount } from '@fs/domain';
import { insertOutbox, type OutboxRef } from '@fs/queue';
import { sql } from 'kysely';
import { clientNoticeRows } from '../clients/client-notices';
import { wakeCityOrders } from '../offers/due-work';
import { runAfterCommit } from '../shared/after-commit';
import { type ActFile, attachmentRow } from '../shared/attachments';
import { type DispatchDeps, type Executor, nowOf } from '../shared/deps';
import { estimateArrival } from './order-location';
import { ordersWithPlace } from './order-read';
import { transitionOrder } from './order-transition';

/**
 * What the assigned master does with an active order: the status steps (в пути → работаю)
 * and closing (working → payment with the commission, or → closed for guarantee orders).
 * Every status change goes through transitionOrder with actor `master` and a guard on the
 * assigned master, so a stale button or another master's order id changes nothing.
 */

type Deps = Pick<DispatchDeps, 'db' | 'queues' | 'logger' | 'settings' | 'clock'>;

export type MasterOrderRefusal =
  /** No such order. */
  | 'not_found'
  /** The order is assigned to someone else (or to nobody). */
  | 'not_yours'
  /** The order is no longer in the status the button was made for. */
  | 'wrong_status';

export type MasterStepResult =
  | { kind: 'ok'; status: OrderStatus }
  | { kind: MasterOrderRefusal; status?: OrderStatus };

/** The two steps a master takes before closing, keyed by the status they start from. */
export const MASTER_STEPS = {
  assigned: { to: 'en_route', reason: 'master_en_route' },
  en_route: { to: 'working', reason: 'master_working' },
} as const satisfies Partial<Record<OrderStatus, { to: OrderStatus; reason: string }>>;

async function refusal(
  db: Executor,
  orderId: number,
  masterId: number,
): Promise<{ kind: MasterOrderRefusal; status?: OrderStatus }> {
  const o = await db
    .selectFrom('orders')
    .select(['status', 'assigned_master_id'])
    .where('id', '=', orderId)
    .executeTakeFirst();
  if (!o) return { kind: 'not_found' };
  if (o.assigned_master_id !== masterId) return { kind: 'not_yours' };
  return { kind: 'wrong_status', status: o.status };
}

/**
 * assigned → en_route or en_route → working, only by the assigned master and only from `from`.
 * Setting off tells the client "мастер едет к вам" with an arrival estimate when both the order's
 * and the master's points are known (estimateArrival).
 */
export async function advanceMasterOrder(
  deps: Deps,
  input: { orderId: number; masterId: number; from: keyof typeof MASTER_STEPS },
): Promise<MasterStepResult> {
  const step = MASTER_STEPS[input.from];
  const settings = step.to === 'en_route' ? await deps.settings.get() : null;
  let outbox: OutboxRef[] = [];
  const done = await deps.db.transaction().execute(async (trx) => {
    const moved = await transitionOrder(trx, {
      orderId: input.orderId,
      from: input.from,
      to: step.to,
      actorType: 'master',
      actorId: input.masterId,
      reason: step.reason,
      guard: (eb) => eb('assigned_master_id', '=', input.masterId),
    });
    if (moved && settings) {
      const eta = await estimateArrival(trx, input.orderId);
      outbox = await insertOutbox(
        trx,
        await clientNoticeRows(trx, settings, {
          orderId: input.orderId,
          event: 'client_master_en_route',
          version: moved.version,
          now: nowOf(deps),
          eta,
        }),
      );
    }
    return moved;
  });
  const result: MasterStepResult = done
    ? { kind: 'ok', status: step.to }
    : await refusal(deps.db, input.orderId, input.masterId);
  deps.logger.info(
    { order_id: input.orderId, master_id: input.masterId, from: input.from, outcome: result.kind },
    'master order step',
  );
  await runAfterCommit(deps, { outbox });
  return result;
}

/** The act the master sent (a Telegram photo or document). */
export type { ActFile };

export interface CloseOrderInput {
  orderId: number;
  masterId: number;
  /** The order total; required for normal orders, ignored for guarantee orders. */
  totalKopecks?: number | null;
  act: ActFile;
}

export interface ClosedCommission {
  id: number;
  amountKopecks: number;
  ratePct: number;
  deadlineAt: Date;
  /** The owner's requisites as shown to the master (snapshot stored on the commission). */
  payTo: Record<string, unknown>;
}

export type CloseOrderResult =
  | {
      kind: 'closed';
      orderId: number;
      orderType: 'normal' | 'guarantee';
      /** `payment` (commission to pay) or `closed` (guarantee, or a zero commission). */
      status: 'payment' | 'closed';
      totalKopecks: number;
      timezone: string;
      commission: ClosedCommission | null;
      attachmentId: number;
    }
  | { kind: MasterOrderRefusal; status?: OrderStatus }
  | { kind: 'amount_required' };

/** Average total of the master's normal orders closed (to payment) in the 7 days before now. */
async function avgCheckKopecks(
  trx: Executor,
  masterId: number,
  exceptOrderId: number,
): Promise<number | null> {
  const { rows } = await sql<{ avg: string | null }>`
    SELECT avg(o.total_amount_kopecks)::text AS avg FROM orders o
    WHERE o.assigned_master_id = ${masterId}::int AND o.type = 'normal' AND o.id <> ${exceptOrderId}::int
      AND o.status IN ('payment', 'closed') AND o.total_amount_kopecks IS NOT NULL
      AND EXISTS (SELECT 1 FROM order_status_history h WHERE h.order_id = o.id AND h.to_status = 'payment'
        AND h.created_at >= now() - interval '7 days')
  `.execute(trx);
  const avg = rows[0]?.avg;
  return avg === null || avg === undefined ? null : Number(avg);
}

export type CloseAmountReviewResult =
  | ({ kind: 'review' } & CloseAmountReview)
  | { kind: MasterOrderRefusal; status?: OrderStatus }
  /** A guarantee order is closed without a total. */
  | { kind: 'no_amount' };

/**
 * What the master confirms before closing with `totalKopecks`: the commission it implies (the
 * same rate closing will apply now) and whether it is far above the category's usual. Reads
 * only; the order must be the master's, working and normal.
 */
export async function reviewOrderCloseAmount(
  deps: Pick<DispatchDeps, 'db' | 'settings'>,
  input: { orderId: number; masterId: number; totalKopecks: number },
): Promise<CloseAmountReviewResult> {
  const order = await deps.db
    .selectFrom('orders')
    .select(['status', 'type', 'category', 'assigned_master_id'])
    .where('id', '=', input.orderId)
    .executeTakeFirst();
  if (!order) return { kind: 'not_found' };
  if (order.assigned_master_id !== input.masterId) return { kind: 'not_yours' };
  if (order.status !== 'working') return { kind: 'wrong_status', status: order.status };
  if (order.type === 'guarantee') return { kind: 'no_amount' };
  const [settings, avg] = await Promise.all([
    deps.settings.get(),
    avgCheckKopecks(deps.db, input.masterId, input.orderId),
  ]);
  return { kind: 'review', ...reviewCloseAmount(input.totalKopecks, order.category, avg, settings) };
}

/**
 * The master closes a working order with the act (and the total for a normal order), in one
 * transaction: the act is stored as an order attachment; a normal order goes working →
 * payment with its total and gets its commission (rate by the 7-day average check, deadline
 * now + commission_deadline_hours, the owner's requisites snapshot); a guarantee order goes
 * working → payment → closed at once with the company's guarantee payment and no commission
 * (as does a normal order whose commission comes out at zero). The client is asked for feedback
 * in the same transaction. Afterwards the city's waiting orders are woken.
 *
 * long-function: one transaction: act, transition, commission or guarantee close, client notice, in order.
 */
export async function closeOrderByMaster(deps: Deps, input: CloseOrderInput): Promise<CloseOrderResult> {
  const settings = await deps.settings.get();
  const log = deps.logger;
  let outbox: OutboxRef[] = [];
  // The work is done: the client is asked for feedback (⭐ and the amount check).
  const feedbackRequest = async (trx: Executor, version: number) =>
    insertOutbox(
      trx,
      await clientNoticeRows(trx, settings, {
        orderId: input.orderId,
        event: 'client_feedback_request',
        version,
        now: nowOf(deps),
      }),
    );
  const result = await deps.db
    .transaction()
    .execute(async (trx): Promise<CloseOrderResult & { cityId?: number }> => {
      const order = await ordersWithPlace(trx)
        .select([
          'o.id',
          'o.status',
          'o.type',
          'o.assigned_master_id',
          'o.city_id',
          'o.version',
          'c.timezone',
        ])
        .where('o.id', '=', input.orderId)
        .forUpdate('o')
        .executeTakeFirst();
      if (!order) return { kind: 'not_found' };
      if (order.assigned_master_id !== input.masterId) return { kind: 'not_yours' };
      if (order.status !== 'working') return { kind: 'wrong_status', status: order.status };
      const guarantee = order.type === 'guarantee';
      const total = guarantee ? 0 : (input.totalKopecks ?? 0);
      if (!guarantee && !(Number.isSafeInteger(total) && total > 0)) return { kind: 'amount_required' };

      const attachment = await trx
        .insertInto('attachments')
        .values(
          attachmentRow(input.act, {
            entityType: 'order',
            entityId: order.id,
            documentKind: 'act',
            masterId: input.masterId,
          }),
        )
        .returning('id')
        .executeTakeFirstOrThrow();

      const base = {
        kind: 'closed' as const,
        orderId: order.id,
        orderType: order.type,
        totalKopecks: total,
        timezone: order.timezone,
        attachmentId: attachment.id,
        cityId: order.city_id,
      };
      const toPayment = await transitionOrder(trx, {
        orderId: order.id,
        from: 'working',
        to: 'payment',
        actorType: 'master',
        actorId: input.masterId,
        reason: guarantee ? 'guarantee_completed' : 'master_uploaded_act',
        context: { attachment_id: attachment.id, total_kopecks: total },
        expectedVersion: order.version,
        guard: (eb) => eb('assigned_master_id', '=', input.masterId),
        patch: guarantee
          ? { total_amount_kopecks: 0, company_payment_kopecks: settings.guarantee_payment_rub * 100 }
          : { total_amount_kopecks: total },
      });
      // The row is locked and checked above; a miss means the state machine and the data disagree.
      if (!toPayment) throw new Error(`order ${order.id} changed under its row lock`);

      const quote = guarantee
        ? null
        : quoteCommission(total, await avgCheckKopecks(trx, input.masterId, order.id), settings);
      if (!quote || quote.amountKopecks === 0) {
        const closed = await transitionOrder(trx, {
          orderId: order.id,
          from: 'payment',
          to: 'closed',
          actorType: 'system',
          reason: guarantee ? 'guarantee_autoclose' : 'zero_commission',
          expectedVersion: toPayment.version,
          patch: { closed_at: sql<Date>`now()` },
        });
        outbox = await feedbackRequest(trx, closed?.version ?? toPayment.version);
        return { ...base, status: 'closed', commission: null };
      }

      const requisites = await trx
        .selectFrom('owner_requisites')
        .select('data')
        .where('id', '=', 1)
        .executeTakeFirst();
      const payTo = requisites?.data ?? {};
      const commission = await trx
        .insertInto('commissions')
        .values({
          order_id: order.id,
          master_id: input.masterId,
          amount_kopecks: quote.amountKopecks,
          rate: quote.rate,
          deadline_at: sql<Date>`now() + make_interval(hours => ${settings.commission_deadline_hours}::int)`,
          pay_to_snapshot: JSON.stringify(payTo),
        })
        .returning(['id', 'deadline_at'])
        .executeTakeFirstOrThrow();
      outbox = await feedbackRequest(trx, toPayment.version);
      return {
        ...base,
        status: 'payment',
        commission: {
          id: commission.id,
          amountKopecks: quote.amountKopecks,
          ratePct: quote.ratePct,
          deadlineAt: commission.deadline_at,
          payTo,
        },
      };
    });

  log.info(
    {
      order_id: input.orderId,
      master_id: input.masterId,
      outcome: result.kind,
      ...(result.kind === 'closed'
        ? { status: result.status, total_kopecks: result.totalKopecks, commission_id: result.commission?.id }
        : {}),
    },
    'master closed order',
  );
  await runAfterCommit(deps, { outbox });
  if (result.kind === 'closed' && result.cityId !== undefined) {
    await wakeCityOrders(deps, result.cityId, 'order_closed');
  }
  if (result.kind === 'closed') {
    const { cityId: _, ...rest } = result;
    return rest;
  }
  return result;
}
