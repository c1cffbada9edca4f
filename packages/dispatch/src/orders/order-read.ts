import type { Executor } from '../shared/deps';

/**
 * The order read every card, push and report starts from: the order (`o`) with its city (`c`:
 * name, timezone), district (`d`) and street (`s`: the street table's name; the typed one is
 * `o.street`). Callers add their conditions and columns; used by dispatch and both bots.
 */
export function ordersWithPlace(db: Executor) {
  return db
    .selectFrom('orders as o')
    .innerJoin('cities as c', 'c.id', 'o.city_id')
    .leftJoin('districts as d', 'd.id', 'o.district_id')
    .leftJoin('streets as s', 's.id', 'o.street_id');
}

/** Where an order is, as its cards, lists and reports show it (from `ordersWithPlace`). */
export interface OrderPlace {
  city: string;
  timezone: string;
  district: string | null;
  street: string | null;
  house: string | null;
  apartment: string | null;
}
