import { ACTIVE_ORDER_STATUSES } from '@fs/domain';
import { type RawBuilder, sql } from 'kysely';

/**
 * The active-order limit rule, as SQL fragments shared by the candidate query and the accept
 * check: active = the master's orders in assigned/en_route/working/payment; limit = the
 * per-master override, else the setting; an override of 0 means no orders at all.
 */

const ACTIVE_STATUS_LIST = sql.join(ACTIVE_ORDER_STATUSES.map((s) => sql.lit(s)));

/** Literal status list so the planner can use the partial index ix_orders__master_active. */
export function activeOrderCountSql(
  masterId: RawBuilder<unknown> | ReturnType<typeof sql.ref>,
): RawBuilder<number> {
  return sql<number>`(SELECT count(*)::int FROM orders a WHERE a.assigned_master_id = ${masterId} AND a.status IN (${ACTIVE_STATUS_LIST}))`;
}

export function orderLimitSql(
  masterAlias: string,
  defaultLimit: number | RawBuilder<number>,
): RawBuilder<number> {
  return sql<number>`coalesce(${sql.ref(`${masterAlias}.max_active_orders_override`)}::int, ${defaultLimit}::int)`;
}
