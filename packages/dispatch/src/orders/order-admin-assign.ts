import { OPEN_OFFER_STATES, type OrderAssignedPayload } from '@fs/domain';
import type { OutboxInsert } from '@fs/queue';
import { sql } from 'kysely';
import type { StaffActor } from '../masters/master-admin';
import { type CandidateExplanation, type CandidateRejection, findCandidates } from '../offers/candidates';
import { resetDistribution } from '../offers/escalation';
import { recordAssignmentMetrics } from '../offers/offer-accept';
import { offerClosedRows } from '../offers/offer-closed';
import { insertOffers } from '../offers/offer-insert';
import type { Executor } from '../shared/deps';
import {
  actOnOrder,
  canDistribute,
  type LockedOrder,
  moveByStaff,
  type OrderActionResult,
  type OrderAdminDeps,
  wakeDeferredByStaff,
  wrongState,
} from './order-admin';
import { toOrderSnapshot } from './order-snapshot';

/**
 * Staff pick the master themselves: 📨 a manual offer (the master still accepts it) or ✅ a
 * direct assignment. Both read the master through the scheduler's own candidate query with
 * `explain`, so the why-not reasons staff saw are the ones applied here. Staff may override
 * the soft rules (shift, district, skill, load, an earlier refusal) — that is the point of
 * choosing by hand — but never the hard ones below.
 */

/** Rules staff cannot override: the master could not work (or even be told about) the order. */
export const HARD_REJECTIONS: readonly CandidateRejection[] = [
  'not_verified',
  'inactive',
  'blocked',
  'deleted',
  'unreachable',
];

export type MasterPickRefusal =
  /** Not a master of the order's city. */
  | 'master_not_found'
  /** A hard rule fails; `rejections` says which. */
  | 'master_unfit'
  /** The master already holds a live offer for this order (a second tap). */
  | 'already_offered';

export type MasterPickResult<T extends object = object> =
  | OrderActionResult<T>
  | { kind: 'master_not_found' }
  | { kind: 'already_offered' }
  | { kind: 'master_unfit'; rejections: CandidateRejection[] };

/** The scheduler's verdict on every master of the order's city, eligible first (ranked). */
export async function explainOrderCandidates(
  db: Executor,
  order: Pick<LockedOrder, 'id' | 'city_id' | 'district_id' | 'category' | 'type' | 'preferred_master_id'> &
    Partial<Pick<LockedOrder, 'lat' | 'lon'>>,
  maxActiveOrders: number,
): Promise<CandidateExplanation[]> {
  return findCandidates(db, order, { limit: 0, explain: true, maxActiveOrders });
}

async function lockMasterVerdict(
  trx: Executor,
  order: LockedOrder,
  masterId: number,
  maxActiveOrders: number,
): Promise<CandidateExplanation | undefined> {
  // The master row lock serialises this with the master's own accepts (their limit check).
  const locked = await trx
    .selectFrom('masters')
    .select('id')
    .where('id', '=', masterId)
    .where('city_id', '=', order.city_id)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!locked) return undefined;
  const all = await explainOrderCandidates(trx, order, maxActiveOrders);
  return all.find((c) => c.masterId === masterId);
}

const hardOf = (v: CandidateExplanation) => v.rejections.filter((r) => HARD_REJECTIONS.includes(r));

/**
 * 📨 Предложить: one offer to the chosen master (round 1 of a fresh episode: staff action
 * resets rounds and escalation), its `new_offer` push and expiry job — made the way the
 * scheduler makes offers (offer-insert.ts). A deferred order goes to searching first.
 */
