import { CATEGORIES, CATEGORY_LABELS } from '@fs/domain';
import { inlineKeyboard } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { cbButton } from '../../callbacks';
import type { AdminContext } from '../../context';
import { sendStoredFiles } from '../../files';
import { menuRow, pagerRow, pairs } from '../../keyboards/menu';
import { staffAction, staffPages, staffScreen } from '../../middlewares/guard';
import { cityPage } from '../../queries/cities';
import {
  cityName,
  listMasters,
  type MasterFilters,
  masterCity,
  masterDocuments,
  NO_FILTERS,
} from '../../queries/masters';
import type { StaffMember } from '../../queries/staff';
import { scopedOrRefuse, show } from '../../render';
import { inScope } from '../../scope';
import { texts } from '../../texts';
import { showMasterCard } from './card';
import { T } from './common';

/** 👷 Мастера: the list with filters (city, status, skill, shift, blocked), the card, documents. */
export const mastersList = new Composer<AdminContext>();

const STATUS_ORDER = ['all', 'pending', 'approved', 'rejected'] as const;
const SKILL_ORDER = ['all', ...CATEGORIES] as const;
const SHIFT_ORDER = ['all', 'on', 'off'] as const;
const BLOCK_ORDER = ['all', 'yes', 'no'] as const;
const next = <V>(order: readonly V[], v: V): V => order[(order.indexOf(v) + 1) % order.length]!;

const statusLabel = (v: MasterFilters['status']) => (v === 'all' ? T.filterAll : T.moderationLabel[v]);
const skillLabel = (v: MasterFilters['skill']) => (v === 'all' ? T.filterAll : CATEGORY_LABELS[v]);

mastersList.use(
  staffPages('mastersMenu', 'mastersList', 'masters', { page: 0 }, (ctx, { page }, staff) =>
    showList(ctx, staff, page),
  ),
);
mastersList.use(staffScreen('mastersFilters', 'masters', (ctx) => showFilters(ctx)));
mastersList.use(staffAction('mastersFilterStatus', 'masters', (ctx, { v }) => setFilter(ctx, { status: v })));
mastersList.use(staffAction('mastersFilterSkill', 'masters', (ctx, { v }) => setFilter(ctx, { skill: v })));
mastersList.use(staffAction('mastersFilterShift', 'masters', (ctx, { v }) => setFilter(ctx, { shift: v })));
mastersList.use(
  staffAction('mastersFilterBlocked', 'masters', (ctx, { v }) => setFilter(ctx, { blocked: v })),
);
mastersList.use(staffAction('mastersFilterReset', 'masters', (ctx) => setFilter(ctx, NO_FILTERS)));
mastersList.use(
  staffAction('mastersFilterCities', 'masters', async (ctx, { page }, staff) => {
    const cities = await cityPage(ctx.deps.db, staff, page);
    const rows: InlineKeyboardButton[][] = [
      [cbButton(T.buttons.allCities, 'mastersFilterCity', { cityId: 0 })],
      ...pairs(cities.cities.map((c) => cbButton(c.name, 'mastersFilterCity', { cityId: c.id }))),
    ];
    const pager = pagerRow(cities.page, cities.pages, 'mastersFilterCities', (p) => ({ page: p }));
    if (pager.length > 0) rows.push(pager);
    rows.push([cbButton(texts.buttons.back, 'mastersFilters', {})]);
    await ctx.answerCbQuery();
    await show(ctx, T.pickCity(cities.page, cities.pages), inlineKeyboard(rows));
  }),
);
mastersList.use(
  staffAction('mastersFilterCity', 'masters', async (ctx, { cityId }, staff) => {
    if (cityId !== 0 && !inScope(staff, cityId)) {
      await ctx.answerCbQuery(texts.notInScope, { show_alert: true });
      return;
    }
    await setFilter(ctx, { cityId: cityId === 0 ? null : cityId });
  }),
);
mastersList.use(
  staffAction('adminMasterOpen', 'masters', (ctx, { masterId }, staff) =>
    showMasterCard(ctx, staff, masterId),
  ),
);
mastersList.use(
  staffAction('masterDocs', 'masters', async (ctx, { masterId }, staff) => {
    if (!(await scopedOrRefuse(ctx, staff, await masterCity(ctx.deps.db, masterId)))) return;
    const docs = await masterDocuments(ctx.deps.db, masterId);
    if (docs.length === 0) {
      await ctx.answerCbQuery(T.noDocuments);
      return;
    }
    await ctx.answerCbQuery();
    const { sent, failed } = await sendStoredFiles(ctx, ctx.deps, docs, (i) =>
      T.documentCaption(masterId, docs[i]!.document_kind),
    );
    await ctx.reply(T.documentsSent(sent, failed), {
      reply_markup: inlineKeyboard([[cbButton(T.buttons.backToCard, 'adminMasterOpen', { masterId })]]),
    });
  }),
);

