import {
  type EtaEstimate,
  estimateEta,
  type GeoPoint,
  type GeoPrecision,
  type GeoSource,
  isValidPoint,
  type OrderStatus,
} from '@fs/domain';
import { sql } from 'kysely';
import type { StaffActor } from '../masters/master-admin';
import type { Executor } from '../shared/deps';
import {
  actOnOrder,
  canDistribute,
  canReschedule,
  type OrderActionResult,
  type OrderAdminDeps,
  wrongState,
} from './order-admin';

/**
 * An order's point after creation (issue 18): staff correct it by dropping a pin (a Telegram
 * location in the admin bot), and the client's "master is on the way" notice estimates the
 * arrival from the master's point.
 */

/** Staff may pin an order's point while someone may still travel to it (not once work is paid, closed or canceled). */
export const canPinLocation = (o: { status: OrderStatus }) => canReschedule(o);

/**
 * 📍 Staff drop a pin on an open order: the point becomes exact (`pin`), the geocoder's guess is
 * forgotten, the audit log keeps the old point. An order still waiting for a master is woken, so
 * a pin that brings masters within the radius is used at once.
 */
export function pinOrderLocation(
  deps: OrderAdminDeps,
  actor: StaffActor,
  orderId: number,
  point: GeoPoint,
): Promise<OrderActionResult | { kind: 'invalid_point' }> {
  if (!isValidPoint(point.lat, point.lon)) return Promise.resolve({ kind: 'invalid_point' as const });
  return actOnOrder<OrderActionResult>(deps, actor, orderId, 'pin_location', async (trx, order) => {
    if (!canPinLocation(order)) return wrongState;
    const before = await trx
      .selectFrom('orders')
      .select(['lat', 'lon', 'geo_precision', 'geo_source'])
      .where('id', '=', order.id)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('orders')
      .set({
        lat: point.lat,
        lon: point.lon,
        geo_precision: 'pin',
        geo_source: 'staff_pin',
        geo_address: null,
        geo_updated_at: sql<Date>`now()`,
        geo_pinned_by_staff_id: actor.staffId,
        updated_at: sql<Date>`now()`,
        version: sql<number>`version + 1`,
      })
      .where('id', '=', order.id)
      .execute();
    return {
      result: { kind: 'ok' as const },
      audit: { from: before, to: point },
      ...(canDistribute(order) ? { after: { wake: { orderId: order.id, reason: 'location_pinned' } } } : {}),
    };
  });
}

/** The order's point as staff see it on the card. */
export interface OrderPlace {
  point: GeoPoint | null;
  precision: GeoPrecision;
  source: GeoSource | null;
  address: string | null;
  updatedAt: Date | null;
}

export async function orderPlace(db: Executor, orderId: number): Promise<OrderPlace | null> {
  const o = await db
    .selectFrom('orders')
    .select(['lat', 'lon', 'geo_precision', 'geo_source', 'geo_address', 'geo_updated_at'])
    .where('id', '=', orderId)
    .executeTakeFirst();
  if (!o) return null;
  return {
    point: o.lat !== null && o.lon !== null ? { lat: o.lat, lon: o.lon } : null,
    precision: o.geo_precision,
    source: o.geo_source,
    address: o.geo_address,
    updatedAt: o.geo_updated_at,
  };
}

export interface ArrivalEstimate extends EtaEstimate {
  /** Straight-line distance from the master's point (live if shared, else base), metres. */
  distanceM: number;
  /** The master's point was their live location (fresher) rather than the base point. */
  fromLive: boolean;
}

/**
 * How long the assigned master will take to reach the order (for the client's "мастер едет к вам"
 * notice): null when either point is unknown. The model and its error are in @fs/domain
 * estimateEta; the distance is PostgreSQL's (earthdistance), like dispatch's.
 */
export async function estimateArrival(db: Executor, orderId: number): Promise<ArrivalEstimate | null> {
  const row = await db
    .selectFrom('orders as o')
    .innerJoin('masters as m', 'm.id', 'o.assigned_master_id')
    .select([
      'm.has_vehicle',
      'm.live_active',
      sql<number | null>`cube_distance(m.geo_point, ll_to_earth(o.lat, o.lon))`.as('distance_m'),
    ])
    .where('o.id', '=', orderId)
    .executeTakeFirst();
  if (!row || row.distance_m === null) return null;
  return {
    ...estimateEta(row.distance_m, row.has_vehicle),
    distanceM: Math.round(row.distance_m),
    fromLive: row.live_active,
  };
}
