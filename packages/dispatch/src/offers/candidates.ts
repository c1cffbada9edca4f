import { loadSettings } from '@fs/db';
import { type Category, distanceBandMetres, type OrderType, type ShiftStatus } from '@fs/domain';
import { type RawBuilder, sql } from 'kysely';
import { activeOrdersOf, avgCheckOf, orderLimitSql, pendingOffersOf } from '../masters/master-load';
import type { SnapshotSource } from '../orders/order-snapshot';
import type { Executor } from '../shared/deps';

/** What the candidate query needs to know about the order. */
export interface CandidateOrder {
  id: number;
  city_id: number;
  district_id: number | null;
  category: Category;
  type: OrderType;
  preferred_master_id: number | null;
  /** The order's point (orders.lat/lon); absent or null when unknown (distance then plays no part). */
  lat?: number | null;
  lon?: number | null;
}

/** An eligible master with the figures the ranking used. */
export interface Candidate {
  masterId: number;
  fullName: string;
  /** The guarantee order's preferred master (ranked first). */
  preferred: boolean;
  inDistrict: boolean;
  hasVehicle: boolean;
  /** Average total of the master's orders closed in the last 7 days, kopecks (0 if none). */
  avgCheckKopecks: number;
  rating: number;
  activeOrders: number;
  /** Open offers for other orders the master has not answered yet. */
  pendingOffers: number;
  orderLimit: number;
  /**
   * Straight-line distance from the master's point (live location while shared, else base
   * point) to the order's, metres; null when either point is unknown.
   */
  distanceM: number | null;
}

/** Why a master of the city is not a candidate (the admin bot's texts name each one for staff). */
export type CandidateRejection =
  | 'not_verified'
  | 'inactive'
  | 'blocked'
  | 'deleted'
  | 'unreachable'
  | 'off_shift'
  | 'on_break'
  | 'no_skill'
  | 'limit_reached'
  | 'busy_with_offers'
  | 'refused'
  /** Staff took this order back from the master (Вернуть в поиск): not offered it again. */
  | 'removed'
  | 'already_offered'
  | 'wrong_district'
  /** Beyond `distance_max_km` (the explanation's candidate carries the distance). */
  | 'too_far';

export interface CandidateExplanation {
  masterId: number;
  fullName: string;
  eligible: boolean;
  /** Empty when eligible. */
  rejections: CandidateRejection[];
  /** 1-based position in the ranking for eligible masters, else null. */
  rank: number | null;
  candidate: Candidate;
}

export interface FindCandidatesOptions {
  /** How many candidates to return (ignored with `explain`, which lists the whole city). */
  limit: number;
  explain?: boolean;
  /** The `max_active_orders` setting; read from the settings table when omitted. */
  maxActiveOrders?: number;
  /** The `distance_weight` and `distance_max_km` settings; read from the settings table when omitted. */
  distance?: DistanceSettings;
}

export interface DistanceSettings {
  distance_weight: number;
  distance_max_km: number;
}

/** How distance enters the query: ranking band width and the radius, metres (null: none). */
export interface DistanceTerms {
  band: number | null;
  radius: number | null;
}

export async function distanceTerms(db: Executor, opts: FindCandidatesOptions): Promise<DistanceTerms> {
  const s = opts.distance ?? (await loadSettings(db));
  return {
    band: distanceBandMetres(s.distance_weight),
    radius: s.distance_max_km > 0 ? s.distance_max_km * 1000 : null,
  };
}

/** The order's point as an earthdistance cube, or NULL. */
function orderPoint(order: CandidateOrder): RawBuilder<unknown> {
  return order.lat != null && order.lon != null
    ? sql`ll_to_earth(${order.lat}::float8, ${order.lon}::float8)`
    : sql`NULL::cube`;
}

