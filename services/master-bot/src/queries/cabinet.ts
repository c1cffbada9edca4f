import type { Db } from '@fs/db';
import { ordersWithPlace } from '@fs/dispatch';
import type { CommissionStatus, ModerationStatus, OrderStatus, ReferralRewardStatus } from '@fs/domain';
import { sql } from 'kysely';
import { type ActiveOrderRow, ORDER_HEAD, type OrderHead, orderCardQuery } from './work';

/** Reads of the master's cabinet: history, statistics, finance, referrals. Every one is scoped to the master. */

export const HISTORY_PAGE_SIZE = 5;

/** Orders that left the master's hands for good. */
const HISTORY_STATUSES = ['closed', 'canceled'] as const satisfies readonly OrderStatus[];

/** Closed orders count toward the totals; canceled ones are listed only. */
export interface HistoryTotals {
  total: number;
  closed: number;
  canceled: number;
  sumKopecks: number;
}

export interface HistoryRow extends OrderHead {
  totalKopecks: number | null;
  finishedAt: Date;
}

function historyOrders(db: Db, masterId: number) {
  return ordersWithPlace(db)
    .where('o.assigned_master_id', '=', masterId)
    .where('o.status', 'in', HISTORY_STATUSES);
}

/** One page of the master's closed and canceled orders (latest first) with the totals. */
export async function listHistory(db: Db, masterId: number, page: number) {
  const t = await historyOrders(db, masterId)
    .select((eb) => [
      eb.fn.countAll<string>().as('total'),
      sql<string>`count(*) FILTER (WHERE o.status = 'closed')`.as('closed'),
      sql<string>`coalesce(sum(o.total_amount_kopecks) FILTER (WHERE o.status = 'closed'), 0)`.as('sum'),
    ])
    .executeTakeFirstOrThrow();
  const totals: HistoryTotals = {
    total: Number(t.total),
    closed: Number(t.closed),
    canceled: Number(t.total) - Number(t.closed),
    sumKopecks: Number(t.sum),
  };
  const rows = await historyOrders(db, masterId)
    .select([
      ...ORDER_HEAD,
      'o.total_amount_kopecks as totalKopecks',
      sql<Date>`coalesce(o.closed_at, o.updated_at)`.as('finishedAt'),
    ])
    .orderBy(sql`coalesce(o.closed_at, o.updated_at)`, 'desc')
    .orderBy('o.id', 'desc')
    .limit(HISTORY_PAGE_SIZE)
    .offset(page * HISTORY_PAGE_SIZE)
    .execute();
  return { totals, rows: rows as HistoryRow[] };
}

export interface HistoryOrder extends ActiveOrderRow {
  totalKopecks: number | null;
  cancelReason: string | null;
  finishedAt: Date;
  commissionId: number | null;
  commissionStatus: CommissionStatus | null;
  commissionKopecks: number | null;
}

