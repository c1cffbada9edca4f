import { CATEGORIES, CATEGORY_LABELS } from '@fs/domain';
import { inlineKeyboard } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { cbButton } from '../callbacks';
import type { AdminBotDeps, AdminContext } from '../context';
import { sendStoredFiles } from '../files';
import {
  cityName,
  listMasters,
  type MasterFilters,
  masterCity,
  masterDocuments,
  NO_FILTERS,
} from '../master-queries';
import { inScope } from '../scope';
import type { StaffMember } from '../staff';
import { texts } from '../texts';
import { financeFeature } from './finance';
import { showMasterCard } from './masters-card';
import { pagerRow, T } from './masters-common';
import { masterEditFeature } from './masters-edit';
import { menuRow, staffAction } from './menu';
import { moderationFeature } from './moderation';
import { cityPage, show } from './ops-common';
import { staffAdminFeature } from './staff-admin';

/** Masters, moderation, finance and staff/access management. */
export function mastersFeature(bot: Telegraf<AdminContext>, deps: AdminBotDeps): void {
  mastersListFeature(bot, deps);
  masterEditFeature(bot, deps);
  moderationFeature(bot, deps);
  financeFeature(bot, deps);
  staffAdminFeature(bot, deps);
}

const FILTERS_KEY = 'mastersFilters';

function filtersOf(ctx: AdminContext): MasterFilters {
  const stored = ctx.session?.[FILTERS_KEY] as Partial<MasterFilters> | undefined;
  return { ...NO_FILTERS, ...(stored ?? {}) };
}

function saveFilters(ctx: AdminContext, f: MasterFilters): void {
  ctx.session = { ...(ctx.session ?? {}), [FILTERS_KEY]: f };
}

const STATUS_ORDER = ['all', 'pending', 'approved', 'rejected'] as const;
const SKILL_ORDER = ['all', ...CATEGORIES] as const;
const SHIFT_ORDER = ['all', 'on', 'off'] as const;
const BLOCK_ORDER = ['all', 'yes', 'no'] as const;
const next = <V>(order: readonly V[], v: V): V => order[(order.indexOf(v) + 1) % order.length]!;

const statusLabel = (v: MasterFilters['status']) => (v === 'all' ? T.filterAll : T.moderationLabel[v]);
const skillLabel = (v: MasterFilters['skill']) => (v === 'all' ? T.filterAll : CATEGORY_LABELS[v]);

async function filterCityName(deps: AdminBotDeps, f: MasterFilters): Promise<string> {
  return f.cityId === null ? T.filterAll : ((await cityName(deps.db, f.cityId)) ?? T.filterAll);
}

async function showList(ctx: AdminContext, deps: AdminBotDeps, staff: StaffMember, page: number) {
  const f = filtersOf(ctx);
  const list = await listMasters(deps.db, staff, f, page);
  const summary = T.filtersSummary({
    city: await filterCityName(deps, f),
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

async function showFilters(ctx: AdminContext, deps: AdminBotDeps) {
  const f = filtersOf(ctx);
  const B = T.buttons;
  const keyboard = inlineKeyboard([
    [cbButton(B.filterCity(await filterCityName(deps, f)), 'mastersFilterCities', { page: 0 })],
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

function mastersListFeature(bot: Telegraf<AdminContext>, deps: AdminBotDeps): void {
  bot.use(
    staffAction('mastersMenu', 'masters', async (ctx, _args, staff) => {
      await ctx.answerCbQuery();
      await showList(ctx, deps, staff, 0);
    }),
  );
  bot.use(
    staffAction('mastersList', 'masters', async (ctx, { page }, staff) => {
      await ctx.answerCbQuery();
      await showList(ctx, deps, staff, page);
    }),
  );
  bot.use(
    staffAction('mastersFilters', 'masters', async (ctx) => {
      await ctx.answerCbQuery();
      await showFilters(ctx, deps);
    }),
  );
  const setFilter =
    <K extends keyof MasterFilters>(key: K) =>
    async (ctx: AdminContext, value: MasterFilters[K]) => {
      saveFilters(ctx, { ...filtersOf(ctx), [key]: value });
      await ctx.answerCbQuery();
      await showFilters(ctx, deps);
    };
  bot.use(staffAction('mastersFilterStatus', 'masters', (ctx, { v }) => setFilter('status')(ctx, v)));
  bot.use(staffAction('mastersFilterSkill', 'masters', (ctx, { v }) => setFilter('skill')(ctx, v)));
  bot.use(staffAction('mastersFilterShift', 'masters', (ctx, { v }) => setFilter('shift')(ctx, v)));
  bot.use(staffAction('mastersFilterBlocked', 'masters', (ctx, { v }) => setFilter('blocked')(ctx, v)));
  bot.use(
    staffAction('mastersFilterReset', 'masters', async (ctx) => {
      saveFilters(ctx, NO_FILTERS);
      await ctx.answerCbQuery();
      await showFilters(ctx, deps);
    }),
  );
  bot.use(
    staffAction('mastersFilterCities', 'masters', async (ctx, { page }, staff) => {
      const cities = await cityPage(deps.db, staff, page);
      const rows: InlineKeyboardButton[][] = [
        [cbButton(T.buttons.allCities, 'mastersFilterCity', { cityId: 0 })],
      ];
      for (let i = 0; i < cities.cities.length; i += 2) {
        rows.push(
          cities.cities.slice(i, i + 2).map((c) => cbButton(c.name, 'mastersFilterCity', { cityId: c.id })),
        );
      }
      const pager = pagerRow(cities.page, cities.pages, 'mastersFilterCities', (p) => ({ page: p }));
      if (pager.length > 0) rows.push(pager);
      rows.push([cbButton(texts.buttons.back, 'mastersFilters', {})]);
      await ctx.answerCbQuery();
      await show(ctx, T.pickCity(cities.page, cities.pages), inlineKeyboard(rows));
    }),
  );
  bot.use(
    staffAction('mastersFilterCity', 'masters', async (ctx, { cityId }, staff) => {
      if (cityId !== 0 && !inScope(staff, cityId)) {
        await ctx.answerCbQuery(texts.notInScope, { show_alert: true });
        return;
      }
      await setFilter('cityId')(ctx, cityId === 0 ? null : cityId);
    }),
  );
  bot.use(
    staffAction('adminMasterOpen', 'masters', (ctx, { masterId }, staff) =>
      showMasterCard(ctx, deps, staff, masterId),
    ),
  );
  bot.use(
    staffAction('masterDocs', 'masters', async (ctx, { masterId }, staff) => {
      const m = await masterCity(deps.db, masterId);
      if (!m || !inScope(staff, m.city_id)) {
        await ctx.answerCbQuery(m ? texts.notInScope : texts.notFound, { show_alert: true });
        return;
      }
      const docs = await masterDocuments(deps.db, masterId);
      if (docs.length === 0) {
        await ctx.answerCbQuery(T.noDocuments);
        return;
      }
      await ctx.answerCbQuery();
      const { sent, failed } = await sendStoredFiles(ctx, deps, docs, (i) =>
        T.documentCaption(masterId, docs[i]!.document_kind),
      );
      await ctx.reply(T.documentsSent(sent, failed), {
        reply_markup: inlineKeyboard([[cbButton(T.buttons.backToCard, 'adminMasterOpen', { masterId })]]),
      });
    }),
  );
}