/**
 * Per-master rules, each TRUE when the master passes. In the scheduler's mode they form the
 * WHERE clause (the first six match the partial indexes ix_masters__ranked and
 * ix_masters__candidates_geo clause by clause, so the planner reads the city's available
 * masters from them); with `explain` each becomes a column.
 */
function masterRules(order: CandidateOrder) {
  return {
    ...AVAILABILITY,
    // masters.skill_codes mirrors master_skills (triggers, migration 0002) and is in the index; the
    // skill's own is_active is one lookup per query (an InitPlan), not one per master.
    skill: sql<boolean>`(m.skill_codes @> ARRAY[${order.category}::category]
      AND coalesce((SELECT k.is_active FROM skills k WHERE k.code = ${order.category}::category), false))`,
    not_refused: sql<boolean>`NOT EXISTS (SELECT 1 FROM offers f WHERE f.order_id = ${order.id}::int
      AND f.master_id = m.id AND f.state IN ('declined', 'expired'))`,
    not_offered: sql<boolean>`NOT EXISTS (SELECT 1 FROM offers f WHERE f.order_id = ${order.id}::int
      AND f.master_id = m.id AND f.state IN ('sent', 'viewed', 'accepted'))`,
    not_removed: sql<boolean>`m.id <> ALL (${removedMastersSql(sql`${order.id}::int`)})`,
  };
}

/** The order_status_history reason of staff's «Вернуть в поиск» (order-admin.ts writes it). */
export const RETURNED_BY_STAFF = 'returned_by_staff';

/**
 * The masters staff took the order back from (its «Вернуть в поиск» history rows): like a
 * refusal, the order is not offered to them again; staff may still pick them by hand.
 */
function removedMastersSql(orderId: RawBuilder<unknown>): RawBuilder<number[]> {
  return sql<number[]>`ARRAY(SELECT (h.context ->> 'master_id')::int FROM order_status_history h
    WHERE h.order_id = ${orderId} AND h.reason = ${RETURNED_BY_STAFF} AND h.context ->> 'master_id' IS NOT NULL)`;
}
type RuleName = keyof ReturnType<typeof masterRules>;

/** The rules about the master alone (the partial indexes' predicate). */
const AVAILABILITY = {
  verified: sql<boolean>`m.verified AND m.moderation_status = 'approved'`,
  active: sql<boolean>`m.is_active`,
  not_blocked: sql<boolean>`NOT m.is_blocked`,
  not_deleted: sql<boolean>`NOT m.is_deleted`,
  reachable: sql<boolean>`NOT m.is_unreachable`,
  on_shift: sql<boolean>`m.shift_status = 'on'`,
};

const REJECTION_OF: Record<Exclude<RuleName, 'on_shift'>, CandidateRejection> = {
  verified: 'not_verified',
  active: 'inactive',
  not_blocked: 'blocked',
  not_deleted: 'deleted',
  reachable: 'unreachable',
  skill: 'no_skill',
  not_refused: 'refused',
  not_offered: 'already_offered',
  not_removed: 'removed',
};

function limitSetting(opts: FindCandidatesOptions): RawBuilder<number> | number {
  if (opts.maxActiveOrders !== undefined) return opts.maxActiveOrders;
  return sql<number>`coalesce((SELECT CASE WHEN jsonb_typeof(value) = 'number' THEN (value #>> '{}')::int END
    FROM settings WHERE key = 'max_active_orders'), 1)`;
}

/** Straight-line distance (chord, metres) between a master's point `p` and the order's; NULL if either is unknown. */
export function distanceSql(
  masterPoint: RawBuilder<unknown>,
  orderPointSql: RawBuilder<unknown>,
): RawBuilder<number | null> {
  return sql<number | null>`cube_distance(${masterPoint}, ${orderPointSql})`;
}

/**
 * What qualification and ranking read per master (`m` masters, `l` its master_load row); in the
 * scheduler's mode the masters' columns come from the index (index-only), the load from one
 * primary-key probe of master_load. `pendingExcept`: see pendingOffersOf.
 */
