import { CATEGORY_LABELS } from '@fs/domain';
import { opsTexts } from '../texts/ops';
import { formatReportTime } from './period';
import type { CommissionReportRow, OrderReportRow, ReferralReportRow } from './queries';
import type { ReportColumn, ReportTable } from './table';

/** Query rows → report tables (pure). Times are shown in each row's city zone. */

const T = opsTexts.reports;

function columns(headers: readonly string[], kinds: ReportColumn['kind'][]): ReportColumn[] {
  return headers.map((header, i) => ({ header, kind: kinds[i] ?? 'text' }));
}

/** numeric(5,4) rate "0.5000" → 50 (percent, up to two decimals). */
function ratePct(rate: string): number {
  return Math.round(Number(rate) * 10_000) / 100;
}

export function ordersTable(rows: readonly OrderReportRow[]): ReportTable {
  const kinds: ReportColumn['kind'][] = [];
  kinds[0] = 'int';
  kinds[15] = 'int';
  kinds[18] = 'money';
  kinds[19] = 'money';
  kinds[23] = 'int';
  return {
    sheet: T.sheets.orders,
    columns: columns(T.columns.orders, kinds),
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
  const kinds: ReportColumn['kind'][] = [];
  kinds[0] = 'int';
  kinds[1] = 'int';
  kinds[3] = 'int';
  kinds[6] = 'money';
  kinds[7] = 'percent';
  kinds[13] = 'money';
  return {
    sheet: T.sheets.comm,
    columns: columns(T.columns.comm, kinds),
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
  const kinds: ReportColumn['kind'][] = [];
  for (const i of [0, 2, 4, 6, 7, 8]) kinds[i] = 'int';
  kinds[9] = 'percent';
  kinds[10] = 'money';
  return {
    sheet: T.sheets.refs,
    columns: columns(T.columns.refs, kinds),
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
