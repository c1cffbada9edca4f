import type { NewOfferPayload } from '@fs/domain';
import type { OutboxRef } from '@fs/queue';
import { sql } from 'kysely';
import { activeOrderCountSql, orderLimitSql, pendingOfferCountSql } from '../masters/master-load';
import { type SnapshotSource, toOrderSnapshot } from '../orders/order-snapshot';
import type { Executor } from '../shared/deps';

type SnapshotWithoutOffer = Omit<NewOfferPayload, 'offer_id' | 'expires_at'>;

export interface InsertOffersInput {
  order: SnapshotSource;
  /** Masters to offer, best first. */
  masterIds: readonly number[];
  round: number;
  slaSeconds: number;
  /** At most this many offers (the first masters that pass the load re-check). */
  limit: number;
  /**
   * The `max_active_orders` setting: re-check each master's load (active orders plus open
   * offers for other orders) against their limit in this statement. Null skips the check
   * (staff offer to a master they chose themselves).
   */
  maxActiveOrders: number | null;
}

export interface InsertedOffers {
  offers: { offerId: number; masterId: number }[];
  outbox: OutboxRef[];
  expiresAt: Date;
}

/**
 * How an offer is made, for the scheduler and for staff alike. One statement: re-check the
 * masters' load (this statement sees offers committed by concurrent runs), insert the offers
 * (`state = sent`, `expires_at = now() + SLA` by the database clock), their `new_offer` outbox
 * rows (the order snapshot plus each offer's id and expiry, formatted like Date.toISOString())
 * and the order's bookkeeping (round used, first offer time, escalation episode closed).
 * The caller holds the order row lock. Null when no master was still free.
 */
export async function insertOffers(trx: Executor, input: InsertOffersInput): Promise<InsertedOffers | null> {
  const { order, masterIds, round } = input;
  if (masterIds.length === 0) return null;
  const snapshot: SnapshotWithoutOffer = toOrderSnapshot(order);
  const loadCheck =
    input.maxActiveOrders === null
      ? sql`true`
      : sql`${activeOrderCountSql(sql.ref('m.id'))} + ${pendingOfferCountSql(sql.ref('m.id'), order.id)}
        < ${orderLimitSql('m', input.maxActiveOrders)}`;
  const { rows } = await sql<{
    offer_id: number;
    master_id: number;
    expires_at: Date;
    outbox_id: number;
  }>`
    WITH chosen AS (
      SELECT u.id, round(cube_distance(m.geo_point, (SELECT ll_to_earth(o.lat, o.lon) FROM orders o
        WHERE o.id = ${order.id}::int)))::int AS distance_m
      FROM unnest(${[...masterIds]}::int[]) WITH ORDINALITY AS u(id, ord)
      JOIN masters m ON m.id = u.id
      WHERE ${loadCheck}
      ORDER BY u.ord
      LIMIT ${input.limit}::int
    ), new_offers AS (
      INSERT INTO offers (order_id, master_id, round_number, state, sent_at, expires_at, distance_m)
      SELECT ${order.id}::int, c.id, ${round}::int, 'sent', now(), now() + make_interval(secs => ${input.slaSeconds}::int),
        c.distance_m
      FROM chosen c
      RETURNING id, master_id, expires_at, distance_m
    ), pushes AS (
      INSERT INTO notifications_outbox (bot, event, master_id, order_id, offer_id, payload, dedup_key)
      SELECT 'master', 'new_offer', n.master_id, ${order.id}::int, n.id,
        ${JSON.stringify(snapshot)}::jsonb || jsonb_build_object(
          'offer_id', n.id,
          'expires_at', to_char(n.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
          -- The master's own distance, only when both points are known.
          || CASE WHEN n.distance_m IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('distance_m', n.distance_m) END,
        'new-offer-' || n.id
      FROM new_offers n
      RETURNING id, offer_id
    ), bookkeeping AS (
      UPDATE orders SET dist_rounds_used = ${round}::int, first_offer_at = coalesce(first_offer_at, now()),
        escalation_reason = NULL, escalated_logist_at = NULL, escalated_admin_at = NULL, updated_at = now()
      WHERE id = ${order.id}::int AND EXISTS (SELECT 1 FROM new_offers)
    )
    SELECT n.id AS offer_id, n.master_id, n.expires_at, p.id AS outbox_id
    FROM new_offers n JOIN pushes p ON p.offer_id = n.id
  `.execute(trx);
  if (rows.length === 0) return null;
  return {
    offers: rows.map((r) => ({ offerId: r.offer_id, masterId: r.master_id })),
    outbox: rows.map((r) => ({ id: r.outbox_id, bot: 'master' as const })),
    expiresAt: rows[0]!.expires_at,
  };
}
