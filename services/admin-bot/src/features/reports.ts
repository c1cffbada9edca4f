import { defineWizard, inlineKeyboard } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { z } from 'zod';
import { type CallbackArgs, cbButton } from '../callbacks';
import { REPORT_KINDS } from '../callbacks/ops';
import type { AdminContext } from '../context';
import { menuRow, pairs } from '../keyboards/menu';
import { capable, staffAction, wizardInput } from '../middlewares/guard';
import { cityPage, loadCity, staffTimezone } from '../queries/cities';
import type { StaffMember } from '../queries/staff';
import { show } from '../render';
import {
  buildExport,
  buildKpiReport,
  type ExportKind,
  type PeriodPreset,
  parsePeriodInput,
  periodLabel,
  presetPeriod,
  type ReportPeriod,
  type ReportScope,
} from '../reports';
import { hasCities, inScope, isGlobal, singleCity } from '../scope';
import { texts } from '../texts';

type Kind = CallbackArgs<'reportKind'>['kind'];
type Period = CallbackArgs<'reportPeriod'>['period'];

const T = texts.ops.reports;
/** 📅 Свой период: the typed date range of a report. */
const rangeWizard = defineWizard(
  'reportRange',
  z.object({ report: z.enum(REPORT_KINDS), cityId: z.number().int().min(0) }),
);

/** What a report covers: its cities, the zone its days are counted in, and a label. */
interface Target {
  scope: ReportScope;
  tz: string;
  label: string;
}

/**
 * The report's target for a city choice (0 = every city of the staff member), or a refusal
 * text when the city is not theirs or they have none.
 */
async function resolveTarget(
  ctx: AdminContext,
  staff: StaffMember,
  cityId: number,
): Promise<Target | { refusal: string }> {
  if (cityId !== 0) {
    if (!inScope(staff, cityId)) return { refusal: texts.notInScope };
    const city = await loadCity(ctx.deps.db, cityId);
    if (!city) return { refusal: texts.notFound };
    return { scope: { all: false, cityIds: [cityId] }, tz: city.timezone, label: city.name };
  }
  const tz = await staffTimezone(ctx.deps.db, staff);
  if (isGlobal(staff)) return { scope: { all: true }, tz, label: T.allCitiesLabel };
  if (!hasCities(staff)) return { refusal: T.noCities };
  return { scope: { all: false, cityIds: staff.cityIds }, tz, label: staff.cities.join(', ') };
}

function menuKeyboard() {
  const b = (k: Kind) => cbButton(T.kinds[k], 'reportKind', { kind: k });
  return inlineKeyboard([[b('orders'), b('comm')], [b('refs'), b('kpi')], menuRow()]);
}

function periodKeyboard(kind: Kind, cityId: number, back: InlineKeyboardButton) {
  const b = (period: Period) => cbButton(T.periods[period], 'reportPeriod', { kind, cityId, period });
  return inlineKeyboard([
    [b('today'), b('yesterday')],
    [b('last7'), b('month')],
    [b('prevmonth'), b('custom')],
    [back],
    menuRow(),
  ]);
}

/** 📊 Отчёты: orders, commissions and referrals as CSV and XLSX, and the distribution KPIs. */
export const reports = new Composer<AdminContext>();

reports.use(
  staffAction('reportsMenu', 'reports', async (ctx) => {
    await ctx.answerCbQuery();
    if (ctx.wizard.kind === rangeWizard.kind) ctx.wizard.clear();
    await show(ctx, T.menuTitle, menuKeyboard());
  }),
);

reports.use(
  staffAction('reportKind', 'reports', async (ctx, { kind }, staff) => {
    await ctx.answerCbQuery();
    if (!hasCities(staff)) {
      await show(ctx, T.noCities, inlineKeyboard([menuRow()]));
      return;
    }
    const only = singleCity(staff);
    if (only !== null) await showPeriods(ctx, staff, kind, only);
    else await showCities(ctx, staff, kind, 0);
  }),
);

reports.use(
  staffAction('reportCities', 'reports', async (ctx, { kind, page }, staff) => {
    await ctx.answerCbQuery();
    await showCities(ctx, staff, kind, page);
  }),
);

reports.use(
  staffAction('reportCity', 'reports', async (ctx, { kind, cityId }, staff) => {
    if (cityId !== 0 && !inScope(staff, cityId)) {
      await ctx.answerCbQuery(texts.notInScope, { show_alert: true });
      return;
    }
    await ctx.answerCbQuery();
    await showPeriods(ctx, staff, kind, cityId);
  }),
);

