import type { Db } from '@fs/db';
import type { OrderSearchRow } from '@fs/dispatch';
import type {
  ActorType,
  Category,
  GeoPrecision,
  GeoSource,
  OfferState,
  OrderStatus,
  OrderType,
} from '@fs/domain';
import { STAFF_QUEUE_STATUSES } from '@fs/domain';
import { type SqlBool, sql } from 'kysely';
import type { StoredFile } from '../files';
import { cityFilter } from '../scope';
import { type Page, readPage } from './page';
import type { StaffMember } from './staff';

/**
 * The order queries of the admin bot's orders section. Every query takes the staff member and
 * is scoped with cityFilter: rows of other cities are never read, whatever ids come in.
 */

export type OrderSection = 'queue' | 'warranty' | 'closed';

/** Filters kept in the staff member's Redis session. */
export interface OrderFilters {
  cityId: number | null;
  status: OrderStatus | null;
  category: Category | null;
  /** City-local date (`yyyy-MM-dd`) of the visit slot, or of creation when there is none. */
  date: string | null;
  masterId: number | null;
}

export const NO_ORDER_FILTERS: OrderFilters = {
  cityId: null,
  status: null,
  category: null,
  date: null,
  masterId: null,
};

export const ORDERS_PER_PAGE = 10;

/** The section's rows: queue = open orders; warranty = closed normal orders still under warranty; closed = closed or canceled. */
function sectionCondition(section: OrderSection, warrantyDays: number) {
  switch (section) {
    case 'queue':
      return sql<SqlBool>`o.status IN (${sql.join(STAFF_QUEUE_STATUSES.map((s) => sql.lit(s)))})`;
    case 'warranty':
      return sql<SqlBool>`o.status = 'closed' AND o.type = 'normal'
        AND o.closed_at >= now() - make_interval(days => ${warrantyDays}::int)`;
    case 'closed':
      return sql<SqlBool>`o.status IN ('closed', 'canceled')`;
  }
}

function filterConditions(f: OrderFilters) {
  const parts = [];
  if (f.cityId !== null) parts.push(sql<SqlBool>`o.city_id = ${f.cityId}::int`);
  if (f.status !== null) parts.push(sql<SqlBool>`o.status = ${f.status}::order_status`);
  if (f.category !== null) parts.push(sql<SqlBool>`o.category = ${f.category}::category`);
  if (f.masterId !== null) parts.push(sql<SqlBool>`o.assigned_master_id = ${f.masterId}::int`);
  if (f.date !== null) {
    parts.push(
      sql<SqlBool>`(coalesce(o.timeslot_start, o.created_at) AT TIME ZONE c.timezone)::date = ${f.date}::date`,
    );
  }
  return parts;
}

function scoped(staff: StaffMember, section: OrderSection, f: OrderFilters, warrantyDays: number) {
  return sql.join(
    [cityFilter('o.city_id', staff), sectionCondition(section, warrantyDays), ...filterConditions(f)],
    sql` AND `,
  );
}

export type SectionCounts = Record<OrderSection, number>;

/** Counters of the three lists with the current filters. */
export async function countSections(
  db: Db,
  staff: StaffMember,
  f: OrderFilters,
  warrantyDays: number,
): Promise<SectionCounts> {
  const count = (section: OrderSection) =>
    sql<SqlBool>`count(*) FILTER (WHERE ${sectionCondition(section, warrantyDays)})::int`;
  const { rows } = await sql<SectionCounts>`
    SELECT ${count('queue')} AS queue, ${count('warranty')} AS warranty, ${count('closed')} AS closed
    FROM orders o JOIN cities c ON c.id = o.city_id
    WHERE ${sql.join([cityFilter('o.city_id', staff), sql<SqlBool>`true`, ...filterConditions(f)], sql` AND `)}
  `.execute(db);
  return rows[0] ?? { queue: 0, warranty: 0, closed: 0 };
}

/** One line of a list: the search's row (dispatch order-search) without the client's name. */
export type OrderRow = Omit<OrderSearchRow, 'client_name'>;

const ROW_COLUMNS = sql`o.id, o.status, o.type, o.category, c.name AS city_name, c.timezone, d.name AS district_name,
  o.street, o.house, o.timeslot_start, o.timeslot_end, o.is_asap, m.full_name AS master_name, o.assigned_master_id`;
const ROW_FROM = sql`orders o JOIN cities c ON c.id = o.city_id
  LEFT JOIN districts d ON d.id = o.district_id LEFT JOIN masters m ON m.id = o.assigned_master_id`;

export type OrderPage = Page<OrderRow>;

