import { ACTIVE_ORDER_STATUSES } from '@fs/domain';
import { type RawBuilder, sql } from 'kysely';

/**
 * A master's load against their limit, as SQL fragments shared by the candidate query, the
 * offer insert's re-check and the accept check:
 * - active = the master's orders in assigned/en_route/working/payment;
 * - limit = the per-master override, else the setting (an override of 0 = no orders at all);
 * - pending = the master's open, unexpired offers for other orders. A master at limit 1 who
 *   is answering one offer is not offered a second order meanwhile; otherwise every order of
 *   a city would go to the same top-ranked master at once.
 */

type MasterRef = RawBuilder<unknown> | ReturnType<typeof sql.ref>;

const ACTIVE_STATUS_LIST = sql.join(ACTIVE_ORDER_STATUSES.map((s) => sql.lit(s)));

/** Literal status list so the planner can use the partial index ix_orders__master_active. */
export function activeOrderCountSql(masterId: MasterRef): RawBuilder<number> {
  return sql<number>`(SELECT count(*)::int FROM orders a WHERE a.assigned_master_id = ${masterId} AND a.status IN (${ACTIVE_STATUS_LIST}))`;
}

/** Via ix_offers__master_open. */
export function pendingOfferCountSql(
  masterId: MasterRef,
  exceptOrderId: number | MasterRef,
): RawBuilder<number> {
  const except = typeof exceptOrderId === 'number' ? sql`${exceptOrderId}::int` : exceptOrderId;
  return sql<number>`(SELECT count(*)::int FROM offers po WHERE po.master_id = ${masterId}
    AND po.state IN ('sent', 'viewed') AND po.expires_at > now() AND po.order_id <> ${except})`;
}

export function orderLimitSql(
  masterAlias: string,
  defaultLimit: number | RawBuilder<number>,
): RawBuilder<number> {
  return sql<number>`coalesce(${sql.ref(`${masterAlias}.max_active_orders_override`)}::int, ${defaultLimit}::int)`;
}
