import { CATEGORIES, CATEGORY_LABELS, localDateOf, normalizeRuPhone, ORDER_STATUSES } from '@fs/domain';
import { inlineKeyboard } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { cbButton } from '../callbacks';
import type { AdminBotDeps, AdminContext } from '../context';
import {
  countSections,
  findMastersForFilter,
  listOrders,
  masterName,
  type OrderFilters,
  type OrderSection,
  ordersByPhone,
} from '../order-queries';
import { can } from '../scope';
import type { StaffMember } from '../staff';
import { texts } from '../texts';
import { menuRow, staffAction } from './menu';
import { cityPage, loadCity, show, staffTimezone } from './ops-common';
import { handleOrderActionInput, orderActionsFeature } from './orders-actions';
import { orderCardFeature, showCard } from './orders-card';
import {
  filtersOf,
  messageText,
  ORDERS_WIZARD,
  type OrdersStep,
  pager,
  saveFilters,
  saveView,
  T,
} from './orders-common';
import { clearWizard, currentWizard, setWizard } from './wizard-session';

/** Order queue, filters, search, the order card and its actions; the alerts' open-order button. */
export function ordersFeature(bot: Telegraf<AdminContext>, deps: AdminBotDeps): void {
  ordersListFeature(bot, deps);
  orderCardFeature(bot, deps);
  orderActionsFeature(bot, deps);
  ordersInputFeature(bot, deps);
}

async function warrantyDays(deps: AdminBotDeps): Promise<number> {
  return (await deps.dispatch.settings.get()).warranty_days;
}

async function filterSummary(deps: AdminBotDeps, staff: StaffMember, f: OrderFilters) {
  return {
    city: f.cityId === null ? null : ((await loadCity(deps.db, f.cityId))?.name ?? null),
    status: f.status,
    category: f.category,
    date: f.date,
    master: f.masterId === null ? null : ((await masterName(deps.db, staff, f.masterId)) ?? `#${f.masterId}`),
  };
}

async function showOrdersMenu(ctx: AdminContext, deps: AdminBotDeps, staff: StaffMember): Promise<void> {
  const f = filtersOf(ctx);
  const counts = await countSections(deps.db, staff, f, await warrantyDays(deps));
  const B = T.buttons;
  const keyboard = inlineKeyboard([
    [cbButton(B.queue(counts.queue), 'ordersList', { section: 'queue', page: 0 })],
    [
      cbButton(B.warranty(counts.warranty), 'ordersList', { section: 'warranty', page: 0 }),
      cbButton(B.closed(counts.closed), 'ordersList', { section: 'closed', page: 0 }),
    ],
    [cbButton(B.search, 'ordersSearch', {}), cbButton(B.filters, 'ordersFilters', {})],
    menuRow(),
  ]);
  await show(ctx, T.menu(await filterSummary(deps, staff, f)), keyboard);
}

async function showList(
  ctx: AdminContext,
  deps: AdminBotDeps,
  staff: StaffMember,
  section: OrderSection,
  page: number,
): Promise<void> {
  const f = filtersOf(ctx);
  const list = await listOrders(deps.db, staff, section, f, page, await warrantyDays(deps));
  saveView(ctx, section, list.page);
  const rows: InlineKeyboardButton[][] = [];
  const open = list.rows.map((r) => cbButton(T.buttons.openOrder(r.id), 'ordersCard', { orderId: r.id }));
  for (let i = 0; i < open.length; i += 5) rows.push(open.slice(i, i + 5));
  const nav = pager(list.page, list.pages, 'ordersList', (p) => ({ section, page: p }));
  if (nav.length > 0) rows.push(nav);
  rows.push([
    cbButton(T.buttons.filters, 'ordersFilters', {}),
    cbButton(T.buttons.toOrders, 'ordersMenu', {}),
  ]);
  rows.push(menuRow());
  const text = T.list(section, list.rows, list, await filterSummary(deps, staff, f), new Date());
  await show(ctx, text, inlineKeyboard(rows));
}

