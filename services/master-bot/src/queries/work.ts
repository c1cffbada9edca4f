import type { Db } from '@fs/db';
import { type OrderPlace, ordersWithPlace } from '@fs/dispatch';
import { ACTIVE_ORDER_STATUSES, type Category, type OrderStatus, type OrderType } from '@fs/domain';
import { sql } from 'kysely';

/** Reads for the menu, the offers list and the active orders (every one scoped to the master). */

export const OFFERS_PAGE_SIZE = 5;

/** Offers the master can still take (open, unexpired, the order still waiting for a master), with their order's place. */
function takeableOffers(db: Db, masterId: number) {
  return ordersWithPlace(db)
    .innerJoin('offers as f', 'f.order_id', 'o.id')
    .where('f.master_id', '=', masterId)
    .where('f.state', 'in', ['sent', 'viewed'])
    .where('f.expires_at', '>', sql<Date>`now()`)
    .where('o.status', 'in', ['searching', 'guarantee'])
    .where('o.assigned_master_id', 'is', null);
}

export interface OfferListRow {
  offerId: number;
  orderId: number;
  city: string;
  timezone: string;
  district: string | null;
  category: Category;
  timeslotStart: Date | null;
  timeslotEnd: Date | null;
  isAsap: boolean;
  expiresAt: Date;
}

/** Takeable offers with what a list row shows (a card selects more). */
function offerRows(db: Db, masterId: number) {
  return takeableOffers(db, masterId).select([
    'f.id as offerId',
    'o.id as orderId',
    'c.name as city',
    'c.timezone',
    'd.name as district',
    'o.category',
    'o.timeslot_start as timeslotStart',
    'o.timeslot_end as timeslotEnd',
    'o.is_asap as isAsap',
    'f.expires_at as expiresAt',
  ]);
}

/** One page of takeable offers, newest first, and the total. */
export async function listOffers(db: Db, masterId: number, page: number) {
  const { total } = await takeableOffers(db, masterId)
    .select((eb) => eb.fn.countAll<string>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await offerRows(db, masterId)
    .orderBy('f.sent_at', 'desc')
    .orderBy('f.id', 'desc')
    .limit(OFFERS_PAGE_SIZE)
    .offset(page * OFFERS_PAGE_SIZE)
    .execute();
  return { total: Number(total), rows: rows as OfferListRow[] };
}

export interface OfferCardRow extends OfferListRow {
  street: string | null;
  description: string;
  type: OrderType;
}

/** The card of one takeable offer of this master (undefined: not theirs or no longer takeable). */
export async function loadOfferCard(
  db: Db,
  masterId: number,
  offerId: number,
): Promise<OfferCardRow | undefined> {
  const row = await offerRows(db, masterId)
    .select(['s.name as streetName', 'o.street', 'o.description', 'o.type'])
    .where('f.id', '=', offerId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { streetName, street, ...rest } = row;
  return { ...rest, street: streetName ?? street } as OfferCardRow;
}

/**
 * What every order of the master's own starts with, in a history line and on a card: which
 * order (number, status, type, category) and where (city with its zone, district), read through
 * `ordersWithPlace`.
 */
export const ORDER_HEAD = [
  'o.id',
  'o.status',
  'o.type',
  'c.name as city',
  'c.timezone',
  'd.name as district',
  'o.category',
] as const;

export interface OrderHead extends Pick<OrderPlace, 'city' | 'timezone' | 'district'> {
  id: number;
  status: OrderStatus;
  type: OrderType;
  category: Category;
}

export interface ActiveOrderRow extends OrderHead, OrderPlace {
  addressComment: string | null;
  clientName: string;
  clientPhone: string | null;
  description: string;
  timeslotStart: Date | null;
  timeslotEnd: Date | null;
  isAsap: boolean;
  /** The order's point (for the 🗺 Маршрут link), null when unknown. */
  lat: number | null;
  lon: number | null;
}

/**
 * An order card's row (active or finished): address, client, slot, category, description.
 * Callers add the master and status conditions (and any extra columns).
 */
export function orderCardQuery(db: Db) {
  return ordersWithPlace(db).select([
    ...ORDER_HEAD,
    sql<string | null>`coalesce(s.name, o.street)`.as('street'),
    'o.house',
    'o.apartment',
    'o.address_comment as addressComment',
    'o.client_name as clientName',
    'o.client_phone as clientPhone',
    'o.description',
    'o.timeslot_start as timeslotStart',
    'o.timeslot_end as timeslotEnd',
    'o.is_asap as isAsap',
    'o.lat',
    'o.lon',
  ]);
}

function activeOrders(db: Db, masterId: number) {
  return orderCardQuery(db)
    .where('o.assigned_master_id', '=', masterId)
    .where('o.status', 'in', ACTIVE_ORDER_STATUSES);
}

/** The master's active orders, most recently updated first (a master has only a few). */
export async function listActiveOrders(db: Db, masterId: number): Promise<ActiveOrderRow[]> {
  return activeOrders(db, masterId)
    .orderBy('o.updated_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(50)
    .execute();
}

/** One active order of this master (undefined: not theirs, or no longer active). */
export async function loadActiveOrder(
  db: Db,
  masterId: number,
  orderId: number,
): Promise<ActiveOrderRow | undefined> {
  return activeOrders(db, masterId).where('o.id', '=', orderId).executeTakeFirst();
}
