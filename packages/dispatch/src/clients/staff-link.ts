import type { OrderStatus } from '@fs/domain';
import { sql } from 'kysely';
import type { StaffActor } from '../masters/master-admin';
import type { DispatchDeps } from '../shared/deps';
import { linkExpiry, newClientToken } from './client-notices';

/**
 * "🔗 Ссылка для клиента" in the admin order card: staff hand the client the order's deep link
 * themselves (no SMS provider configured, or the client asked again). The link is the same one
 * the client notices carry (one per order, order_client_links); pressing the button creates it
 * when it does not exist yet and keeps it valid for client_link_ttl_days from now.
 */

/** Orders a client can follow: a master accepted it (nothing is told before that), not canceled. */
const SHAREABLE: readonly OrderStatus[] = ['assigned', 'en_route', 'working', 'payment', 'closed'];

/** The rule the button and the use case both ask. */
export const canShareClientLink = (o: { status: OrderStatus; assigned_master_id: number | null }) =>
  o.assigned_master_id !== null && SHAREABLE.includes(o.status);

export type StaffClientLinkResult =
  | {
      kind: 'ok';
      token: string;
      expiresAt: Date;
      /** When the client opened it (it then opens only in that chat), or null. */
      openedAt: Date | null;
      created: boolean;
      /** The order city's zone, to show the dates in. */
      timezone: string;
    }
  | { kind: 'not_found' | 'not_in_scope' }
  /** No master accepted the order yet (or it was canceled): there is nothing to follow. */
  | { kind: 'not_shareable' };

export async function clientLinkForStaff(
  deps: Pick<DispatchDeps, 'db' | 'settings' | 'logger'>,
  actor: StaffActor,
  orderId: number,
): Promise<StaffClientLinkResult> {
  const settings = await deps.settings.get();
  const result = await deps.db.transaction().execute(async (trx): Promise<StaffClientLinkResult> => {
    const order = await trx
      .selectFrom('orders')
      .select(['id', 'city_id', 'status', 'assigned_master_id'])
      .where('id', '=', orderId)
      .forUpdate()
      .executeTakeFirst();
    if (!order) return { kind: 'not_found' };
    if (!actor.inScope(order.city_id)) return { kind: 'not_in_scope' };
    if (!canShareClientLink(order)) return { kind: 'not_shareable' };
    const { timezone } = await trx
      .selectFrom('cities')
      .select('timezone')
      .where('id', '=', order.city_id)
      .executeTakeFirstOrThrow();
    const expiry = linkExpiry(settings.client_link_ttl_days);
    const existing = await trx
      .updateTable('order_client_links')
      .set({ expires_at: sql<Date>`greatest(expires_at, ${expiry})` })
      .where('order_id', '=', orderId)
      .returning(['token', 'expires_at', 'opened_at'])
      .executeTakeFirst();
    if (existing)
      return {
        kind: 'ok',
        token: existing.token,
        expiresAt: existing.expires_at,
        openedAt: existing.opened_at,
        created: false,
        timezone,
      };
    const made = await trx
      .insertInto('order_client_links')
      .values({
        order_id: orderId,
        token: newClientToken(),
        expires_at: expiry,
        master_id: order.assigned_master_id,
      })
      .returning(['token', 'expires_at'])
      .executeTakeFirstOrThrow();
    return {
      kind: 'ok',
      token: made.token,
      expiresAt: made.expires_at,
      openedAt: null,
      created: true,
      timezone,
    };
  });
  deps.logger.info(
    { order_id: orderId, staff_id: actor.staffId, outcome: result.kind },
    'staff took the client link',
  );
  return result;
}