function qualifyColumns(order: CandidateOrder, opts: FindCandidatesOptions, pendingExcept: number | null) {
  const preferredId = order.type === 'guarantee' ? order.preferred_master_id : null;
  const defaultLimit = limitSetting(opts);
  return sql`
    m.id, m.has_vehicle, m.rating::float8 AS rating,
    coalesce(m.id = ${preferredId}::int, false) AS preferred,
    (${order.district_id}::int IS NOT NULL AND EXISTS (SELECT 1 FROM master_districts md
      WHERE md.master_id = m.id AND md.district_id = ${order.district_id}::int)) AS in_district,
    ${distanceSql(sql.ref('m.geo_point'), orderPoint(order))} AS distance_m,
    ${activeOrdersOf('l')} AS active_orders,
    ${orderLimitSql('m', defaultLimit)} AS order_limit,
    ${pendingOffersOf('l', pendingExcept)} AS pending_offers,
    ${avgCheckOf('l')} AS avg_check`;
}

/** Columns the explain mode computes for every master of the city. */
function explainColumns(order: CandidateOrder, opts: FindCandidatesOptions) {
  // Every master of the city is listed, including those holding an offer for this order.
  return sql`${qualifyColumns(order, opts, order.id)}, m.full_name, m.shift_status`;
}

/**
 * Ranking, best first: preferred (guarantee); distance band (nearer first: bands of
 * `distanceBandMetres(distance_weight)` metres, none at weight 0; an unknown distance after every
 * band); car; average check; rating; fewer active orders; nearer; random. Columns of `s`:
 * preferred, distance_m, has_vehicle, avg_check, rating, active_orders.
 */
export function rankingSql(d: DistanceTerms): RawBuilder<unknown> {
  return sql`s.preferred DESC, floor(s.distance_m / ${d.band}::float8) ASC NULLS LAST, s.has_vehicle DESC,
    s.avg_check DESC, s.rating DESC, s.active_orders ASC, s.distance_m ASC NULLS LAST, random()`;
}

interface RankedRow {
  id: number;
  full_name: string;
  has_vehicle: boolean;
  rating: number;
  shift_status: ShiftStatus;
  preferred: boolean;
  in_district: boolean;
  distance_m: number | null;
  active_orders: number;
  pending_offers: number;
  order_limit: number;
  avg_check: number;
}

function toCandidate(r: RankedRow): Candidate {
  return {
    masterId: r.id,
    fullName: r.full_name,
    preferred: r.preferred,
    inDistrict: r.in_district,
    hasVehicle: r.has_vehicle,
    avgCheckKopecks: Math.round(r.avg_check),
    rating: r.rating,
    activeOrders: r.active_orders,
    pendingOffers: r.pending_offers,
    orderLimit: r.order_limit,
    distanceM: r.distance_m === null ? null : Math.round(r.distance_m),
  };
}

/**
 * THE candidate query (scheduler, admin bot candidate list, manual offers): one statement.
 * Same city; the order's district, or citywide when the order has no district or nobody in
 * the district qualifies; active skill = category; approved and verified, active, not
 * blocked/deleted/unreachable; on shift (not on break); under the active-order limit, counting
 * unanswered offers for other orders (see master-load.ts); never declined or let expire an
 * offer for this order, was not taken off it by staff (Вернуть в поиск) and holds no live one; within `distance_max_km` of the order when both
 * points are known (an unknown point never excludes). One row per master.
 * The batch form of the same rules is batch-candidates.ts.
 */
export function findCandidates(
  db: Executor,
  order: CandidateOrder,
  opts: FindCandidatesOptions & { explain: true },
): Promise<CandidateExplanation[]>;
export function findCandidates(
  db: Executor,
  order: CandidateOrder,
  opts: FindCandidatesOptions & { explain?: false },
): Promise<Candidate[]>;
export async function findCandidates(
  db: Executor,
  order: CandidateOrder,
  opts: FindCandidatesOptions,
): Promise<Candidate[] | CandidateExplanation[]> {
  return opts.explain ? explainCandidates(db, order, opts) : rankCandidates(db, order, opts);
}

