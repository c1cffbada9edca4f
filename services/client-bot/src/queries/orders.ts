import type { Db } from '@fs/db';
import type { Category, OrderStatus, OrderType } from '@fs/domain';
import { sql } from 'kysely';

/** A private chat with the client bot, as the platform knows it. */
export interface ClientChat {
  chat_id: number;
  phone: string | null;
  opted_out_at: Date | null;
  unreachable_at: Date | null;
}

export async function loadClientChat(db: Db, chatId: number): Promise<ClientChat | undefined> {
  return db
    .selectFrom('client_chats')
    .select(['chat_id', 'phone', 'opted_out_at', 'unreachable_at'])
    .where('chat_id', '=', chatId)
    .executeTakeFirst();
}

/** What the client sees of one of their orders (only orders bound to their chat). */
export interface ClientOrderView {
  id: number;
  status: OrderStatus;
  type: OrderType;
  category: Category;
  timeslot_start: Date | null;
  timeslot_end: Date | null;
  is_asap: boolean;
  timezone: string;
  master_name: string | null;
  /** The amount the client is asked to confirm (null for a guarantee order or before closing). */
  amount_kopecks: number | null;
  stars: number | null;
  amount_confirmed: boolean | null;
}

const VIEW = sql`
  SELECT o.id, o.status, o.type, o.category, o.timeslot_start, o.timeslot_end, o.is_asap, c.timezone,
    m.full_name AS master_name,
    CASE WHEN o.type = 'guarantee' THEN NULL ELSE o.total_amount_kopecks END AS amount_kopecks,
    r.stars, r.amount_confirmed
  FROM order_client_links l
  JOIN orders o ON o.id = l.order_id
  JOIN cities c ON c.id = o.city_id
  LEFT JOIN masters m ON m.id = o.assigned_master_id
  LEFT JOIN reviews r ON r.order_id = o.id
`;

/** The order if it is bound to this chat (a forged order id in a button finds nothing). */
export async function loadClientOrder(
  db: Db,
  chatId: number,
  orderId: number,
): Promise<ClientOrderView | undefined> {
  const { rows } =
    await sql<ClientOrderView>`${VIEW} WHERE l.order_id = ${orderId}::int AND l.chat_id = ${chatId}`.execute(
      db,
    );
  return rows[0];
}

/** The chat's orders, newest first. */
export async function listClientOrders(db: Db, chatId: number, limit = 5): Promise<ClientOrderView[]> {
  const { rows } =
    await sql<ClientOrderView>`${VIEW} WHERE l.chat_id = ${chatId} ORDER BY o.id DESC LIMIT ${limit}::int`.execute(
      db,
    );
  return rows;
}
