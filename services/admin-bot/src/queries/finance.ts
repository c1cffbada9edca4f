import type { Db } from '@fs/db';
import {
  BALANCE_SUMS,
  balanceOf,
  commissionsWithCity,
  commissionsWithOrder,
  type MasterBalance,
} from '@fs/dispatch';
import { atLocalTime, type CommissionStatus, localDateOf } from '@fs/domain';
import { sql } from 'kysely';
import type { CallbackArgs } from '../callbacks';
import { cityFilter } from '../scope';
import { type Page, readPage } from './page';
import type { StaffMember } from './staff';

/** Reads for the finance screens; scoped by the order's city. */

export type CommissionGroup = CallbackArgs<'financeList'>['group'];
export type CommissionPeriod = CallbackArgs<'financeList'>['period'];

export const COMMISSIONS_PER_PAGE = 10;

/** Which commission statuses each finance list shows. */
export const GROUP_STATUSES: Record<CommissionGroup, readonly CommissionStatus[]> = {
  reported: ['reported'],
  due: ['wait_pay'],
  overdue: ['overdue'],
  approved: ['approved'],
};

function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + n)).toISOString().slice(0, 10);
}

/**
 * Disjoint creation-time buckets in the staff member's zone: today, yesterday, earlier this
 * week (from Monday), earlier this month, older. [from, to) with null for open ends.
 */
export function periodBounds(
  now: Date,
  tz: string,
): Record<CommissionPeriod, { from: Date | null; to: Date | null }> {
  const today = localDateOf(now, tz);
  const yesterday = addDays(today, -1);
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  const monday = addDays(today, -weekday);
  const monthStart = `${today.slice(0, 8)}01`;
  const todayAt = atLocalTime(today, '00:00', tz);
  const yesterdayAt = atLocalTime(yesterday, '00:00', tz);
  const weekAt = new Date(Math.min(atLocalTime(monday, '00:00', tz).getTime(), yesterdayAt.getTime()));
  const monthAt = new Date(Math.min(atLocalTime(monthStart, '00:00', tz).getTime(), weekAt.getTime()));
  return {
    today: { from: todayAt, to: null },
    yesterday: { from: yesterdayAt, to: todayAt },
    week: { from: weekAt, to: yesterdayAt },
    month: { from: monthAt, to: weekAt },
    older: { from: null, to: monthAt },
  };
}

function commissionsQuery(db: Db, staff: StaffMember, group: CommissionGroup) {
  return commissionsWithOrder(db)
    .innerJoin('masters as m', 'm.id', 'k.master_id')
    .where(cityFilter('o.city_id', staff))
    .where('k.status', 'in', [...GROUP_STATUSES[group]]);
}