/** The filters from the session (over the defaults). */
function filtersOf(ctx: AdminContext): MasterFilters {
  const stored = ctx.session?.mastersFilters as Partial<MasterFilters> | undefined;
  return { ...NO_FILTERS, ...(stored ?? {}) };
}

async function setFilter(ctx: AdminContext, patch: Partial<MasterFilters>): Promise<void> {
  ctx.session = { ...(ctx.session ?? {}), mastersFilters: { ...filtersOf(ctx), ...patch } };
  await ctx.answerCbQuery();
  await showFilters(ctx);
}

async function filterCityName(ctx: AdminContext, f: MasterFilters): Promise<string> {
  return f.cityId === null ? T.filterAll : ((await cityName(ctx.deps.db, f.cityId)) ?? T.filterAll);
}

async function showList(ctx: AdminContext, staff: StaffMember, page: number): Promise<void> {
  const f = filtersOf(ctx);
  const list = await listMasters(ctx.deps.db, staff, f, page);
  const summary = T.filtersSummary({
    city: await filterCityName(ctx, f),
    status: statusLabel(f.status),
    skill: skillLabel(f.skill),
    shift: T.filterShift[f.shift],
    blocked: T.filterBlocked[f.blocked],
  });
  const body = list.rows.length > 0 ? list.rows.map(T.listRow).join('\n') : T.listEmpty;
  const rows: InlineKeyboardButton[][] = list.rows.map((r) => [
    cbButton(T.buttons.open(r.id, r.full_name || '—'), 'adminMasterOpen', { masterId: r.id }),
  ]);
  const pager = pagerRow(list.page, list.pages, 'mastersList', (p) => ({ page: p }));
  if (pager.length > 0) rows.push(pager);
  rows.push([cbButton(T.buttons.filters, 'mastersFilters', {})], menuRow());
  await show(
    ctx,
    `${T.listTitle(list.total, list.page, list.pages, summary)}\n\n${body}`,
    inlineKeyboard(rows),
  );
}

async function showFilters(ctx: AdminContext): Promise<void> {
  const f = filtersOf(ctx);
  const B = T.buttons;
  const keyboard = inlineKeyboard([
    [cbButton(B.filterCity(await filterCityName(ctx, f)), 'mastersFilterCities', { page: 0 })],
    [
      cbButton(B.filterStatus(statusLabel(f.status)), 'mastersFilterStatus', {
        v: next(STATUS_ORDER, f.status),
      }),
    ],
    [cbButton(B.filterSkill(skillLabel(f.skill)), 'mastersFilterSkill', { v: next(SKILL_ORDER, f.skill) })],
    [
      cbButton(B.filterShift(T.filterShift[f.shift]), 'mastersFilterShift', {
        v: next(SHIFT_ORDER, f.shift),
      }),
    ],
    [
      cbButton(B.filterBlocked(T.filterBlocked[f.blocked]), 'mastersFilterBlocked', {
        v: next(BLOCK_ORDER, f.blocked),
      }),
    ],
    [cbButton(B.resetFilters, 'mastersFilterReset', {}), cbButton(B.showList, 'mastersList', { page: 0 })],
    menuRow(),
  ]);
  await show(ctx, T.filtersTitle, keyboard);
}
