import type { Db } from '@fs/db';
import { commissionsWithCity, type OrderPlace, ordersWithPlace } from '@fs/dispatch';
import type { Category, OrderStatus, OrderType, ReferralRewardStatus } from '@fs/domain';
import { type Expression, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { type StaffCommissionRow, staffCommissions } from '../queries/finance';
import { type CityScope, scopeCondition } from '../scope';
import type { ReportPeriod } from './period';

/**
 * The one query module of the reports: every export and the KPIs read through here, always
 * limited to the period and to the cities of the scope.
 */

/** The cities a report covers: every city (global admin, "all"), or a list (maybe empty = nothing). */
export type ReportScope = CityScope;
const inCities = scopeCondition;

function inPeriod(column: string, p: ReportPeriod): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} >= ${p.from} and ${sql.ref(column)} < ${p.to}`;
}

/**
 * An export's rows: of the scope's cities (a row's city is its order's, `o.city_id`), created in
 * the period, oldest first. `t` is the alias of the listed table (its `created_at` and `id`).
 */
function exportRows<DB, TB extends keyof DB, O>(
  q: SelectQueryBuilder<DB, TB, O>,
  t: 'o' | 'k' | 'r',
  scope: ReportScope,
  p: ReportPeriod,
) {
  return q
    .where(inCities('o.city_id', scope))
    .where(inPeriod(`${t}.created_at`, p))
    .orderBy(sql.ref(`${t}.created_at`))
    .orderBy(sql.ref(`${t}.id`))
    .execute();
}

export interface OrderReportRow extends OrderPlace {
  id: number;
  created_at: Date;
  category: Category;
  status: OrderStatus;
  type: OrderType;
  timeslot_start: Date | null;
  timeslot_end: Date | null;
  is_asap: boolean;
  client_name: string;
  client_phone: string | null;
  master_id: number | null;
  master_name: string | null;
  master_phone: string | null;
  total_amount_kopecks: number | null;
  company_payment_kopecks: number;
  cancel_reason: string | null;
  closed_at: Date | null;
  /** The assigned master's rating now (Bayesian average of their reviews). */
  master_rating: number | null;
  /** The client's review of this order (issue 17). */
  review_stars: number | null;
  review_amount_confirmed: boolean | null;
}

/** Orders created in the period. */
export function loadOrderRows(db: Db, scope: ReportScope, p: ReportPeriod): Promise<OrderReportRow[]> {
  const q = ordersWithPlace(db)
    .leftJoin('masters as m', 'm.id', 'o.assigned_master_id')
    .leftJoin('reviews as r', 'r.order_id', 'o.id')
    .select([
      'o.id',
      'o.created_at',
      'c.name as city',
      'c.timezone',
      'd.name as district',
      'o.street',
      'o.house',
      'o.apartment',
      'o.category',
      'o.status',
      'o.type',
      'o.timeslot_start',
      'o.timeslot_end',
      'o.is_asap',
      'o.client_name',
      'o.client_phone',
      'm.id as master_id',
      'm.full_name as master_name',
      'm.phone as master_phone',
      'o.total_amount_kopecks',
      'o.company_payment_kopecks',
      'o.cancel_reason',
      'o.closed_at',
      sql<number | null>`m.rating::float8`.as('master_rating'),
      'r.stars as review_stars',
      'r.amount_confirmed as review_amount_confirmed',
    ]);
  return exportRows(q, 'o', scope, p);
}

/** A commission row of the export: the columns staff see on its card. */
export type CommissionReportRow = StaffCommissionRow;

/** Commissions created in the period (city = the order's city). */
export function loadCommissionRows(
  db: Db,
  scope: ReportScope,
  p: ReportPeriod,
): Promise<CommissionReportRow[]> {
  return exportRows(staffCommissions(db), 'k', scope, p);
}

export interface ReferralReportRow {
  id: number;
  city: string;
  timezone: string;
  referrer_id: number;
  referrer_name: string;
  referred_id: number;
  referred_name: string;
  commission_id: number;
  order_id: number;
  level: number;
  rate: string;
  amount_kopecks: number;
  status: ReferralRewardStatus;
  created_at: Date;
  paid_at: Date | null;
}

/** Referral rewards accrued in the period (city = the order the commission came from). */
export function loadReferralRows(db: Db, scope: ReportScope, p: ReportPeriod): Promise<ReferralReportRow[]> {
  const q = commissionsWithCity(db)
    .innerJoin('referral_rewards as r', 'r.commission_id', 'k.id')
    .innerJoin('masters as ref', 'ref.id', 'r.referrer_id')
    .innerJoin('masters as inv', 'inv.id', 'r.referred_master_id')
    .select([
      'r.id',
      'c.name as city',
      'c.timezone',
      'r.referrer_id',
      'ref.full_name as referrer_name',
      'r.referred_master_id as referred_id',
      'inv.full_name as referred_name',
      'r.commission_id',
      'k.order_id',
      'r.level',
      'r.rate',
      'r.amount_kopecks',
      'r.status',
      'r.created_at',
      'r.paid_at',
    ]);
  return exportRows(q, 'r', scope, p);
}

/** Raw KPI counts of one city (cityId null = the whole scope). */
export interface KpiCounts {
  cityId: number | null;
  city: string | null;
  /** Orders that got at least one delivered offer sent in the period, and how many offers. */
  orders: number;
  offers: number;
  /** Of those orders: a master accepted one of its offers / one was declined / one expired. */
  accepted: number;
  declined: number;
  expired: number;
  /** Median seconds from an offer's delivery to its acceptance (accepted offers sent in the period). */
  medianAcceptSeconds: number | null;
  /** Assignments (distribution_metrics) in the period; of them, automatic in round 1. */
  assignments: number;
  round1: number;
  /** Orders of the scope whose logist / admin escalation was notified in the period. */
  escalatedLogist: number;
  escalatedAdmin: number;
}

const emptyCounts = (cityId: number | null, city: string | null): KpiCounts => ({
  cityId,
  city,
  orders: 0,
  offers: 0,
  accepted: 0,
  declined: 0,
  expired: 0,
  medianAcceptSeconds: null,
  assignments: 0,
  round1: 0,
  escalatedLogist: 0,
  escalatedAdmin: 0,
});

/**
 * Offers sent in the period, one row per order: what became of them (shares are per order, so
 * several offers per round do not dilute "accepted"). Withdrawn offers never reached the master
 * (offer clock): they are not offers in these figures.
 */
function offeredOrders(db: Db, scope: ReportScope, p: ReportPeriod) {
  return db
    .selectFrom('offers as f')
    .innerJoin('orders as o', 'o.id', 'f.order_id')
    .select([
      'o.city_id',
      'f.order_id',
      sql<number>`count(*)::int`.as('offers'),
      sql<boolean>`bool_or(f.state = 'accepted')`.as('accepted'),
      sql<boolean>`bool_or(f.state = 'declined')`.as('declined'),
      sql<boolean>`bool_or(f.state = 'expired')`.as('expired'),
      sql<number | null>`min(extract(epoch from f.responded_at - coalesce(f.delivered_at, f.sent_at)))
        filter (where f.state = 'accepted' and f.responded_at is not null)`.as('accept_s'),
      sql<Date>`min(f.sent_at)`.as('first_sent'),
    ])
    .where(inCities('o.city_id', scope))
    .where(inPeriod('f.sent_at', p))
    .where('f.state', '<>', 'withdrawn')
    .groupBy(['o.city_id', 'f.order_id']);
}

/** The per-order aggregate over `offeredOrders`, grouped by `key`. */
const ORDER_SHARES = sql`count(*)::int AS orders, sum(offers)::int AS offers,
  (count(*) FILTER (WHERE accepted))::int AS accepted,
  (count(*) FILTER (WHERE declined))::int AS declined,
  (count(*) FILTER (WHERE expired))::int AS expired,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY accept_s) FILTER (WHERE accept_s IS NOT NULL) AS median`;

interface OrderSharesRow {
  orders: number;
  offers: number;
  accepted: number;
  declined: number;
  expired: number;
  median: number | null;
}

/** One week of the trend: the same per-order figures for the offers sent that week. */
export interface KpiWeek {
  /** Monday of the week, `yyyy-MM-dd` in the report's zone. */
  week: string;
  orders: number;
  accepted: number;
  expired: number;
  medianAcceptSeconds: number | null;
}

/**
 * Week-by-week figures (weeks from Monday in `p.tz`) for the period; weeks without offers are
 * returned with zeros, so the trend has no holes.
 */
export async function loadKpiWeeks(db: Db, scope: ReportScope, p: ReportPeriod): Promise<KpiWeek[]> {
  const { rows } = await sql<OrderSharesRow & { week: string }>`
    SELECT to_char(date_trunc('week', first_sent AT TIME ZONE ${p.tz}), 'YYYY-MM-DD') AS week, ${ORDER_SHARES}
    FROM (${offeredOrders(db, scope, p)}) x
    GROUP BY 1
  `.execute(db);
  const byWeek = new Map(rows.map((r) => [r.week, r]));
  const weeks: KpiWeek[] = [];
  for (let w = mondayOf(p.firstDay); w <= p.lastDay; w = addDaysIso(w, 7)) {
    const r = byWeek.get(w);
    weeks.push({
      week: w,
      orders: r?.orders ?? 0,
      accepted: r?.accepted ?? 0,
      expired: r?.expired ?? 0,
      medianAcceptSeconds: r?.median == null ? null : Math.round(Number(r.median)),
    });
  }
  return weeks;
}

function addDaysIso(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + n)).toISOString().slice(0, 10);
}

function mondayOf(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const dow = new Date(Date.UTC(y!, m! - 1, d!)).getUTCDay(); // 0 = Sunday
  return addDaysIso(day, -((dow + 6) % 7));
}

/**
 * KPI counts per city with activity, and the total of the scope (first element, cityId null).
 * Orders by their offers sent in the period, assignments by `assigned_at`, escalations by their
 * notice time, all within the period.
 */
export async function loadKpiCounts(db: Db, scope: ReportScope, p: ReportPeriod): Promise<KpiCounts[]> {
  const { rows: offers } = await sql<OrderSharesRow & { city_id: number | null }>`
    SELECT CASE WHEN grouping(city_id) = 0 THEN city_id END AS city_id, ${ORDER_SHARES}
    FROM (${offeredOrders(db, scope, p)}) x
    GROUP BY GROUPING SETS ((city_id), ())
  `.execute(db);
  const assignments = await db
    .selectFrom('distribution_metrics as dm')
    .select([
      sql<number | null>`case when grouping(dm.city_id) = 0 then dm.city_id end`.as('city_id'),
      sql<number>`count(*)::int`.as('assignments'),
      sql<number>`(count(*) filter (where dm.via = 'auto' and dm.round_number = 1))::int`.as('round1'),
    ])
    .where(inCities('dm.city_id', scope))
    .where(inPeriod('dm.assigned_at', p))
    .groupBy(sql`grouping sets ((dm.city_id), ())`)
    .execute();
  const escalations = await db
    .selectFrom('orders as o')
    .select([
      sql<number | null>`case when grouping(o.city_id) = 0 then o.city_id end`.as('city_id'),
      sql<number>`(count(*) filter (where o.escalation_logist_notified_at >= ${p.from}
        and o.escalation_logist_notified_at < ${p.to}))::int`.as('logist'),
      sql<number>`(count(*) filter (where o.escalation_admin_notified_at >= ${p.from}
        and o.escalation_admin_notified_at < ${p.to}))::int`.as('admin'),
    ])
    .where(inCities('o.city_id', scope))
    .where((eb) =>
      eb.or([
        eb.and([
          eb('o.escalation_logist_notified_at', '>=', p.from),
          eb('o.escalation_logist_notified_at', '<', p.to),
        ]),
        eb.and([
          eb('o.escalation_admin_notified_at', '>=', p.from),
          eb('o.escalation_admin_notified_at', '<', p.to),
        ]),
      ]),
    )
    .groupBy(sql`grouping sets ((o.city_id), ())`)
    .execute();

  const byCity = new Map<number | null, KpiCounts>();
  const row = (cityId: number | null) => {
    let r = byCity.get(cityId);
    if (!r) {
      r = emptyCounts(cityId, null);
      byCity.set(cityId, r);
    }
    return r;
  };
  row(null);
  for (const o of offers) {
    Object.assign(row(o.city_id), {
      orders: o.orders,
      offers: o.offers ?? 0,
      accepted: o.accepted,
      declined: o.declined,
      expired: o.expired,
      medianAcceptSeconds: o.median === null ? null : Math.round(Number(o.median)),
    });
  }
  for (const a of assignments)
    Object.assign(row(a.city_id), { assignments: a.assignments, round1: a.round1 });
  for (const e of escalations)
    Object.assign(row(e.city_id), { escalatedLogist: e.logist, escalatedAdmin: e.admin });

  const ids = [...byCity.keys()].filter((id): id is number => id !== null);
  const names = new Map<number, string>();
  if (ids.length > 0) {
    const cities = await db.selectFrom('cities').select(['id', 'name']).where('id', 'in', ids).execute();
    for (const c of cities) names.set(c.id, c.name);
  }
  const cityRows = ids
    .map((id) => ({ ...byCity.get(id)!, city: names.get(id) ?? `#${id}` }))
    .sort((a, b) => b.orders - a.orders || a.city.localeCompare(b.city, 'ru'));
  return [byCity.get(null)!, ...cityRows];
}