/** A page of a list, newest first; the page is clamped to the last one. */
export async function listOrders(
  db: Db,
  staff: StaffMember,
  section: OrderSection,
  f: OrderFilters,
  page: number,
  warrantyDays: number,
): Promise<OrderPage> {
  const where = scoped(staff, section, f, warrantyDays);
  const count = sql<{ total: number }>`
    SELECT count(*)::int AS total FROM orders o JOIN cities c ON c.id = o.city_id WHERE ${where}
  `
    .execute(db)
    .then((r) => r.rows[0] ?? { total: 0 });
  return readPage(count, page, ORDERS_PER_PAGE, async (offset, limit) => {
    const { rows } = await sql<OrderRow>`
      SELECT ${ROW_COLUMNS} FROM ${ROW_FROM} WHERE ${where}
      ORDER BY o.id DESC LIMIT ${limit}::int OFFSET ${offset}::int
    `.execute(db);
    return rows;
  });
}

/** The order's city when it exists (scope is checked by the caller, to tell "not yours" from "no such"). */
export async function orderCityId(db: Db, orderId: number): Promise<number | undefined> {
  const row = await db.selectFrom('orders').select('city_id').where('id', '=', orderId).executeTakeFirst();
  return row?.city_id;
}

/** How many masters the master filter lists. */
const MASTER_MATCHES_LIMIT = 10;

