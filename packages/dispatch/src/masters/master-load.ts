import { ACTIVE_ORDER_STATUSES } from '@fs/domain';
import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../shared/deps';

/**
 * A master's load against their limit, as SQL fragments shared by the candidate query, the
 * offer insert's re-check and the accept check (those two count from the source tables: the
 * limit guarantee does not rest on anything derived):
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

/**
 * The ranking inputs as the candidate query reads them: from `master_load` (alias `l`, one row per
 * master, kept by triggers in the writers' transactions, migration 0340), equal to the counts
 * above by construction. Where a stored figure may have aged (an open offer past its expiry that
 * the offer clock has not closed yet, an order leaving the 7-day window) the fragment counts
 * afresh for that master, so the rules and the ranking read exactly what they did before.
 */
export function activeOrdersOf(l: string): RawBuilder<number> {
  return sql<number>`${sql.ref(`${l}.active_orders`)}`;
}

/**
 * Open unexpired offers for orders other than `exceptOrderId`. Null: the master holds no open
 * offer for the order in question (the rules already dropped such masters; every open offer
 * counts), so the stored count serves while all of them are unexpired.
 */
export function pendingOffersOf(l: string, exceptOrderId: number | null): RawBuilder<number> {
  const r = (c: string) => sql.ref(`${l}.${c}`);
  const fresh = pendingOfferCountSql(r('master_id'), exceptOrderId ?? 0);
  if (exceptOrderId !== null) return sql<number>`CASE WHEN ${r('open_offers')} = 0 THEN 0 ELSE ${fresh} END`;
  return sql<number>`CASE WHEN ${r('open_offers')} = 0 OR ${r('open_offers_until')} > now() THEN ${r('open_offers')}
    ELSE ${fresh} END`;
}

/** Average total of the master's orders closed in the last 7 days, kopecks (0 if none). */
export function avgCheckOf(l: string): RawBuilder<number> {
  const r = (c: string) => sql.ref(`${l}.${c}`);
  return sql<number>`CASE WHEN ${r('avg_check_until')} IS NULL OR ${r('avg_check_until')} > now()
    THEN ${r('avg_check_7d')} ELSE ${avgCheckSql(r('master_id'))} END`;
}

/** Average check over the last 7 days (closed orders), counted afresh via ix_orders__master_closed. */
export function avgCheckSql(masterId: MasterRef): RawBuilder<number> {
  return sql<number>`(SELECT coalesce(avg(c.total_amount_kopecks), 0)::float8 FROM orders c
  WHERE c.assigned_master_id = ${masterId} AND c.status = 'closed' AND c.closed_at >= now() - interval '7 days')`;
}

/**
 * The timed job's step (scheduler, every few minutes): recomputes the 7-day average check of
 * masters whose oldest order in the window has left it (up to `batch` masters per call; returns
 * how many). Only a cost matter: until then the candidate query counts those masters afresh.
 */
export async function refreshAgedMasterLoads(db: Executor, batch = 1000): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT master_load_refresh_orders(ids), cardinality(ids) AS n FROM (
      SELECT array_agg(master_id) AS ids FROM (
        SELECT master_id FROM master_load WHERE avg_check_until <= now() ORDER BY master_id LIMIT ${batch}::int
      ) a
    ) x WHERE ids IS NOT NULL`.execute(db);
  return rows[0]?.n ?? 0;
}
