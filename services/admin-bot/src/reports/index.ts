import type { Db } from '@fs/db';
import { formatDuration, opsTexts } from '../texts/ops';
import { commissionsTable, ordersTable, referralsTable } from './exports';
import { kpiChartPng } from './kpi-chart';
import { periodLabel, type ReportPeriod } from './period';
import {
  type KpiCounts,
  loadCommissionRows,
  loadKpiCounts,
  loadOrderRows,
  loadReferralRows,
  type ReportScope,
} from './queries';
import { type ReportTable, toCsv, toXlsx } from './table';

export * from './period';
export type { KpiCounts, ReportScope } from './queries';

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
  text: string;
  png: Buffer;
}

const pct = (part: number, whole: number) => (whole === 0 ? null : (part / whole) * 100);

/** The distribution KPIs as text and as a bar chart (PNG). */
export async function buildKpiReport(
  db: Db,
  scope: ReportScope,
  period: ReportPeriod,
  scopeLabel: string,
): Promise<KpiReport> {
  const [total, ...cities] = await loadKpiCounts(db, scope, period);
  const T = opsTexts.reports;
  const label = periodLabel(period);
  const png = kpiChartPng({
    title: T.chart.title(scopeLabel, label),
    subtitle: T.chart.subtitle(formatDuration(total!.medianAcceptSeconds), total!.offers, total!.assignments),
    emptyLabel: T.chart.empty,
    bars: [
      { label: T.chart.bars.accepted, percent: pct(total!.accepted, total!.offers), color: '#2e9d5b' },
      { label: T.chart.bars.declined, percent: pct(total!.declined, total!.offers), color: '#e0a030' },
      { label: T.chart.bars.expired, percent: pct(total!.expired, total!.offers), color: '#d64545' },
      { label: T.chart.bars.round1, percent: pct(total!.round1, total!.assignments), color: '#3b73c4' },
    ],
  });
  return { total: total!, cities, text: T.kpiText(scopeLabel, label, total!, cities), png };
}
