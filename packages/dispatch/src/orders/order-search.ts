import type { Db } from '@fs/db';
import type { Category, OrderStatus, OrderType } from '@fs/domain';
import { normalizeRuPhone } from '@fs/domain';
import { type RawBuilder, type SqlBool, sql } from 'kysely';

/**
 * Staff's order search: an order number, a client phone, or words matched fuzzily (pg_trgm) in
 * the client's name, the street and house, or the assigned master's name — "смирнва",
 * "Смирновой", "тверская 7", "Семен" for "Семён". Every word must match (pg_trgm's word
 * similarity at its default threshold, 0.6): a letter missed or a case ending is fine, a
 * different name is not. Only orders of the given cities; a page at a
 * time, best match first. The trigram indexes and normalisation functions come from migration
 * 0150 (`fs_order_search_text`, `fs_search_norm`): the text branch below must call exactly those
 * for the indexes to apply.
 */

export const SEARCH_PAGE_SIZE = 10;
/** Shorter text has too few trigrams to match anything meaningfully. */
export const SEARCH_MIN_LENGTH = 3;
/** Words of a query that count (each must match). */
export const SEARCH_MAX_WORDS = 5;

/** Which cities a staff member sees: every city (global admin) or the listed ones. */
export type SearchScope = 'all' | readonly number[];

export interface OrderSearchRow {
  id: number;
  status: OrderStatus;
  type: OrderType;
  category: Category;
  city_name: string;
  timezone: string;
  district_name: string | null;
  street: string | null;
  house: string | null;
  timeslot_start: Date | null;
  timeslot_end: Date | null;
  is_asap: boolean;
  master_name: string | null;
  assigned_master_id: number | null;
  client_name: string | null;
}

export type OrderSearchQuery =
  | { kind: 'id'; orderId: number }
  | { kind: 'phone'; phone: string }
  | { kind: 'text'; text: string }
  | { kind: 'too_short' };

/** What staff typed: "#123" / "123" (an order number), a phone, or words to match. */
export function parseOrderSearch(input: string): OrderSearchQuery {
  const q = input.trim().replace(/\s+/g, ' ');
  const id = /^#?\s*(\d{1,9})$/.exec(q);
  if (id) return { kind: 'id', orderId: Number(id[1]) };
  const phone = /^[\d\s()+-]+$/.test(q) ? normalizeRuPhone(q) : null;
  if (phone) return { kind: 'phone', phone };
  if (Array.from(q).length < SEARCH_MIN_LENGTH || !/\p{L}/u.test(q)) return { kind: 'too_short' };
  return { kind: 'text', text: q.slice(0, 100) };
}

export interface OrderSearchPage {
  rows: OrderSearchRow[];
  page: number;
  pages: number;
  total: number;
}

const ROW = sql`o.id, o.status, o.type, o.category, c.name AS city_name, c.timezone, d.name AS district_name,
  o.street, o.house, o.timeslot_start, o.timeslot_end, o.is_asap, m.full_name AS master_name,
  o.assigned_master_id, o.client_name`;

function inScope(scope: SearchScope): RawBuilder<SqlBool> {
  return scope === 'all' ? sql<SqlBool>`true` : sql<SqlBool>`o.city_id = any(${[...scope]}::int[])`;
}

/**
 * Orders whose text, or whose master's name, matches every word of `text` (ids with the mean
 * word similarity): two index scans, the orders' text and the masters' names → their orders.
 * Exported for the test that checks the plan uses the indexes.
 */
export function textMatches(text: string): RawBuilder<{ id: number; score: number }> {
  const words = text.split(' ').filter(Boolean).slice(0, SEARCH_MAX_WORDS);
  const matchAll = (target: RawBuilder<unknown>) => ({
    where: sql.join(
      words.map((w) => sql`fs_search_norm(${w}) <% ${target}`),
      sql` AND `,
    ),
    score: sql`(${sql.join(
      words.map((w) => sql`word_similarity(fs_search_norm(${w}), ${target})`),
      sql` + `,
    )}) / ${words.length}::real`,
  });
  const order = matchAll(sql`fs_order_search_text(o.client_name, o.street, o.house)`);
  const master = matchAll(sql`fs_search_norm(m.full_name)`);
  return sql`SELECT id, max(score) AS score FROM (
      SELECT o.id, ${order.score} AS score FROM orders o WHERE ${order.where}
      UNION ALL
      SELECT o.id, ${master.score} AS score
      FROM masters m JOIN orders o ON o.assigned_master_id = m.id WHERE ${master.where}
    ) found GROUP BY id`;
}

/**
 * One page of orders matching a phone (its last 10 digits) or text, newest first for a phone,
 * best match (then newest) first for text. `page` is clamped to the last page.
 */
export async function searchOrders(
  db: Db,
  scope: SearchScope,
  query: Extract<OrderSearchQuery, { kind: 'phone' | 'text' }>,
  page: number,
): Promise<OrderSearchPage> {
  let matches: RawBuilder<unknown>;
  if (query.kind === 'phone') {
    matches = sql`SELECT o.id, 1::real AS score FROM orders o
        WHERE right(regexp_replace(coalesce(o.client_phone, ''), '\\D', '', 'g'), 10) = ${query.phone.slice(-10)}`;
  } else {
    matches = textMatches(query.text);
  }
  const { rows: counted } = await sql<{ total: number }>`
      WITH matches AS (${matches})
      SELECT count(*)::int AS total FROM matches JOIN orders o ON o.id = matches.id WHERE ${inScope(scope)}
    `.execute(db);
  const total = counted[0]?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / SEARCH_PAGE_SIZE));
  const p = Math.min(Math.max(0, Math.trunc(page)), pages - 1);
  const { rows } = await sql<OrderSearchRow>`
      WITH matches AS (${matches})
      SELECT ${ROW} FROM matches
        JOIN orders o ON o.id = matches.id
        JOIN cities c ON c.id = o.city_id
        LEFT JOIN districts d ON d.id = o.district_id
        LEFT JOIN masters m ON m.id = o.assigned_master_id
      WHERE ${inScope(scope)}
      ORDER BY matches.score DESC, o.id DESC
      LIMIT ${SEARCH_PAGE_SIZE}::int OFFSET ${p * SEARCH_PAGE_SIZE}::int
    `.execute(db);
  return { rows, page: p, pages, total };
}
