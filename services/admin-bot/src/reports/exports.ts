import { CATEGORY_LABELS } from '@fs/domain';
import { opsTexts } from '../texts/ops';
import { formatReportTime } from './period';
import type { CommissionReportRow, OrderReportRow, ReferralReportRow } from './queries';
import type { ReportColumn, ReportTable } from './table';

/** Query rows → report tables (pure). Times are shown in each row's city zone. */

const T = opsTexts.reports;

/** Every column is text but those `kinds` names by index. */
function columns(headers: readonly string[], kinds: Record<number, ReportColumn['kind']>): ReportColumn[] {
  return headers.map((header, i) => ({ header, kind: kinds[i] ?? 'text' }));
}

/** numeric(5,4) rate "0.5000" → 50 (percent, up to two decimals). */
function ratePct(rate: string): number {
  return Math.round(Number(rate) * 10_000) / 100;
}

export function ordersTable(rows: readonly OrderReportRow[]): ReportTable {
  return {
    sheet: T.sheets.orders,
    columns: columns(T.columns.orders, { 0: 'int', 15: 'int', 18: 'money', 19: 'money', 23: 'int' }),
    rows: rows.map((o) => [
      o.id,
      formatReportTime(o.created_at, o.timezone),
      o.city,
      o.district,
      o.street,
      o.house,
      o.apartment,
      CATEGORY_LABELS[o.category],
      T.orderStatus[o.status],
      T.orderType[o.type],
      formatReportTime(o.timeslot_start, o.timezone),
      formatReportTime(o.timeslot_end, o.timezone),
      o.is_asap ? T.yes : T.no,
      o.client_name,
      o.client_phone,
      o.master_id,
      o.master_name,
      o.master_phone,
      o.total_amount_kopecks,
      o.company_payment_kopecks === 0 ? null : o.company_payment_kopecks,
      o.cancel_reason,
      formatReportTime(o.closed_at, o.timezone),
      o.master_rating,
      o.review_stars,
      o.review_amount_confirmed === null ? null : o.review_amount_confirmed ? T.yes : T.no,
    ]),
  };
}

export function commissionsTable(rows: readonly CommissionReportRow[]): ReportTable {
  return {
    sheet: T.sheets.comm,
    columns: columns(T.columns.comm, { 0: 'int', 1: 'int', 3: 'int', 6: 'money', 7: 'percent', 13: 'money' }),
    rows: rows.map((k) => [
      k.id,
      k.order_id,
      k.city,
      k.master_id,
      k.master_name,
      k.master_phone,
      k.amount_kopecks,
      ratePct(k.rate),
      T.commissionStatus[k.status],
      formatReportTime(k.created_at, k.timezone),
      formatReportTime(k.deadline_at, k.timezone),
      formatReportTime(k.reported_at, k.timezone),
      formatReportTime(k.approved_at, k.timezone),
      k.paid_amount_kopecks,
      k.reject_reason,
    ]),
  };
}

export function referralsTable(rows: readonly ReferralReportRow[]): ReportTable {
  return {
    sheet: T.sheets.refs,
    columns: columns(T.columns.refs, {
      0: 'int',
      2: 'int',
      4: 'int',
      6: 'int',
      7: 'int',
      8: 'int',
      9: 'percent',
      10: 'money',
    }),
    rows: rows.map((r) => [
      r.id,
      r.city,
      r.referrer_id,
      r.referrer_name,
      r.referred_id,
      r.referred_name,
      r.commission_id,
      r.order_id,
      r.level,
      ratePct(r.rate),
      r.amount_kopecks,
      T.referralStatus[r.status],
      formatReportTime(r.created_at, r.timezone),
      formatReportTime(r.paid_at, r.timezone),
    ]),
  };
}