async function rankCandidates(
  db: Executor,
  order: CandidateOrder,
  opts: FindCandidatesOptions,
): Promise<Candidate[]> {
  return (await selectCandidates(db, order, opts)).candidates;
}

export interface CandidateSelection {
  /** Free candidates, best first, at most `limit`. */
  candidates: Candidate[];
  /** Masters who qualify but are answering offers for other orders up to their limit. */
  busy: number;
  /** With `lock`: the candidates this statement locked, best first. */
  locked: number[];
}

export interface SelectCandidatesOptions extends Omit<FindCandidatesOptions, 'explain'> {
  /**
   * Also lock (FOR NO KEY UPDATE SKIP LOCKED) up to this many of the ranked masters, best first,
   * skipping masters another transaction holds; when the first is the preferred master of a
   * guarantee order, only them (they are offered alone). The locks are taken in this same
   * statement, so its load figures are as of its start: whoever inserts offers to the locked
   * masters must re-check their load in a later statement (see offer-insert.ts).
   */
  lock?: number;
}

/**
 * Where the scheduler's form reads masters from. With the order's point and a radius: the
 * masters inside the radius through the GiST index ix_masters__candidates_geo (an earth_box
 * search, then the exact distance), plus the masters without a point (they are never excluded
 * by distance), through ix_masters__ranked. Otherwise the city's available masters.
 */
function candidateSource(order: CandidateOrder, opts: FindCandidatesOptions, d: DistanceTerms) {
  const rules = sql.join(Object.values(masterRules(order)), sql` AND `);
  // The rules drop masters holding a live offer for this order: every open offer of the rest counts.
  const columns = qualifyColumns(order, opts, null);
  const from = sql`masters m JOIN master_load l ON l.master_id = m.id`;
  const inCity = sql`m.city_id = ${order.city_id}::int AND ${rules}`;
  if (d.radius === null || order.lat == null || order.lon == null)
    return sql`SELECT ${columns} FROM ${from} WHERE ${inCity}`;
  const point = orderPoint(order);
  return sql`SELECT ${columns} FROM ${from}
      WHERE ${inCity} AND earth_box(${point}, ${d.radius}::float8) @> m.geo_point
        AND cube_distance(m.geo_point, ${point}) <= ${d.radius}::float8
    UNION ALL
    SELECT ${columns} FROM ${from} WHERE ${inCity} AND m.geo_point IS NULL`;
}

/** The scheduler's statement (exported for the plan test and the README's EXPLAIN). */
export function selectCandidatesSql(
  order: CandidateOrder,
  opts: SelectCandidatesOptions,
  d: DistanceTerms,
): RawBuilder<RankedRow & { busy: number; locked: boolean }> {
  const lock =
    opts.lock === undefined
      ? sql``
      : sql`, locked AS (
      SELECT lm.id FROM numbered n JOIN masters lm ON lm.id = n.id
      WHERE n.preferred OR NOT EXISTS (SELECT 1 FROM numbered p WHERE p.preferred)
      ORDER BY n.pos
      LIMIT ${opts.lock}::int
      FOR NO KEY UPDATE OF lm SKIP LOCKED
    )`;
  const isLocked = opts.lock === undefined ? sql`false` : sql`n.id IN (SELECT id FROM locked)`;
  return sql<RankedRow & { busy: number; locked: boolean }>`
    WITH qualified AS (
      SELECT * FROM (
        ${candidateSource(order, opts, d)}
        OFFSET 0 -- keeps the load columns from being computed for masters the rules already dropped
      ) p
      WHERE p.active_orders < p.order_limit
    ), scoped AS (
      SELECT q.* FROM qualified q
      WHERE q.in_district OR NOT EXISTS (SELECT 1 FROM qualified WHERE in_district)
    ), ranked AS (
      SELECT s.* FROM scoped s
      WHERE s.active_orders + s.pending_offers < s.order_limit
      ORDER BY ${rankingSql(d)}
      LIMIT ${opts.limit}::int
    ), numbered AS (
      SELECT row_number() OVER () AS pos, r.* FROM ranked r
    )${lock}
    SELECT b.busy, n.*, m.full_name, m.shift_status, ${isLocked} AS locked
    FROM (SELECT count(*)::int AS busy FROM scoped WHERE active_orders + pending_offers >= order_limit) b
    LEFT JOIN numbered n ON true
    LEFT JOIN masters m ON m.id = n.id -- the names of the few ranked, not of every master read
    ORDER BY n.pos
  `;
}