/** How many commissions each group holds in the staff member's cities. */
export async function groupCounts(db: Db, staff: StaffMember): Promise<Record<CommissionGroup, number>> {
  const rows = await commissionsWithOrder(db)
    .where(cityFilter('o.city_id', staff))
    .select(['k.status', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('k.status')
    .execute();
  const by = new Map(rows.map((r) => [r.status, Number(r.n)]));
  const out = {} as Record<CommissionGroup, number>;
  for (const [group, statuses] of Object.entries(GROUP_STATUSES) as [CommissionGroup, CommissionStatus[]][]) {
    out[group] = statuses.reduce((sum, s) => sum + (by.get(s) ?? 0), 0);
  }
  return out;
}

/** Counts of a group per creation period. */
export async function periodCounts(
  db: Db,
  staff: StaffMember,
  group: CommissionGroup,
  bounds: ReturnType<typeof periodBounds>,
): Promise<Record<CommissionPeriod, number>> {
  const count = (from: Date | null, to: Date | null) =>
    sql<string>`count(*) FILTER (WHERE ${from ? sql`k.created_at >= ${from}` : sql`true`} AND ${to ? sql`k.created_at < ${to}` : sql`true`})`;
  const row = await commissionsQuery(db, staff, group)
    .select([
      count(bounds.today.from, bounds.today.to).as('today'),
      count(bounds.yesterday.from, bounds.yesterday.to).as('yesterday'),
      count(bounds.week.from, bounds.week.to).as('week'),
      count(bounds.month.from, bounds.month.to).as('month'),
      count(bounds.older.from, bounds.older.to).as('older'),
    ])
    .executeTakeFirstOrThrow();
  return {
    today: Number(row.today),
    yesterday: Number(row.yesterday),
    week: Number(row.week),
    month: Number(row.month),
    older: Number(row.older),
  };
}

export interface CommissionListRow {
  id: number;
  order_id: number;
  amount_kopecks: number;
  status: CommissionStatus;
  deadline_at: Date;
  master_name: string;
}

export async function listCommissions(
  db: Db,
  staff: StaffMember,
  group: CommissionGroup,
  range: { from: Date | null; to: Date | null },
  page: number,
  perPage = COMMISSIONS_PER_PAGE,
): Promise<Page<CommissionListRow>> {
  let q = commissionsQuery(db, staff, group);
  if (range.from) q = q.where('k.created_at', '>=', range.from);
  if (range.to) q = q.where('k.created_at', '<', range.to);
  const count = q.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
  return readPage(count, page, perPage, (offset, limit) =>
    q
      .select([
        'k.id',
        'k.order_id',
        'k.amount_kopecks',
        'k.status',
        'k.deadline_at',
        'm.full_name as master_name',
      ])
      .orderBy('k.created_at', 'desc')
      .orderBy('k.id', 'desc')
      .offset(offset)
      .limit(limit)
      .execute(),
  );
}

/** A commission as staff see it, on its card and in the commissions export. */
export interface StaffCommissionRow {
  id: number;
  order_id: number;
  city: string;
  timezone: string;
  master_id: number;
  master_name: string;
  master_phone: string | null;
  amount_kopecks: number;
  rate: string;
  status: CommissionStatus;
  created_at: Date;
  deadline_at: Date;
  reported_at: Date | null;
  approved_at: Date | null;
  paid_amount_kopecks: number | null;
  reject_reason: string | null;
}

/** Commissions with the columns of `StaffCommissionRow` (the order's city, the master); callers add conditions and columns. */
export function staffCommissions(db: Db) {
  return commissionsWithCity(db)
    .innerJoin('masters as m', 'm.id', 'k.master_id')
    .select([
      'k.id',
      'k.order_id',
      'c.name as city',
      'c.timezone',
      'k.master_id',
      'm.full_name as master_name',
      'm.phone as master_phone',
      'k.amount_kopecks',
      'k.rate',
      'k.status',
      'k.created_at',
      'k.deadline_at',
      'k.reported_at',
      'k.approved_at',
      'k.paid_amount_kopecks',
      'k.reject_reason',
    ]);
}

/** The card: the staff row plus who approved it, the order's total and the number of receipts. */
export interface CommissionCard extends StaffCommissionRow {
  city_id: number;
  approved_by: string | null;
  order_total_kopecks: number | null;
  receipts: number;
}

/** The commission card; undefined when not found. Scope: the caller checks `city_id`. */
export async function loadCommissionCard(db: Db, commissionId: number): Promise<CommissionCard | undefined> {
  return staffCommissions(db)
    .leftJoin('staff_users as s', 's.id', 'k.approved_by_staff_id')
    .select((eb) => [
      'o.city_id',
      's.full_name as approved_by',
      'o.total_amount_kopecks as order_total_kopecks',
      eb
        .selectFrom('attachments as a')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('a.entity_type', '=', 'commission')
        .whereRef('a.entity_id', '=', 'k.id')
        .where('a.document_kind', '=', 'receipt')
        .$asScalar()
        .$notNull()
        .as('receipts'),
    ])
    .where('k.id', '=', commissionId)
    .executeTakeFirst();
}

export async function commissionReceipts(
  db: Db,
  commissionId: number,
): Promise<{ id: number; file_type: string; file_id: string; uploaded_by_master_id: number | null }[]> {
  return db
    .selectFrom('attachments')
    .select(['id', 'file_type', 'file_id', 'uploaded_by_master_id'])
    .where('entity_type', '=', 'commission')
    .where('entity_id', '=', commissionId)
    .where('document_kind', '=', 'receipt')
    .orderBy('id')
    .execute();
}

export interface BalanceRow extends MasterBalance {
  master_id: number;
  master_name: string;
}

/** Masters of the staff member's cities with unpaid or paid commissions, the most overdue first. */
export async function listBalances(
  db: Db,
  staff: StaffMember,
  page: number,
  perPage = COMMISSIONS_PER_PAGE,
): Promise<Page<BalanceRow>> {
  const base = commissionsWithOrder(db)
    .innerJoin('masters as m', 'm.id', 'k.master_id')
    .where(cityFilter('o.city_id', staff));
  const count = base.select(sql<string>`count(DISTINCT k.master_id)`.as('total')).executeTakeFirstOrThrow();
  const list = await readPage(count, page, perPage, (offset, limit) =>
    base
      .select(['k.master_id', 'm.full_name as master_name', ...BALANCE_SUMS])
      .groupBy(['k.master_id', 'm.full_name'])
      .orderBy(sql`4`, 'desc')
      .orderBy(sql`3`, 'desc')
      .orderBy('k.master_id')
      .offset(offset)
      .limit(limit)
      .execute(),
  );
  return {
    ...list,
    rows: list.rows.map((r) => ({ master_id: r.master_id, master_name: r.master_name, ...balanceOf(r) })),
  };
}