export function offerOrderToMaster(
  deps: OrderAdminDeps,
  actor: StaffActor,
  orderId: number,
  masterId: number,
): Promise<MasterPickResult<{ offerId: number; expiresAt: Date }>> {
  return actOnOrder<MasterPickResult<{ offerId: number; expiresAt: Date }>>(
    deps,
    actor,
    orderId,
    'manual_offer',
    async (trx, order, settings) => {
      if (!canDistribute(order)) return wrongState;
      const verdict = await lockMasterVerdict(trx, order, masterId, settings.max_active_orders);
      if (!verdict) return { result: { kind: 'master_not_found' as const } };
      if (verdict.rejections.includes('already_offered'))
        return { result: { kind: 'already_offered' as const } };
      const hard = hardOf(verdict);
      if (hard.length > 0) return { result: { kind: 'master_unfit' as const, rejections: hard } };
      if ((await wakeDeferredByStaff(trx, order, actor, 'manual_offer')) === null) return wrongState;
      await resetDistribution(trx, order.id);
      const made = await insertOffers(trx, {
        order,
        masterIds: [masterId],
        round: 1,
        slaSeconds: settings.distribution_sla_seconds,
        limit: 1,
        maxActiveOrders: null,
      });
      if (!made) return wrongState;
      const offer = made.offers[0]!;
      return {
        result: { kind: 'ok' as const, offerId: offer.offerId, expiresAt: made.expiresAt },
        audit: { master_id: masterId, offer_id: offer.offerId, overridden: verdict.rejections },
        after: {
          expiry: { orderId: order.id, round: 1, expiresAt: made.expiresAt },
        },
        // The push row is already in the outbox (offer-insert.ts): enqueued after commit.
        outboxRefs: made.outbox,
      };
    },
  );
}

/** On assignment to `masterId`: their own open offer becomes accepted, everyone else's canceled. */
function settleOpenOffers(trx: Executor, orderId: number, masterId: number, whose: 'own' | 'others') {
  return trx
    .updateTable('offers')
    .set({
      state: whose === 'own' ? 'accepted' : 'canceled',
      responded_at: sql<Date>`now()`,
      close_reason: 'assigned_by_staff',
    })
    .where('order_id', '=', orderId)
    .where('master_id', whose === 'own' ? '=' : '<>', masterId)
    .where('state', 'in', OPEN_OFFER_STATES)
    .returning(['id', 'master_id'])
    .execute();
}

/**
 * ✅ Назначить: the order goes to the master at once (searching/guarantee → assigned; a
 * deferred order through searching). The master's own open offer becomes accepted, other
 * open offers are withdrawn (their pushes edited), a distribution_metrics row is written
 * with via = 'manual', and the master is told once (`order_assigned` for the master).
 */
export function assignOrderToMaster(
  deps: OrderAdminDeps,
  actor: StaffActor,
  orderId: number,
  masterId: number,
): Promise<MasterPickResult> {
  return actOnOrder<MasterPickResult>(deps, actor, orderId, 'assign', async (trx, order, settings) => {
    if (!canDistribute(order)) return wrongState;
    const verdict = await lockMasterVerdict(trx, order, masterId, settings.max_active_orders);
    if (!verdict) return { result: { kind: 'master_not_found' as const } };
    const hard = hardOf(verdict);
    if (hard.length > 0) return { result: { kind: 'master_unfit' as const, rejections: hard } };
    if ((await wakeDeferredByStaff(trx, order, actor, 'assigned_by_staff')) === null) return wrongState;
    const moved = await moveByStaff(trx, order, actor, {
      to: 'assigned',
      reason: 'assigned_by_staff',
      context: { master_id: masterId, overridden: verdict.rejections },
      patch: { assigned_master_id: masterId, assigned_at: sql<Date>`now()` },
      guard: (eb) => eb('assigned_master_id', 'is', null),
    });
    if (!moved) return wrongState;

    const [own] = await settleOpenOffers(trx, order.id, masterId, 'own');
    const others = await settleOpenOffers(trx, order.id, masterId, 'others');
    await recordAssignmentMetrics(trx, order.id, own?.id ?? null, masterId, 'manual');
    await resetDistribution(trx, order.id);

    const outbox: OutboxInsert[] = [
      ...offerClosedRows(others, order.id, 'taken'),
      ...(own ? offerClosedRows([own], order.id, 'accepted') : []),
      {
        bot: 'master',
        event: 'order_assigned',
        master_id: masterId,
        order_id: order.id,
        payload: {
          ...toOrderSnapshot(order),
          master_id: masterId,
          master_name: verdict.fullName,
          audience: 'master',
        } satisfies OrderAssignedPayload,
        dedup_key: `order-assigned-master:${order.id}:v${moved.version}`,
      },
    ];
    return {
      result: { kind: 'ok' as const },
      audit: { master_id: masterId, overridden: verdict.rejections },
      outbox,
      clientNotice: { event: 'client_order_accepted', version: moved.version },
      ...(others.length > 0 ? { after: { freed: { cityId: order.city_id, reason: 'offers_taken' } } } : {}),
    };
  });
}