/**
 * The scheduler's form of the query: also counts qualified masters who are only busy with
 * other offers, so that "nobody free right now" is told apart from "nobody at all".
 * The district fallback looks at qualified masters, busy or not: a district master who will
 * answer within the SLA is preferred over sending the order across the city.
 */
export async function selectCandidates(
  db: Executor,
  order: CandidateOrder,
  opts: SelectCandidatesOptions,
): Promise<CandidateSelection> {
  const d = await distanceTerms(db, opts);
  const { rows } = await selectCandidatesSql(order, opts, d).execute(db);
  const ranked = rows.filter((r) => r.id !== null);
  return {
    candidates: ranked.map(toCandidate),
    busy: rows[0]?.busy ?? 0,
    locked: ranked.filter((r) => r.locked).map((r) => r.id),
  };
}

type ExplainRow = RankedRow &
  Record<`ok_${RuleName}`, boolean> & {
    ok_near: boolean;
    ok_district: boolean;
    free: boolean;
    eligible: boolean;
  };

async function explainCandidates(
  db: Executor,
  order: CandidateOrder,
  opts: FindCandidatesOptions,
): Promise<CandidateExplanation[]> {
  const d = await distanceTerms(db, opts);
  const rules = masterRules(order);
  const ruleColumns = Object.entries(rules).map(([name, expr]) => sql`(${expr}) AS ${sql.ref(`ok_${name}`)}`);
  const allRules = sql.join(
    [...Object.keys(rules), 'near'].map((name) => sql.ref(`ok_${name}`)),
    sql` AND `,
  );
  const { rows } = await sql<ExplainRow>`
    WITH examined AS (
      SELECT p.*, (${allRules} AND p.active_orders < p.order_limit) AS passes_master_rules,
        p.active_orders + p.pending_offers < p.order_limit AS free
      FROM (
        SELECT r.*, (${d.radius}::float8 IS NULL OR r.distance_m IS NULL OR r.distance_m <= ${d.radius}::float8) AS ok_near
        FROM (
          SELECT ${explainColumns(order, opts)}, ${sql.join(ruleColumns)}
          FROM masters m JOIN master_load l ON l.master_id = m.id
          WHERE m.city_id = ${order.city_id}::int
        ) r
      ) p
    ), scoped AS (
      SELECT e.*, (e.in_district OR NOT EXISTS (SELECT 1 FROM examined x WHERE x.passes_master_rules AND x.in_district))
        AS ok_district
      FROM examined e
    )
    SELECT s.*, (s.passes_master_rules AND s.ok_district AND s.free) AS eligible
    FROM scoped s
    ORDER BY eligible DESC, ${rankingSql(d)}, s.full_name
  `.execute(db);
  let rank = 0;
  return rows.map((r) => {
    const rejections: CandidateRejection[] = [];
    for (const [rule, rejection] of Object.entries(REJECTION_OF) as [RuleName, CandidateRejection][]) {
      if (!r[`ok_${rule}`]) rejections.push(rejection);
    }
    if (!r.ok_on_shift) rejections.push(r.shift_status === 'break' ? 'on_break' : 'off_shift');
    if (r.active_orders >= r.order_limit) rejections.push('limit_reached');
    else if (!r.free) rejections.push('busy_with_offers');
    if (!r.ok_near) rejections.push('too_far');
    if (!r.ok_district) rejections.push('wrong_district');
    return {
      masterId: r.id,
      fullName: r.full_name,
      eligible: r.eligible,
      rejections,
      rank: r.eligible ? ++rank : null,
      candidate: toCandidate(r),
    };
  });
}

