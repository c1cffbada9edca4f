import type { Db } from '@fs/db';
import type { CommissionStatus, OrderType } from '@fs/domain';
import { sql } from 'kysely';
import type { Executor } from '../shared/deps';

/**
 * The commission read every list, card, report, lock and deadline run starts from: the
 * commission (`k`) with its order (`o`). A commission's city is its order's city (scope checks
 * go by `o.city_id`). Callers add their conditions, columns and locks (`forUpdate('k')`).
 */
export function commissionsWithOrder(db: Executor) {
  return db.selectFrom('commissions as k').innerJoin('orders as o', 'o.id', 'k.order_id');
}

/** `commissionsWithOrder` with the order's city (`c`: name, timezone), for what shows dates or the city. */
export function commissionsWithCity(db: Executor) {
  return commissionsWithOrder(db).innerJoin('cities as c', 'c.id', 'o.city_id');
}

/**
 * Reads of one master's commissions, used by both bots: the master's 💳 Финансы (summary, open
 * and paid lists, a card) and the balance on the admin bot's master card and balances list.
 * Every read is scoped to the master it is given.
 */

export const COMMISSIONS_PAGE_SIZE = 5;

/** The three sums of a master's balance over commissions aliased `k` (grouped by the caller). */
export const BALANCE_SUMS = [
  sql<string>`coalesce(sum(k.amount_kopecks) FILTER (WHERE k.status IN ('wait_pay', 'reported')), 0)`.as(
    'due',
  ),
  sql<string>`coalesce(sum(k.amount_kopecks) FILTER (WHERE k.status = 'overdue'), 0)`.as('overdue'),
  sql<string>`coalesce(sum(coalesce(k.paid_amount_kopecks, k.amount_kopecks)) FILTER (WHERE k.status = 'approved'), 0)`.as(
    'paid',
  ),
] as const;

export function balanceOf(row: { due: string; overdue: string; paid: string }): MasterBalance {
  return { dueKopecks: Number(row.due), overdueKopecks: Number(row.overdue), paidKopecks: Number(row.paid) };
}

export interface MasterBalance {
  dueKopecks: number;
  overdueKopecks: number;
  paidKopecks: number;
}

/** A master's commissions: due (wait_pay + reported), overdue and paid sums. */
export async function masterBalance(db: Db, masterId: number): Promise<MasterBalance> {
  const row = await db
    .selectFrom('commissions as k')
    .select(BALANCE_SUMS)
    .where('k.master_id', '=', masterId)
    .executeTakeFirstOrThrow();
  return balanceOf(row);
}

/** Commissions the master still has to deal with (to pay, on check, overdue). */
export const OPEN_COMMISSION_STATUSES = [
  'wait_pay',
  'reported',
  'overdue',
] as const satisfies readonly CommissionStatus[];

export type FinanceSummary = Record<CommissionStatus, { count: number; sumKopecks: number }>;

/** How many commissions of each status the master has, and their sums. */
export async function loadFinanceSummary(db: Db, masterId: number): Promise<FinanceSummary> {
  const rows = await db
    .selectFrom('commissions')
    .select((eb) => [
      'status',
      eb.fn.countAll<string>().as('count'),
      sql<string>`coalesce(sum(amount_kopecks), 0)`.as('sum'),
    ])
    .where('master_id', '=', masterId)
    .groupBy('status')
    .execute();
  const out: FinanceSummary = {
    wait_pay: { count: 0, sumKopecks: 0 },
    reported: { count: 0, sumKopecks: 0 },
    overdue: { count: 0, sumKopecks: 0 },
    approved: { count: 0, sumKopecks: 0 },
  };
  for (const r of rows) out[r.status] = { count: Number(r.count), sumKopecks: Number(r.sum) };
  return out;
}

export interface MasterCommissionRow {
  id: number;
  orderId: number;
  amountKopecks: number;
  status: CommissionStatus;
  deadlineAt: Date;
  approvedAt: Date | null;
  timezone: string;
}

function commissionsOf(db: Db, masterId: number) {
  return commissionsWithCity(db)
    .select([
      'k.id',
      'k.order_id as orderId',
      'k.amount_kopecks as amountKopecks',
      'k.status',
      'k.deadline_at as deadlineAt',
      'k.approved_at as approvedAt',
      'c.timezone',
    ])
    .where('k.master_id', '=', masterId);
}

/** Unpaid commissions, the earliest deadline first. */
export async function listOpenCommissions(db: Db, masterId: number, page: number) {
  const rows = await commissionsOf(db, masterId)
    .where('k.status', 'in', OPEN_COMMISSION_STATUSES)
    .orderBy('k.deadline_at')
    .orderBy('k.id')
    .limit(COMMISSIONS_PAGE_SIZE + 1)
    .offset(page * COMMISSIONS_PAGE_SIZE)
    .execute();
  return { rows: rows.slice(0, COMMISSIONS_PAGE_SIZE), hasNext: rows.length > COMMISSIONS_PAGE_SIZE };
}

/** Approved commissions (the history of payments), the latest first. */
export async function listPaidCommissions(db: Db, masterId: number, page: number) {
  const rows = await commissionsOf(db, masterId)
    .where('k.status', '=', 'approved')
    .orderBy('k.approved_at', 'desc')
    .orderBy('k.id', 'desc')
    .limit(COMMISSIONS_PAGE_SIZE + 1)
    .offset(page * COMMISSIONS_PAGE_SIZE)
    .execute();
  return { rows: rows.slice(0, COMMISSIONS_PAGE_SIZE), hasNext: rows.length > COMMISSIONS_PAGE_SIZE };
}

export interface MasterCommissionCard extends MasterCommissionRow {
  orderType: OrderType;
  orderTotalKopecks: number | null;
  rate: string;
  createdAt: Date;
  reportedAt: Date | null;
  rejectReason: string | null;
  payTo: Record<string, unknown>;
  receipts: number;
}

/** One commission of this master (undefined: no such commission, or another master's). */
export async function loadMasterCommission(
  db: Db,
  masterId: number,
  commissionId: number,
): Promise<MasterCommissionCard | undefined> {
  return commissionsOf(db, masterId)
    .select([
      'o.type as orderType',
      'o.total_amount_kopecks as orderTotalKopecks',
      'k.rate',
      'k.created_at as createdAt',
      'k.reported_at as reportedAt',
      'k.reject_reason as rejectReason',
      'k.pay_to_snapshot as payTo',
      (eb) =>
        eb
          .selectFrom('attachments as a')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('a.entity_type', '=', 'commission')
          .whereRef('a.entity_id', '=', 'k.id')
          .as('receipts'),
    ])
    .where('k.id', '=', commissionId)
    .executeTakeFirst() as Promise<MasterCommissionCard | undefined>;
}