async function showFilters(ctx: AdminContext, deps: AdminBotDeps, staff: StaffMember): Promise<void> {
  const f = filtersOf(ctx);
  const s = await filterSummary(deps, staff, f);
  const B = T.buttons;
  const rows: InlineKeyboardButton[][] = [
    [cbButton(B.filterCity(s.city), 'ordersFilterCities', { page: 0 })],
    [cbButton(B.filterStatus(s.status), 'ordersFilterStatuses', {})],
    [cbButton(B.filterCategory(s.category), 'ordersFilterCategories', {})],
    [cbButton(B.filterDate(s.date), 'ordersFilterDate', {})],
    [cbButton(B.filterMaster(s.master), 'ordersFilterMaster', {})],
  ];
  const clear: InlineKeyboardButton[] = [];
  if (f.date) clear.push(cbButton(B.clearDate, 'ordersFilterDateClear', {}));
  if (f.masterId) clear.push(cbButton(B.clearMaster, 'ordersFilterMasterClear', {}));
  if (clear.length > 0) rows.push(clear);
  rows.push([
    cbButton(B.resetFilters, 'ordersFilterReset', {}),
    cbButton(B.showQueue, 'ordersList', { section: 'queue', page: 0 }),
  ]);
  rows.push([cbButton(B.toOrders, 'ordersMenu', {})], menuRow());
  await show(ctx, T.filtersTitle(s), inlineKeyboard(rows));
}

function ask(ctx: AdminContext, step: OrdersStep, data: Record<string, unknown> = {}): void {
  setWizard(ctx, { kind: ORDERS_WIZARD, step, data });
}

