import { sql } from 'kysely';
import type { StaffActor } from '../masters/master-admin';
import { audit } from '../shared/audit';
import type { DispatchDeps, Executor } from '../shared/deps';
import { createOrder } from './order-create';

/**
 * 🛡 Гарантия: a warranty order from a closed normal order, within `warranty_days` of its
 * closing, while no other (not canceled) warranty order of it exists. The new order copies the
 * address, client and category, prefers the master who did the work and is created through
 * createOrder (so it is deferred outside working hours and wakes distribution like any order).
 */

export type GuaranteeRefusal =
  | 'not_found'
  | 'not_in_scope'
  /** Not closed (or canceled). */
  | 'not_closed'
  /** Already a warranty order itself. */
  | 'is_guarantee'
  /** Nobody did the work (no master). */
  | 'no_master'
  /** The warranty period is over. */
  | 'warranty_over'
  /** A warranty order of it already exists; `orderId` is that order. */
  | 'exists';

export type GuaranteeResult =
  | { kind: 'ok'; orderId: number; status: 'searching' | 'guarantee' | 'deferred' }
  | { kind: Exclude<GuaranteeRefusal, 'exists'> }
  | { kind: 'exists'; orderId: number };

interface SourceOrder {
  id: number;
  city_id: number;
  status: string;
  type: string;
  assigned_master_id: number | null;
  within_warranty: boolean;
  existing: number | null;
}

async function loadSource(
  db: Executor,
  orderId: number,
  warrantyDays: number,
): Promise<SourceOrder | undefined> {
  const { rows } = await sql<SourceOrder>`
    SELECT o.id, o.city_id, o.status, o.type, o.assigned_master_id,
      coalesce(o.closed_at, o.updated_at) >= now() - make_interval(days => ${warrantyDays}::int) AS within_warranty,
      (SELECT g.id FROM orders g WHERE g.guarantee_source_order_id = o.id AND g.status <> 'canceled'
        ORDER BY g.id LIMIT 1) AS existing
    FROM orders o WHERE o.id = ${orderId}::int
  `.execute(db);
  return rows[0];
}

function refusalOf(
  src: SourceOrder | undefined,
  actor: StaffActor,
): Exclude<GuaranteeResult, { kind: 'ok' }> | null {
  if (!src) return { kind: 'not_found' };
  if (!actor.inScope(src.city_id)) return { kind: 'not_in_scope' };
  if (src.existing !== null) return { kind: 'exists', orderId: src.existing };
  if (src.type === 'guarantee') return { kind: 'is_guarantee' };
  if (src.status !== 'closed') return { kind: 'not_closed' };
  if (src.assigned_master_id === null) return { kind: 'no_master' };
  if (!src.within_warranty) return { kind: 'warranty_over' };
  return null;
}

/** Thrown inside createOrder's transaction when a concurrent tap created the warranty order first. */
class GuaranteeExists extends Error {
  constructor(readonly orderId: number) {
    super('guarantee order exists');
  }
}

/** Whether a closed order may get a warranty order now (for showing the button). */
export async function guaranteeRefusal(
  deps: Pick<DispatchDeps, 'db' | 'settings'>,
  actor: StaffActor,
  orderId: number,
): Promise<Exclude<GuaranteeResult['kind'], 'ok'> | null> {
  const settings = await deps.settings.get();
  return refusalOf(await loadSource(deps.db, orderId, settings.warranty_days), actor)?.kind ?? null;
}

export async function createGuaranteeOrder(
  deps: DispatchDeps,
  actor: StaffActor,
  sourceOrderId: number,
  describe: (sourceDescription: string) => string,
): Promise<GuaranteeResult> {
  const settings = await deps.settings.get();
  const pre = refusalOf(await loadSource(deps.db, sourceOrderId, settings.warranty_days), actor);
  if (pre) return pre;
  const src = await deps.db
    .selectFrom('orders')
    .selectAll()
    .where('id', '=', sourceOrderId)
    .executeTakeFirstOrThrow();
  try {
    const created = await createOrder(deps, {
      cityId: src.city_id,
      districtId: src.district_id,
      streetId: src.street_id,
      street: src.street,
      house: src.house,
      apartment: src.apartment,
      addressComment: src.address_comment,
      clientName: src.client_name,
      clientPhone: src.client_phone,
      category: src.category,
      description: describe(src.description),
      type: 'guarantee',
      preferredMasterId: src.assigned_master_id,
      guaranteeSourceOrderId: src.id,
      createdByStaffId: actor.staffId,
      location: {
        point: src.lat !== null && src.lon !== null ? { lat: src.lat, lon: src.lon } : null,
        precision: src.geo_precision,
        source: src.geo_source,
        address: src.geo_address,
      },
      inTransaction: async (trx, orderId) => {
        // Serialises concurrent taps on the source order; the loser rolls its order back.
        await trx.selectFrom('orders').select('id').where('id', '=', src.id).forUpdate().execute();
        const other = await trx
          .selectFrom('orders')
          .select('id')
          .where('guarantee_source_order_id', '=', src.id)
          .where('status', '<>', 'canceled')
          .where('id', '<>', orderId)
          .orderBy('id')
          .executeTakeFirst();
        if (other) throw new GuaranteeExists(other.id);
        await audit(trx, {
          staffId: actor.staffId,
          action: 'order.guarantee',
          entityType: 'order',
          entityId: src.id,
          payload: { guarantee_order_id: orderId, preferred_master_id: src.assigned_master_id },
        });
      },
    });
    return { kind: 'ok', orderId: created.orderId, status: created.status };
  } catch (err) {
    if (err instanceof GuaranteeExists) return { kind: 'exists', orderId: err.orderId };
    throw err;
  }
}
