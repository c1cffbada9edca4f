import type { Category, OrderSnapshot, OrderType } from '@fs/domain';
import type { Executor } from '../shared/deps';
import { ordersWithPlace } from './order-read';

/** Order columns (with city and district names) that notification payloads are built from. */
export interface SnapshotSource {
  id: number;
  city_name: string;
  timezone: string;
  district_name: string | null;
  street: string | null;
  category: Category;
  description: string;
  timeslot_start: Date | null;
  timeslot_end: Date | null;
  is_asap: boolean;
  type: OrderType;
}

export function toOrderSnapshot(o: SnapshotSource): OrderSnapshot {
  return {
    order_id: o.id,
    city: o.city_name,
    timezone: o.timezone,
    district: o.district_name,
    street: o.street,
    category: o.category,
    description: o.description,
    timeslot_start: o.timeslot_start?.toISOString() ?? null,
    timeslot_end: o.timeslot_end?.toISOString() ?? null,
    is_asap: o.is_asap,
    type: o.type,
  };
}

export async function loadOrderSnapshot(db: Executor, orderId: number): Promise<OrderSnapshot | null> {
  const row = await ordersWithPlace(db)
    .select([
      'o.id',
      'c.name as city_name',
      'c.timezone',
      'd.name as district_name',
      'o.street',
      'o.category',
      'o.description',
      'o.timeslot_start',
      'o.timeslot_end',
      'o.is_asap',
      'o.type',
    ])
    .where('o.id', '=', orderId)
    .executeTakeFirst();
  return row ? toOrderSnapshot(row) : null;
}