/** Masters in scope matching an id, a name fragment or a phone (for the master filter). */
export async function findMastersForFilter(
  db: Db,
  staff: StaffMember,
  query: string,
): Promise<{ id: number; full_name: string; city_name: string | null }[]> {
  const digits = query.replace(/\D/g, '');
  const byId = /^#?\d{1,9}$/.test(query.trim()) ? Number(digits) : null;
  const byPhone = digits.length >= 10 ? digits.slice(-10) : null;
  const like = `%${query.trim().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const { rows } = await sql<{ id: number; full_name: string; city_name: string | null }>`
    SELECT m.id, m.full_name, c.name AS city_name FROM masters m LEFT JOIN cities c ON c.id = m.city_id
    WHERE ${cityFilter('m.city_id', staff)} AND NOT m.is_deleted AND (
      m.id = ${byId}::int
      OR (${byPhone}::text IS NOT NULL AND right(regexp_replace(coalesce(m.phone, ''), '\\D', '', 'g'), 10) = ${byPhone})
      OR m.full_name ILIKE ${like})
    ORDER BY m.full_name, m.id LIMIT ${MASTER_MATCHES_LIMIT}::int
  `.execute(db);
  return rows;
}

export async function masterName(db: Db, staff: StaffMember, masterId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('masters as m')
    .select('m.full_name')
    .where('m.id', '=', masterId)
    .where(cityFilter('m.city_id', staff))
    .executeTakeFirst();
  return row?.full_name;
}

/** Everything the order card shows. */
export interface OrderCard {
  id: number;
  status: OrderStatus;
  type: OrderType;
  category: Category;
  city_id: number;
  city_name: string;
  timezone: string;
  district_id: number | null;
  district_name: string | null;
  street: string | null;
  house: string | null;
  apartment: string | null;
  address_comment: string | null;
  client_name: string;
  client_phone: string | null;
  description: string;
  timeslot_start: Date | null;
  timeslot_end: Date | null;
  is_asap: boolean;
  deferred_until: Date | null;
  assigned_master_id: number | null;
  master_name: string | null;
  master_phone: string | null;
  preferred_master_id: number | null;
  preferred_name: string | null;
  guarantee_source_order_id: number | null;
  cancel_reason: string | null;
  total_amount_kopecks: number | null;
  dist_rounds_used: number;
  escalation_reason: string | null;
  escalated_logist_at: Date | null;
  escalated_admin_at: Date | null;
  created_at: Date;
  closed_at: Date | null;
  creator_name: string | null;
  acts: number;
  guarantee_children: number[];
  /** The order's point and how it was found (issue 18). */
  lat: number | null;
  lon: number | null;
  geo_precision: GeoPrecision;
  geo_source: GeoSource | null;
  geo_address: string | null;
  /** The assigned master's distance to the order now (live point if shared, else base), metres. */
  master_distance_m: number | null;
  master_live: boolean | null;
  /** The client's review (issue 17): stars 1–5 and the answer to "Сумма к оплате была N ₽?". */
  review_stars: number | null;
  review_amount_confirmed: boolean | null;
  review_amount_kopecks: number | null;
  review_at: Date | null;
  /** When the client opened the order's link in the client bot. */
  client_link_opened_at: Date | null;
}

export interface HistoryEntry {
  created_at: Date;
  from_status: OrderStatus | null;
  to_status: OrderStatus;
  actor_type: ActorType;
  actor_id: number | null;
  actor_name: string | null;
  reason: string | null;
}

export interface OfferEntry {
  id: number;
  master_id: number;
  master_name: string;
  round_number: number;
  state: OfferState;
  sent_at: Date;
  expires_at: Date;
  responded_at: Date | null;
  /** The master's distance to the order when offered, metres. */
  distance_m: number | null;
}

export const CARD_HISTORY_LIMIT = 10;
export const CARD_OFFERS_LIMIT = 10;

/** The card of an order in scope; undefined when it does not exist or is in another city. */
export async function loadOrderCard(
  db: Db,
  staff: StaffMember,
  orderId: number,
): Promise<{ card: OrderCard; history: HistoryEntry[]; offers: OfferEntry[] } | undefined> {
  const { rows } = await sql<OrderCard>`
    SELECT o.id, o.status, o.type, o.category, o.city_id, c.name AS city_name, c.timezone, o.district_id,
      d.name AS district_name, o.street, o.house, o.apartment, o.address_comment, o.client_name, o.client_phone,
      o.description, o.timeslot_start, o.timeslot_end, o.is_asap, o.deferred_until, o.assigned_master_id,
      m.full_name AS master_name, m.phone AS master_phone, o.preferred_master_id, pm.full_name AS preferred_name,
      o.guarantee_source_order_id, o.cancel_reason, o.total_amount_kopecks::float8 AS total_amount_kopecks,
      o.dist_rounds_used, o.escalation_reason, o.escalated_logist_at, o.escalated_admin_at, o.created_at, o.closed_at,
      s.full_name AS creator_name,
      (SELECT count(*)::int FROM attachments a WHERE a.entity_type = 'order' AND a.entity_id = o.id
        AND a.document_kind = 'act') AS acts,
      coalesce((SELECT array_agg(g.id ORDER BY g.id) FROM orders g WHERE g.guarantee_source_order_id = o.id),
        '{}') AS guarantee_children,
      o.lat, o.lon, o.geo_precision, o.geo_source, o.geo_address,
      round(cube_distance(m.geo_point, ll_to_earth(o.lat, o.lon)))::int AS master_distance_m,
      m.live_active AS master_live,
      r.stars AS review_stars, r.amount_confirmed AS review_amount_confirmed,
      r.amount_kopecks::float8 AS review_amount_kopecks, r.created_at AS review_at,
      l.opened_at AS client_link_opened_at
    FROM orders o
    JOIN cities c ON c.id = o.city_id
    LEFT JOIN districts d ON d.id = o.district_id
    LEFT JOIN masters m ON m.id = o.assigned_master_id
    LEFT JOIN masters pm ON pm.id = o.preferred_master_id
    LEFT JOIN staff_users s ON s.id = o.created_by_staff_id
    LEFT JOIN reviews r ON r.order_id = o.id
    LEFT JOIN order_client_links l ON l.order_id = o.id
    WHERE o.id = ${orderId}::int AND ${cityFilter('o.city_id', staff)}
  `.execute(db);
  const card = rows[0];
  if (!card) return undefined;
  const { rows: history } = await sql<HistoryEntry>`
    SELECT * FROM (
      SELECT h.id, h.created_at, h.from_status, h.to_status, h.actor_type, h.actor_id,
        CASE h.actor_type WHEN 'staff' THEN s.full_name WHEN 'master' THEN m.full_name END AS actor_name, h.reason
      FROM order_status_history h
      LEFT JOIN staff_users s ON h.actor_type = 'staff' AND s.id = h.actor_id
      LEFT JOIN masters m ON h.actor_type = 'master' AND m.id = h.actor_id
      WHERE h.order_id = ${orderId}::int
      ORDER BY h.created_at DESC, h.id DESC LIMIT ${CARD_HISTORY_LIMIT}::int
    ) x ORDER BY x.created_at, x.id
  `.execute(db);
  const { rows: offers } = await sql<OfferEntry>`
    SELECT * FROM (
      SELECT f.id, f.master_id, m.full_name AS master_name, f.round_number, f.state, f.sent_at, f.expires_at, f.responded_at,
        f.distance_m
      FROM offers f JOIN masters m ON m.id = f.master_id
      WHERE f.order_id = ${orderId}::int
      ORDER BY f.id DESC LIMIT ${CARD_OFFERS_LIMIT}::int
    ) x ORDER BY x.id
  `.execute(db);
  return { card, history, offers };
}

/** The order's act files (photo or document sent by the master when closing). */
export async function orderActs(db: Db, staff: StaffMember, orderId: number): Promise<StoredFile[]> {
  return db
    .selectFrom('attachments as a')
    .innerJoin('orders as o', 'o.id', 'a.entity_id')
    .select(['a.file_type', 'a.file_id', 'a.file_name', 'a.uploaded_by_master_id'])
    .where('a.entity_type', '=', 'order')
    .where('a.document_kind', '=', 'act')
    .where('o.id', '=', orderId)
    .where(cityFilter('o.city_id', staff))
    .orderBy('a.id')
    .execute();
}