/**
 * The batch form of THE candidate query (batch-round.ts), the same rules for many orders of one
 * city in one statement: the orders the round locked (batch-round.ts) that are still waiting as
 * of this statement (in the given order), read the city's available masters once with their
 * load and 7-day average check (master_load) and district list (`pool`, index-only from
 * ix_masters__ranked plus a master_load and a master_districts probe per master), and rank them per order (skill, refusals and live offers, radius,
 * district with citywide fallback, free under their limit) with the same ranking. One row per
 * locked order with its first `k` free candidates (k grows with the earlier orders of the batch
 * that compete for them) and how many qualifying masters are only busy with other offers.
 */
export interface BatchCandidatesInput {
  cityId: number;
  /** Locked orders of the city, in hand-out order. */
  orderIds: number[];
  offersPerRound: number;
  maxActiveOrders: number;
  rounds: number;
  distance: DistanceTerms;
}

/** Snapshot columns of a locked order, as order-snapshot.ts reads them. */
export interface BatchOrderRow extends SnapshotSource {
  pos: number;
  city_id: number;
  dist_rounds_used: number;
  first_offer_at: Date | null;
  age_seconds: number;
  /** Free candidates, best first: [master id, free slots, preferred]. */
  candidates: [number, number, boolean][] | null;
  /** How many candidates were asked for (more may exist when all were returned). */
  k: number;
  busy: number;
}

/** An order a batch round may take: waiting, no open offer, rounds left, no admin escalation pending. */
export function batchEligibleSql(o: string, rounds: number): RawBuilder<boolean> {
  const t = (c: string) => sql.ref(`${o}.${c}`);
  return sql<boolean>`${t('status')} IN ('searching', 'guarantee') AND ${t('assigned_master_id')} IS NULL
    AND ${t('dist_rounds_used')} < ${rounds}::int
    AND NOT (${t('escalated_logist_at')} IS NOT NULL AND ${t('escalated_admin_at')} IS NULL)
    AND NOT EXISTS (SELECT 1 FROM offers f WHERE f.order_id = ${t('id')} AND f.state IN ('sent', 'viewed'))`;
}