reports.use(
  staffAction('reportPeriod', 'reports', async (ctx, { kind, cityId, period }, staff) => {
    const target = await resolveTarget(ctx, staff, cityId);
    if ('refusal' in target) {
      await ctx.answerCbQuery(target.refusal, { show_alert: true });
      return;
    }
    await ctx.answerCbQuery();
    if (period === 'custom') {
      ctx.wizard.set(rangeWizard, { report: kind, cityId });
      await ctx.reply(T.askRange, {
        parse_mode: 'HTML',
        reply_markup: inlineKeyboard([[cbButton(texts.buttons.cancel, 'reportCancel', {})]]),
      });
      return;
    }
    await generate(ctx, staff, kind, target, presetPeriod(period as PeriodPreset, ctx.deps.now(), target.tz));
  }),
);

reports.use(
  staffAction('reportCancel', 'reports', async (ctx) => {
    await ctx.answerCbQuery();
    if (ctx.wizard.kind === rangeWizard.kind) ctx.wizard.clear();
    await show(ctx, T.canceled, menuKeyboard());
  }),
);

// The typed range of a custom period.
reports.use(
  wizardInput(rangeWizard, capable('reports'), async (ctx, { report, cityId }, text, staff) => {
    if (text === undefined) return void (await ctx.reply(T.rangeNotText));
    const target = await resolveTarget(ctx, staff, cityId);
    if ('refusal' in target) {
      ctx.wizard.clear();
      await ctx.reply(target.refusal);
      return;
    }
    const parsed = parsePeriodInput(text.slice(0, 100), target.tz);
    if (!parsed.ok) return void (await ctx.reply(T.rangeErrors[parsed.error]));
    ctx.wizard.clear();
    await generate(ctx, staff, report, target, parsed.period);
  }),
);

async function showCities(ctx: AdminContext, staff: StaffMember, kind: Kind, page: number) {
  const { cities, page: p, pages } = await cityPage(ctx.deps.db, staff, page);
  const all = isGlobal(staff) ? T.allCities : T.allMyCities;
  const rows: InlineKeyboardButton[][] = [
    [cbButton(all, 'reportCity', { kind, cityId: 0 })],
    ...pairs(cities.map((c) => cbButton(c.name, 'reportCity', { kind, cityId: c.id }))),
  ];
  const nav: InlineKeyboardButton[] = [];
  if (p > 0) nav.push(cbButton(texts.buttons.prev, 'reportCities', { kind, page: p - 1 }));
  if (p < pages - 1) nav.push(cbButton(texts.buttons.next, 'reportCities', { kind, page: p + 1 }));
  if (nav.length > 0) rows.push(nav);
  rows.push([cbButton(texts.buttons.back, 'reportsMenu', {})], menuRow());
  await show(ctx, T.chooseCity(kind, p, pages), inlineKeyboard(rows));
}

async function showPeriods(ctx: AdminContext, staff: StaffMember, kind: Kind, cityId: number) {
  const target = await resolveTarget(ctx, staff, cityId);
  if ('refusal' in target) {
    await show(ctx, target.refusal, inlineKeyboard([menuRow()]));
    return;
  }
  const back =
    singleCity(staff) === null
      ? cbButton(texts.buttons.back, 'reportKind', { kind })
      : cbButton(texts.buttons.back, 'reportsMenu', {});
  await show(ctx, T.choosePeriod(kind, target.label), periodKeyboard(kind, cityId, back));
}

async function generate(
  ctx: AdminContext,
  staff: StaffMember,
  kind: Kind,
  target: Target,
  period: ReportPeriod,
) {
  const { db, logger } = ctx.deps;
  const label = periodLabel(period);
  await ctx.reply(T.generating, { parse_mode: 'HTML' });
  const started = Date.now();
  const doneKeyboard = inlineKeyboard([[cbButton(T.toReports, 'reportsMenu', {})], menuRow()]);
  if (kind === 'kpi') {
    const report = await buildKpiReport(db, target.scope, period, target.label);
    await ctx.reply(report.text, { parse_mode: 'HTML' });
    await ctx.replyWithPhoto(
      { source: report.png, filename: `kpi_${period.firstDay}_${period.lastDay}.png` },
      { caption: T.kpiCaption(target.label, label), reply_markup: doneKeyboard },
    );
  } else {
    const files = await buildExport(db, kind as ExportKind, target.scope, period);
    await ctx.replyWithDocument(
      { source: files.csv, filename: `${files.baseName}.csv` },
      { caption: T.caption(kind, label, 'CSV') },
    );
    await ctx.replyWithDocument(
      { source: files.xlsx, filename: `${files.baseName}.xlsx` },
      { caption: T.caption(kind, label, 'XLSX') },
    );
    await ctx.reply(T.done(kind, label, target.label, files.table.rows.length), {
      parse_mode: 'HTML',
      reply_markup: doneKeyboard,
    });
  }
  logger.info(
    { staff_id: staff.id, report: kind, from: period.from, to: period.to, ms: Date.now() - started },
    'report sent',
  );
}