function ordersListFeature(bot: Telegraf<AdminContext>, deps: AdminBotDeps): void {
  const on = bot.use.bind(bot);
  on(
    staffAction('ordersMenu', 'orders', async (ctx, _args, staff) => {
      await ctx.answerCbQuery();
      clearWizard(ctx);
      await showOrdersMenu(ctx, deps, staff);
    }),
  );
  on(
    staffAction('ordersList', 'orders', async (ctx, { section, page }, staff) => {
      await ctx.answerCbQuery();
      clearWizard(ctx);
      await showList(ctx, deps, staff, section, page);
    }),
  );
  on(
    staffAction('ordersSearch', 'orders', async (ctx) => {
      await ctx.answerCbQuery();
      ask(ctx, 'search');
      await show(ctx, T.searchPrompt, inlineKeyboard([[cbButton(T.buttons.toOrders, 'ordersMenu', {})]]));
    }),
  );
  on(
    staffAction('ordersFilters', 'orders', async (ctx, _args, staff) => {
      await ctx.answerCbQuery();
      clearWizard(ctx);
      await showFilters(ctx, deps, staff);
    }),
  );
  on(
    staffAction('ordersFilterCities', 'orders', async (ctx, { page }, staff) => {
      await ctx.answerCbQuery();
      const current = filtersOf(ctx).cityId;
      const p = await cityPage(deps.db, staff, page);
      const rows: InlineKeyboardButton[][] = [
        [
          cbButton(current === null ? T.buttons.selected(T.buttons.any) : T.buttons.any, 'ordersFilterCity', {
            cityId: 0,
          }),
        ],
      ];
      for (let i = 0; i < p.cities.length; i += 2) {
        rows.push(
          p.cities.slice(i, i + 2).map((c) =>
            cbButton(c.id === current ? T.buttons.selected(c.name) : c.name, 'ordersFilterCity', {
              cityId: c.id,
            }),
          ),
        );
      }
      const nav = pager(p.page, p.pages, 'ordersFilterCities', (n) => ({ page: n }));
      if (nav.length > 0) rows.push(nav);
      rows.push([cbButton(T.buttons.back, 'ordersFilters', {})]);
      await show(ctx, T.filterCitiesTitle, inlineKeyboard(rows));
    }),
  );
  on(
    staffAction('ordersFilterCity', 'orders', async (ctx, { cityId }, staff) => {
      if (cityId !== 0 && !(staff.role === 'global_admin' || staff.cityIds.includes(cityId))) {
        await ctx.answerCbQuery(texts.notInScope, { show_alert: true });
        return;
      }
      if (cityId !== 0 && !(await loadCity(deps.db, cityId))) {
        await ctx.answerCbQuery(texts.notFound, { show_alert: true });
        return;
      }
      saveFilters(ctx, { cityId: cityId === 0 ? null : cityId });
      await ctx.answerCbQuery(T.filterSaved);
      await showFilters(ctx, deps, staff);
    }),
  );
  on(
    staffAction('ordersFilterStatuses', 'orders', async (ctx) => {
      await ctx.answerCbQuery();
      const current = filtersOf(ctx).status;
      const options = [
        cbButton(current === null ? T.buttons.selected(T.buttons.any) : T.buttons.any, 'ordersFilterStatus', {
          status: 'all',
        }),
        ...ORDER_STATUSES.filter((s) => s !== 'created').map((s) =>
          cbButton(
            s === current ? T.buttons.selected(T.statusLabel[s]) : T.statusLabel[s],
            'ordersFilterStatus',
            {
              status: s,
            },
          ),
        ),
      ];
      const rows: InlineKeyboardButton[][] = [];
      for (let i = 0; i < options.length; i += 2) rows.push(options.slice(i, i + 2));
      rows.push([cbButton(T.buttons.back, 'ordersFilters', {})]);
      await show(ctx, T.filterStatusesTitle, inlineKeyboard(rows));
    }),
  );
  on(
    staffAction('ordersFilterStatus', 'orders', async (ctx, { status }, staff) => {
      saveFilters(ctx, { status: status === 'all' ? null : status });
      await ctx.answerCbQuery(T.filterSaved);
      await showFilters(ctx, deps, staff);
    }),
  );
  on(
    staffAction('ordersFilterCategories', 'orders', async (ctx) => {
      await ctx.answerCbQuery();
      const current = filtersOf(ctx).category;
      const options = [
        cbButton(
          current === null ? T.buttons.selected(T.buttons.any) : T.buttons.any,
          'ordersFilterCategory',
          {
            category: 'all',
          },
        ),
        ...CATEGORIES.map((c) =>
          cbButton(
            c === current ? T.buttons.selected(CATEGORY_LABELS[c]) : CATEGORY_LABELS[c],
            'ordersFilterCategory',
            { category: c },
          ),
        ),
      ];
      const rows: InlineKeyboardButton[][] = [];
      for (let i = 0; i < options.length; i += 2) rows.push(options.slice(i, i + 2));
      rows.push([cbButton(T.buttons.back, 'ordersFilters', {})]);
      await show(ctx, T.filterCategoriesTitle, inlineKeyboard(rows));
    }),
  );
  on(
    staffAction('ordersFilterCategory', 'orders', async (ctx, { category }, staff) => {
      saveFilters(ctx, { category: category === 'all' ? null : category });
      await ctx.answerCbQuery(T.filterSaved);
      await showFilters(ctx, deps, staff);
    }),
  );
  on(
    staffAction('ordersFilterDate', 'orders', async (ctx) => {
      await ctx.answerCbQuery();
      ask(ctx, 'filterDate');
      await show(ctx, T.filterDatePrompt, inlineKeyboard([[cbButton(T.buttons.back, 'ordersFilters', {})]]));
    }),
  );
  on(
    staffAction('ordersFilterDateClear', 'orders', async (ctx, _args, staff) => {
      saveFilters(ctx, { date: null });
      await ctx.answerCbQuery(T.filterSaved);
      await showFilters(ctx, deps, staff);
    }),
  );
  on(
    staffAction('ordersFilterMaster', 'orders', async (ctx) => {
      await ctx.answerCbQuery();
      ask(ctx, 'filterMaster');
      await show(
        ctx,
        T.filterMasterPrompt,
        inlineKeyboard([[cbButton(T.buttons.back, 'ordersFilters', {})]]),
      );
    }),
  );
  on(
    staffAction('ordersFilterMasterSet', 'orders', async (ctx, { masterId }, staff) => {
      // masterName is scoped: a master of another city (forged id) is refused.
      if ((await masterName(deps.db, staff, masterId)) === undefined) {
        await ctx.answerCbQuery(texts.notInScope, { show_alert: true });
        return;
      }
      clearWizard(ctx);
      saveFilters(ctx, { masterId });
      await ctx.answerCbQuery(T.filterSaved);
      await showFilters(ctx, deps, staff);
    }),
  );
  on(
    staffAction('ordersFilterMasterClear', 'orders', async (ctx, _args, staff) => {
      saveFilters(ctx, { masterId: null });
      await ctx.answerCbQuery(T.filterSaved);
      await showFilters(ctx, deps, staff);
    }),
  );
  on(
    staffAction('ordersFilterReset', 'orders', async (ctx, _args, staff) => {
      saveFilters(ctx, 'reset');
      await ctx.answerCbQuery(T.filtersReset);
      await showFilters(ctx, deps, staff);
    }),
  );
}

