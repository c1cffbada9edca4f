import type { Db } from '@fs/db';
import { KPI_TARGETS } from '@fs/domain';
import { formatDuration, opsTexts, pctOf } from '../texts/ops';
import { commissionsTable, ordersTable, referralsTable } from './exports';
import { kpiChartPng } from './kpi-chart';
import { periodLabel, periodOfDays, type ReportPeriod } from './period';
import {
  type KpiCounts,
  type KpiWeek,
  loadCommissionRows,
  loadKpiCounts,
  loadKpiWeeks,
  loadOrderRows,
  loadReferralRows,
  type ReportScope,
} from './queries';
import { type ReportTable, toCsv, toXlsx } from './table';

export * from './period';
export type { KpiCounts, KpiWeek, ReportScope } from './queries';

export type ExportKind = 'orders' | 'comm' | 'refs';

export interface ExportFiles {
  table: ReportTable;
  csv: Buffer;
  xlsx: Buffer;
  /** `orders_2026-11-01_2026-11-30` */
  baseName: string;
}

async function exportTable(
  db: Db,
  kind: ExportKind,
  scope: ReportScope,
  period: ReportPeriod,
): Promise<ReportTable> {
  switch (kind) {
    case 'orders':
      return ordersTable(await loadOrderRows(db, scope, period));
    case 'comm':
      return commissionsTable(await loadCommissionRows(db, scope, period));
    case 'refs':
      return referralsTable(await loadReferralRows(db, scope, period));
  }
}

/** One export for the period and scope as CSV and XLSX. */
export async function buildExport(
  db: Db,
  kind: ExportKind,
  scope: ReportScope,
  period: ReportPeriod,
): Promise<ExportFiles> {
  const table = await exportTable(db, kind, scope, period);
  const [csv, xlsx] = [toCsv(table), await toXlsx(table)];
  return {
    table,
    csv,
    xlsx,
    baseName: `${opsTexts.reports.fileNames[kind]}_${period.firstDay}_${period.lastDay}`,
  };
}

export interface KpiReport {
  total: KpiCounts;
  cities: KpiCounts[];
  /** The chart's trend, week by week. */
  weeks: KpiWeek[];
  text: string;
  png: Buffer;
}

/** The distribution KPIs as text and as a bar chart (PNG). */
/** The trend's weeks: the period's, and at least the TREND_MIN_WEEKS weeks up to its last day. */
export const TREND_MIN_WEEKS = 8;

export function trendPeriod(period: ReportPeriod): ReportPeriod {
  const earliest = new Date(
    Date.parse(`${period.lastDay}T00:00:00Z`) - (TREND_MIN_WEEKS * 7 - 1) * 86_400_000,
  )
    .toISOString()
    .slice(0, 10);
  // biome-ignore lint/complexity/useMathMinMax: yyyy-MM-dd strings, compared as text (Math.min would give NaN)
  return periodOfDays(earliest < period.firstDay ? earliest : period.firstDay, period.lastDay, period.tz);
}

/** The distribution KPIs as text and as a chart (PNG): the period's bars with targets, and the weekly trend. */
export async function buildKpiReport(
  db: Db,
  scope: ReportScope,
  period: ReportPeriod,
  scopeLabel: string,
): Promise<KpiReport> {
  const [[total, ...cities], weeks] = await Promise.all([
    loadKpiCounts(db, scope, period),
    loadKpiWeeks(db, scope, trendPeriod(period)),
  ]);
  const T = opsTexts.reports;
  const label = periodLabel(period);
  const bar = (key: 'accepted' | 'declined' | 'expired' | 'round1', whole: number, color: string) => ({
    label: T.chart.bars[key],
    percent: pctOf(total![key], whole),
    color,
  });
  const target = (percent: number) => ({ percent, label: T.chart.target(percent) });
  const png = kpiChartPng({
    title: T.chart.title(scopeLabel, label),
    subtitle: T.chart.subtitle(formatDuration(total!.medianAcceptSeconds), total!.orders, total!.assignments),
    emptyLabel: T.chart.empty,
    bars: [
      { ...bar('accepted', total!.orders, '#2e9d5b'), target: target(KPI_TARGETS.acceptedPercentMin) },
      bar('declined', total!.orders, '#e0a030'),
      { ...bar('expired', total!.orders, '#d64545'), target: target(KPI_TARGETS.expiredPercentMax) },
      bar('round1', total!.assignments, '#3b73c4'),
    ],
    trend: {
      title: T.chart.trendTitle,
      labels: weeks.map((w) => `${w.week.slice(8, 10)}.${w.week.slice(5, 7)}`),
      series: [
        {
          label: T.chart.trendAccepted,
          color: '#2e9d5b',
          values: weeks.map((w) => pctOf(w.accepted, w.orders)),
          target: KPI_TARGETS.acceptedPercentMin,
        },
        {
          label: T.chart.trendExpired,
          color: '#d64545',
          values: weeks.map((w) => pctOf(w.expired, w.orders)),
          target: KPI_TARGETS.expiredPercentMax,
        },
      ],
    },
  });
  return { total: total!, cities, weeks, text: T.kpiText(scopeLabel, label, total!, cities), png };
}