export function batchCandidatesSql(input: BatchCandidatesInput): RawBuilder<BatchOrderRow> {
  const d = input.distance;
  const availability = sql.join(Object.values(AVAILABILITY), sql` AND `);
  return sql<BatchOrderRow>`
    WITH picked AS (
      SELECT o.id, o.district_id, o.category, o.type, o.lat, o.lon, o.dist_rounds_used, o.first_offer_at,
        o.street, o.description, o.timeslot_start, o.timeslot_end, o.is_asap, o.city_id, o.created_at,
        CASE WHEN o.type = 'guarantee' THEN o.preferred_master_id END AS preferred_id,
        extract(epoch FROM now() - o.created_at)::float8 AS age_seconds
      FROM orders o
      -- Re-checked: a round that held an order before this one's lock may have offered it.
      WHERE o.id = ANY (${input.orderIds}::int[]) AND ${batchEligibleSql('o', input.rounds)}
    ), numbered AS (
      SELECT p.*, row_number() OVER (ORDER BY array_position(${input.orderIds}::int[], p.id)) AS pos FROM picked p
    ), orders_in AS (
      SELECT p.*,
        CASE WHEN p.lat IS NOT NULL THEN ll_to_earth(p.lat, p.lon) END AS point,
        coalesce((SELECT k.is_active FROM skills k WHERE k.code = p.category), false) AS skill_active,
        -- Refused (declined, let expire), holding a live offer for this order, or taken off it by staff.
        ARRAY(SELECT f.master_id FROM offers f WHERE f.order_id = p.id
          AND f.state IN ('declined', 'expired', 'sent', 'viewed', 'accepted'))
          || ${removedMastersSql(sql.ref('p.id'))} AS excluded,
        -- Earlier orders of the batch that want the same skill: they may take masters of this list first.
        count(*) OVER (PARTITION BY p.category ORDER BY p.pos) - 1 AS ahead
      FROM numbered p
    ), pool AS MATERIALIZED (
      SELECT q.* FROM (
        SELECT m.id, m.skill_codes, m.has_vehicle, m.rating::float8 AS rating, m.geo_point,
          ARRAY(SELECT md.district_id FROM master_districts md WHERE md.master_id = m.id) AS district_ids,
          ${activeOrdersOf('l')} AS active_orders,
          ${orderLimitSql('m', input.maxActiveOrders)} AS order_limit,
          -- Every open offer counts: no order of the batch has one.
          ${pendingOffersOf('l', null)} AS pending_offers,
          ${avgCheckOf('l')} AS avg_check
        FROM masters m JOIN master_load l ON l.master_id = m.id
        WHERE m.city_id = ${input.cityId}::int AND ${availability}
          AND m.skill_codes && (SELECT array_agg(DISTINCT category) FROM picked)
        OFFSET 0
      ) q
      WHERE q.active_orders < q.order_limit
    )
    SELECT o.id, o.pos::int, o.city_id, c.name AS city_name, c.timezone, dn.name AS district_name, o.street, o.category,
      o.description, o.timeslot_start, o.timeslot_end, o.is_asap, o.type, o.dist_rounds_used, o.first_offer_at,
      o.age_seconds, r.candidates, (o.ahead * ${input.offersPerRound}::int + ${input.offersPerRound}::int + 8)::int AS k,
      coalesce(r.busy, 0)::int AS busy
    FROM orders_in o
    JOIN cities c ON c.id = o.city_id
    LEFT JOIN districts dn ON dn.id = o.district_id
    LEFT JOIN LATERAL (
      SELECT jsonb_agg(jsonb_build_array(t.id, t.order_limit - t.active_orders - t.pending_offers, t.preferred)
          ORDER BY t.n) FILTER (WHERE t.free) AS candidates,
        max(t.busy) AS busy
      FROM (
        SELECT s.*, row_number() OVER () AS n FROM (
          SELECT s.*, count(*) FILTER (WHERE NOT s.free) OVER () AS busy
          FROM (
            SELECT x.*, bool_or(x.in_district) OVER () AS any_in_district FROM (
              SELECT q.id, q.has_vehicle, q.rating, q.avg_check, q.active_orders, q.order_limit, q.pending_offers,
                coalesce(q.id = o.preferred_id, false) AS preferred,
                (o.district_id IS NOT NULL AND o.district_id = ANY (q.district_ids)) AS in_district,
                ${distanceSql(sql.ref('q.geo_point'), sql.ref('o.point'))} AS distance_m,
                q.active_orders + q.pending_offers < q.order_limit AS free
              FROM pool q
              WHERE o.skill_active AND q.skill_codes @> ARRAY[o.category] AND NOT (q.id = ANY (o.excluded))
                AND (${d.radius}::float8 IS NULL OR q.geo_point IS NULL OR o.point IS NULL
                  OR cube_distance(q.geo_point, o.point) <= ${d.radius}::float8)
            ) x
          ) s
          WHERE s.in_district OR NOT s.any_in_district
          ORDER BY s.free DESC, ${rankingSql(d)}
          LIMIT o.ahead * ${input.offersPerRound}::int + ${input.offersPerRound}::int + 8
        ) s
      ) t
    ) r ON true
    ORDER BY o.pos
  `;
}
