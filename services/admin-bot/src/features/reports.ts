import { defineWizard, inlineKeyboard } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { z } from 'zod';
import { type CallbackArgs, cbButton } from '../callbacks';
import { REPORT_KINDS } from '../callbacks/ops';
import type { AdminContext } from '../context';
import { menuRow, pairs } from '../keyboards/menu';
import { staffAction, wizardInput } from '../middlewares/guard';
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
import { can, hasCities, inScope, isGlobal, singleCity } from '../scope';
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

/** The capability a report needs: exports 'reports', the KPIs 'kpi' (logists too). */
const capabilityOf = (kind: Kind) => (kind === 'kpi' ? 'kpi' : 'reports');
const mayRun = (staff: StaffMember, kind: Kind) => can(staff, capabilityOf(kind));

function menuKeyboard(staff: StaffMember) {
  const b = (k: Kind) => cbButton(T.kinds[k], 'reportKind', { kind: k });
  if (!can(staff, 'reports')) return inlineKeyboard([[b('kpi')], menuRow()]);
  return inlineKeyboard([[b('orders'), b('comm')], [b('refs'), b('kpi')], menuRow()]);
}

/**
 * A report button of a kind the role may not run (a forged one: the menu does not show it) is
 * refused before anything else.
 */
function reportAction<N extends 'reportKind' | 'reportCities' | 'reportCity' | 'reportPeriod'>(
  name: N,
  handler: (ctx: AdminContext, args: CallbackArgs<N>, staff: StaffMember) => Promise<unknown>,
) {
  return staffAction(name, 'kpi', async (ctx, args, staff) => {
    if (!mayRun(staff, (args as { kind: Kind }).kind)) {
      await ctx.answerCbQuery(texts.noRight, { show_alert: true });
      return;
    }
    await handler(ctx, args, staff);
  });
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

/** The reports menu under `title`, leaving a custom range being typed. */
const toMenu = (title: string) => async (ctx: AdminContext, _args: object, staff: StaffMember) => {
  await ctx.answerCbQuery();
  if (ctx.wizard.kind === rangeWizard.kind) ctx.wizard.clear();
  await show(ctx, title, menuKeyboard(staff));
};

reports.use(staffAction('reportsMenu', 'kpi', toMenu(T.menuTitle)));

reports.use(
  reportAction('reportKind', async (ctx, { kind }, staff) => {
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
  reportAction('reportCities', async (ctx, { kind, page }, staff) => {
    await ctx.answerCbQuery();
    await showCities(ctx, staff, kind, page);
  }),
);

reports.use(
  reportAction('reportCity', async (ctx, { kind, cityId }, staff) => {
    if (cityId !== 0 && !inScope(staff, cityId)) {
      await ctx.answerCbQuery(texts.notInScope, { show_alert: true });
      return;
    }
    await ctx.answerCbQuery();
    await showPeriods(ctx, staff, kind, cityId);
  }),
);

reports.use(
  reportAction('reportPeriod', async (ctx, { kind, cityId, period }, staff) => {
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

reports.use(staffAction('reportCancel', 'kpi', toMenu(T.canceled)));

// The typed range of a custom period.
reports.use(
  wizardInput(
    rangeWizard,
    (staff, { report }) => mayRun(staff, report),
    async (ctx, { report, cityId }, text, staff) => {
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
    },
  ),
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
