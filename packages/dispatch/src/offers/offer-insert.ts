import type { NewOfferPayload } from '@fs/domain';
import type { OutboxRef } from '@fs/queue';
import { type RawBuilder, sql } from 'kysely';
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
  /** The scheduler's offers: none for an order that already holds an open offer (see OfferPairsInput). */
  exclusive?: boolean;
}

export interface InsertedOffers {
  offers: { offerId: number; masterId: number }[];
  outbox: OutboxRef[];
  expiresAt: Date;
}

/** Offers for many orders at once (a batch round): each order's masters, best first. */
export interface OfferPairsInput {
  orders: { order: SnapshotSource; masterIds: readonly number[]; round: number }[];
  slaSeconds: number;
  /** At most this many offers per order. */
  limit: number;
  maxActiveOrders: number | null;
  /**
   * No offer for an order that holds an open one by now (the scheduler's rounds: a run that read
   * the order just before a concurrent round committed its offer must not add a second one).
   * Staff offers (manual) may add one beside the open ones.
   */
  exclusive?: boolean;
}

export interface InsertedOfferRow {
  offer_id: number;
  order_id: number;
  master_id: number;
  expires_at: Date;
  outbox_id: number;
}

/**
 * How an offer is made, for the scheduler (one order or a batch round) and for staff alike. One
 * statement: re-check the masters' load (this statement sees offers committed by concurrent
 * runs; a master picked for several orders of the batch counts the earlier ones), insert the
 * offers (`state = sent`, `expires_at = now() + SLA` by the database clock, the distance to the
 * order when both points are known), their `new_offer` outbox rows (the order snapshot plus each
 * offer's id, expiry and distance, formatted like Date.toISOString()) and each order's
 * bookkeeping (round used, first offer time, escalation episode closed). The caller holds the
 * order rows' locks and the masters' (see candidates.ts).
 */
export function insertOfferPairsSql(input: OfferPairsInput): RawBuilder<InsertedOfferRow> {
  const orderIds: number[] = [];
  const masterIds: number[] = [];
  for (const o of input.orders)
    for (const m of o.masterIds) {
      orderIds.push(o.order.id);
      masterIds.push(m);
    }
  const snapshots = input.orders.map((o) =>
    JSON.stringify(toOrderSnapshot(o.order) satisfies SnapshotWithoutOffer),
  );
  const loadCheck =
    input.maxActiveOrders === null
      ? sql`true`
      : sql`${activeOrderCountSql(sql.ref('m.id'))} + ${pendingOfferCountSql(sql.ref('m.id'), sql.ref('p.order_id'))}
        + p.earlier < ${orderLimitSql('m', input.maxActiveOrders)}`;
  return sql<InsertedOfferRow>`
    WITH per_order AS (
      SELECT * FROM unnest(${input.orders.map((o) => o.order.id)}::int[], ${input.orders.map((o) => o.round)}::int[],
        ${snapshots}::jsonb[]) AS u(order_id, round, snapshot)
    ), pairs AS (
      SELECT u.order_id, u.master_id, u.ord,
        (row_number() OVER (PARTITION BY u.master_id ORDER BY u.ord) - 1)::int AS earlier
      FROM unnest(${orderIds}::int[], ${masterIds}::int[]) WITH ORDINALITY AS u(order_id, master_id, ord)
    ), passed AS (
      SELECT p.order_id, p.master_id, p.ord FROM pairs p JOIN masters m ON m.id = p.master_id WHERE ${loadCheck}
    ), chosen AS (
      SELECT c.order_id, c.master_id, c.ord, po.round, po.snapshot,
        round(cube_distance(m.geo_point, CASE WHEN o.lat IS NOT NULL THEN ll_to_earth(o.lat, o.lon) END))::int AS distance_m
      FROM (SELECT q.*, row_number() OVER (PARTITION BY q.order_id ORDER BY q.ord) AS n FROM passed q) c
      JOIN per_order po ON po.order_id = c.order_id
      JOIN masters m ON m.id = c.master_id
      JOIN orders o ON o.id = c.order_id
      WHERE c.n <= ${input.limit}::int
        AND ${input.exclusive ? sql`NOT EXISTS (SELECT 1 FROM offers x WHERE x.order_id = c.order_id AND x.state IN ('sent', 'viewed'))` : sql`true`}
    ), new_offers AS (
      INSERT INTO offers (order_id, master_id, round_number, state, sent_at, expires_at, distance_m)
      SELECT c.order_id, c.master_id, c.round, 'sent', now(), now() + make_interval(secs => ${input.slaSeconds}::int),
        c.distance_m
      FROM chosen c ORDER BY c.ord
      RETURNING id, order_id, master_id, expires_at, distance_m
    ), pushes AS (
      INSERT INTO notifications_outbox (bot, event, master_id, order_id, offer_id, payload, dedup_key)
      SELECT 'master', 'new_offer', n.master_id, n.order_id, n.id,
        po.snapshot || jsonb_build_object(
          'offer_id', n.id,
          'expires_at', to_char(n.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
          -- The master's own distance, only when both points are known.
          || CASE WHEN n.distance_m IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('distance_m', n.distance_m) END,
        'new-offer-' || n.id
      FROM new_offers n JOIN per_order po ON po.order_id = n.order_id
      RETURNING id, offer_id
    ), bookkeeping AS (
      UPDATE orders b SET dist_rounds_used = po.round, first_offer_at = coalesce(b.first_offer_at, now()),
        escalation_reason = NULL, escalated_logist_at = NULL, escalated_admin_at = NULL, dist_busy_at = NULL,
        updated_at = now()
      FROM per_order po
      WHERE b.id = po.order_id AND EXISTS (SELECT 1 FROM new_offers n WHERE n.order_id = po.order_id)
    )
    SELECT n.id AS offer_id, n.order_id, n.master_id, n.expires_at, p.id AS outbox_id
    FROM new_offers n JOIN pushes p ON p.offer_id = n.id
    ORDER BY n.id
  `;
}

/** The single-order form of insertOfferPairsSql. Null when no master was still free. */
export async function insertOffers(trx: Executor, input: InsertOffersInput): Promise<InsertedOffers | null> {
  if (input.masterIds.length === 0) return null;
  const { rows } = await insertOfferPairsSql({
    orders: [{ order: input.order, masterIds: input.masterIds, round: input.round }],
    slaSeconds: input.slaSeconds,
    limit: input.limit,
    maxActiveOrders: input.maxActiveOrders,
    exclusive: input.exclusive,
  }).execute(trx);
  if (rows.length === 0) return null;
  return {
    offers: rows.map((r) => ({ offerId: r.offer_id, masterId: r.master_id })),
    outbox: rows.map((r) => ({ id: r.outbox_id, bot: 'master' as const })),
    expiresAt: rows[0]!.expires_at,
  };
}