/** Typed input: search, the date and master filters, and the card actions' wizards. */
function ordersInputFeature(bot: Telegraf<AdminContext>, deps: AdminBotDeps): void {
  bot.on('message', async (ctx, next) => {
    if (ctx.session?.wizard?.kind !== ORDERS_WIZARD) return next();
    const text = messageText(ctx);
    if (text?.startsWith('/')) return next();
    const w = currentWizard(ctx, ORDERS_WIZARD);
    if (w === 'expired') {
      await ctx.reply(texts.sessionExpired);
      return;
    }
    const staff = ctx.staff;
    if (!w || !staff) return next();
    if (!can(staff, 'orders')) {
      clearWizard(ctx);
      await ctx.reply(texts.noRight);
      return;
    }
    const step = w.step as OrdersStep;
    if (step === 'search') await searchInput(ctx, deps, staff, text);
    else if (step === 'filterDate') await filterDateInput(ctx, deps, staff, text);
    else if (step === 'filterMaster') await filterMasterInput(ctx, deps, staff, text);
    else await handleOrderActionInput(ctx, deps, staff, w, text);
  });
}

async function searchInput(
  ctx: AdminContext,
  deps: AdminBotDeps,
  staff: StaffMember,
  text: string | undefined,
) {
  const q = text?.trim() ?? '';
  const idMatch = /^#?\s*(\d{1,9})$/.exec(q);
  if (idMatch) {
    // Keep the prompt open on a miss, so another number can be typed.
    if (await showCard(ctx, deps, staff, Number(idMatch[1]), 'reply')) clearWizard(ctx);
    return;
  }
  const digits = q.replace(/[\s()+-]/g, '');
  if (!/^\d{10,11}$/.test(digits)) {
    await ctx.reply(T.searchBadInput, { parse_mode: 'HTML' });
    return;
  }
  const rows = await ordersByPhone(deps.db, staff, digits);
  if (rows.length === 0) {
    await ctx.reply(T.searchNotFound(q));
    return;
  }
  clearWizard(ctx);
  const buttons = rows.map((r) => cbButton(T.buttons.openOrder(r.id), 'adminOrderOpen', { orderId: r.id }));
  const keyboard: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += 5) keyboard.push(buttons.slice(i, i + 5));
  keyboard.push([
    cbButton(T.buttons.search, 'ordersSearch', {}),
    cbButton(T.buttons.toOrders, 'ordersMenu', {}),
  ]);
  await ctx.reply(T.searchResults(normalizeRuPhone(digits) ?? digits, rows, new Date()), {
    parse_mode: 'HTML',
    reply_markup: inlineKeyboard(keyboard),
  });
}

async function filterDateInput(
  ctx: AdminContext,
  deps: AdminBotDeps,
  staff: StaffMember,
  text: string | undefined,
) {
  const date = parseFilterDate(
    text?.trim() ?? '',
    localDateOf(new Date(), await staffTimezone(deps.db, staff)),
  );
  if (!date) {
    await ctx.reply(T.filterDateBad, { parse_mode: 'HTML' });
    return;
  }
  clearWizard(ctx);
  saveFilters(ctx, { date });
  await showFilters(ctx, deps, staff);
}

async function filterMasterInput(
  ctx: AdminContext,
  deps: AdminBotDeps,
  staff: StaffMember,
  text: string | undefined,
) {
  const q = text?.trim() ?? '';
  if (q.length < 2 && !/^\d+$/.test(q)) {
    await ctx.reply(T.filterMasterBad);
    return;
  }
  const found = await findMastersForFilter(deps.db, staff, q.slice(0, 64));
  if (found.length === 0) {
    await ctx.reply(T.filterMasterNotFound);
    return;
  }
  const rows = found.map((m) => [
    cbButton(
      `${m.full_name || '—'} (#${m.id})${m.city_name ? `, ${m.city_name}` : ''}`,
      'ordersFilterMasterSet',
      {
        masterId: m.id,
      },
    ),
  ]);
  rows.push([cbButton(T.buttons.back, 'ordersFilters', {})]);
  await ctx.reply(T.filterMasterPick, { reply_markup: inlineKeyboard(rows) });
}

/** ДД.ММ (this year, in the staff member's zone) or ДД.ММ.ГГГГ, a real calendar date; else null. */
export function parseFilterDate(input: string, today: string): string | null {
  const m = /^(\d{1,2})[./](\d{1,2})(?:[./](\d{4}))?$/.exec(input);
  if (!m) return null;
  const [day, month] = [Number(m[1]), Number(m[2])];
  const year = m[3] ? Number(m[3]) : Number(today.slice(0, 4));
  const d = new Date(Date.UTC(year, month - 1, day));
  const real = d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
  return real ? d.toISOString().slice(0, 10) : null;
}