/** One closed or canceled order of this master (undefined: not theirs or not finished). */
export async function loadHistoryOrder(
  db: Db,
  masterId: number,
  orderId: number,
): Promise<HistoryOrder | undefined> {
  return orderCardQuery(db)
    .leftJoin('commissions as k', 'k.order_id', 'o.id')
    .select([
      'o.total_amount_kopecks as totalKopecks',
      'o.cancel_reason as cancelReason',
      sql<Date>`coalesce(o.closed_at, o.updated_at)`.as('finishedAt'),
      'k.id as commissionId',
      'k.status as commissionStatus',
      'k.amount_kopecks as commissionKopecks',
    ])
    .where('o.assigned_master_id', '=', masterId)
    .where('o.status', 'in', HISTORY_STATUSES)
    .where('o.id', '=', orderId)
    .executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------
// Statistics

export type StatsPeriod = 'week' | 'month' | 'all';
const PERIOD_DAYS: Record<StatsPeriod, number | null> = { week: 7, month: 30, all: null };

export interface MasterStats {
  /** Orders the master closed (to payment or closed) in the period. */
  completed: number;
  revenueKopecks: number;
  /** Revenue over normal orders with a total (guarantee visits carry no total). */
  avgCheckKopecks: number | null;
  rating: number;
  /** Offers answered or closed in the period (open ones are not counted yet). */
  offers: number;
  accepted: number;
  /** Median seconds from the offer to the master's answer (accepted or declined). */
  medianResponseSeconds: number | null;
}

/** The master's statistics over the last 7 or 30 days, or all time. */
export async function loadMasterStats(
  db: Db,
  masterId: number,
  period: StatsPeriod,
  now = new Date(),
): Promise<MasterStats> {
  const days = PERIOD_DAYS[period];
  const since = days === null ? null : new Date(now.getTime() - days * 86_400_000);
  const { rows: orders } = await sql<{ completed: string; revenue: string; paid: string }>`
    WITH done AS (
      SELECT o.type, o.total_amount_kopecks AS total,
        coalesce(
          (SELECT min(h.created_at) FROM order_status_history h WHERE h.order_id = o.id AND h.to_status = 'payment'),
          o.closed_at, o.updated_at) AS done_at
      FROM orders o
      WHERE o.assigned_master_id = ${masterId}::int AND o.status IN ('payment', 'closed')
    )
    SELECT count(*) AS completed,
      coalesce(sum(total), 0) AS revenue,
      count(*) FILTER (WHERE type = 'normal' AND total > 0) AS paid
    FROM done WHERE ${since}::timestamptz IS NULL OR done_at >= ${since}::timestamptz
  `.execute(db);
  const { rows: offers } = await sql<{ offers: string; accepted: string; median: string | null }>`
    SELECT count(*) AS offers,
      count(*) FILTER (WHERE state = 'accepted') AS accepted,
      (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM responded_at - coalesce(delivered_at, sent_at)))
        FILTER (WHERE state IN ('accepted', 'declined') AND responded_at IS NOT NULL))::text AS median
    FROM offers
    -- withdrawn: the master never got the push (offer clock), so it is not theirs to count
    WHERE master_id = ${masterId}::int AND state NOT IN ('sent', 'viewed', 'withdrawn')
      AND (${since}::timestamptz IS NULL OR sent_at >= ${since}::timestamptz)
  `.execute(db);
  const master = await db
    .selectFrom('masters')
    .select('rating')
    .where('id', '=', masterId)
    .executeTakeFirstOrThrow();
  const o = orders[0]!;
  const f = offers[0]!;
  const revenue = Number(o.revenue);
  const paid = Number(o.paid);
  return {
    completed: Number(o.completed),
    revenueKopecks: revenue,
    avgCheckKopecks: paid > 0 ? Math.round(revenue / paid) : null,
    rating: Number(master.rating),
    offers: Number(f.offers),
    accepted: Number(f.accepted),
    medianResponseSeconds: f.median === null ? null : Math.round(Number(f.median)),
  };
}

// ---------------------------------------------------------------------------------------------
// Referrals

export interface InvitedMaster {
  name: string;
  moderation: ModerationStatus;
  joinedAt: Date;
}

export interface RewardLine {
  level: number;
  status: ReferralRewardStatus;
  count: number;
  sumKopecks: number;
}

export interface RecentReward {
  level: number;
  status: ReferralRewardStatus;
  amountKopecks: number;
  orderId: number;
  createdAt: Date;
}

export const INVITED_SHOWN = 10;
export const REWARDS_SHOWN = 5;

export async function loadReferralOverview(db: Db, masterId: number) {
  const invited = await db
    .selectFrom('referrals as r')
    .innerJoin('masters as m', 'm.id', 'r.master_id')
    .select(['m.full_name as name', 'm.moderation_status as moderation', 'r.created_at as joinedAt'])
    .where('r.referrer_id', '=', masterId)
    .where('m.is_deleted', '=', false)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute();
  const secondLevel = await db
    .selectFrom('referrals as r1')
    .innerJoin('referrals as r2', 'r2.referrer_id', 'r1.master_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('r1.referrer_id', '=', masterId)
    .where('r2.master_id', '<>', masterId)
    .executeTakeFirstOrThrow();
  const byLevel = await db
    .selectFrom('referral_rewards')
    .select((eb) => [
      'level',
      'status',
      eb.fn.countAll<string>().as('count'),
      sql<string>`sum(amount_kopecks)`.as('sum'),
    ])
    .where('referrer_id', '=', masterId)
    .groupBy(['level', 'status'])
    .orderBy('level')
    .orderBy('status')
    .execute();
  const recent = await db
    .selectFrom('referral_rewards as rr')
    .innerJoin('commissions as k', 'k.id', 'rr.commission_id')
    .select([
      'rr.level',
      'rr.status',
      'rr.amount_kopecks as amountKopecks',
      'k.order_id as orderId',
      'rr.created_at as createdAt',
    ])
    .where('rr.referrer_id', '=', masterId)
    .orderBy('rr.created_at', 'desc')
    .orderBy('rr.id', 'desc')
    .limit(REWARDS_SHOWN)
    .execute();
  return {
    invited: invited as InvitedMaster[],
    secondLevel: Number(secondLevel.n),
    rewards: byLevel.map(
      (r): RewardLine => ({
        level: r.level,
        status: r.status,
        count: Number(r.count),
        sumKopecks: Number(r.sum),
      }),
    ),
    recent: recent as RecentReward[],
  };
}

export type ReferralOverview = Awaited<ReturnType<typeof loadReferralOverview>>;
