import {
  type OrderSearchPage,
  type OrderSearchQuery,
  parseOrderSearch,
  type SearchScope,
  searchOrders,
} from '@fs/dispatch';
import { CATEGORIES, CATEGORY_LABELS, localDateOf, ORDER_STATUSES } from '@fs/domain';
import { inlineKeyboard, type WizardDef } from '@fs/telegram';
import { Composer, type MiddlewareFn } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { type CallbackArgs, cbButton } from '../../callbacks';
import type { AdminContext } from '../../context';
import { menuRow, pagerRow, pairs } from '../../keyboards/menu';
import { answerClosedWizard, capable, staffAction, staffScreen, wizardInput } from '../../middlewares/guard';
import { cityPage, loadCity, staffTimezone } from '../../queries/cities';
import {
  countSections,
  findMastersForFilter,
  listOrders,
  masterName,
  type OrderFilters,
  type OrderSection,
} from '../../queries/orders';
import type { StaffMember } from '../../queries/staff';
import { show } from '../../render';
import { inScope, isGlobal } from '../../scope';
import { texts } from '../../texts';
import { showCard } from './card';
import {
  filterDateWizard,
  filterMasterWizard,
  filtersOf,
  saveFilters,
  saveView,
  searchWizard,
  T,
} from './common';

/** 📦 Заявки: the section menu with counters, the three lists, 🔧 Фильтры and 🔍 Поиск. */
export const ordersList = new Composer<AdminContext>();

const B = T.buttons;
/** ⬅️ back to 🔧 Фильтры. */
const toFilters = () => cbButton(B.back, 'ordersFilters', {});

/** A button that asks for typed input: opens `wizard` (empty) and shows `prompt` over ⬅️ `back`. */
function askFor(
  name: 'ordersSearch' | 'ordersFilterDate' | 'ordersFilterMaster',
  wizard: WizardDef<object>,
  prompt: string,
  back: InlineKeyboardButton,
): MiddlewareFn<AdminContext> {
  return staffAction(name, 'orders', async (ctx) => {
    await ctx.answerCbQuery();
    ctx.wizard.set(wizard, {});
    await show(ctx, prompt, inlineKeyboard([[back]]));
  });
}

/** A screen the ⬅️ of the search or a filter prompt leads to: it leaves the prompt's wizard. */
function leavingPrompt<N extends 'ordersMenu' | 'ordersList' | 'ordersFilters'>(
  name: N,
  show: (ctx: AdminContext, args: CallbackArgs<N>, staff: StaffMember) => Promise<unknown>,
): MiddlewareFn<AdminContext> {
  return staffScreen(name, 'orders', (ctx, args, staff) => {
    ctx.wizard.clear();
    return show(ctx, args, staff);
  });
}

ordersList.use(leavingPrompt('ordersMenu', (ctx, _args, staff) => showOrdersMenu(ctx, staff)));
ordersList.use(
  leavingPrompt('ordersList', (ctx, { section, page }, staff) => showList(ctx, staff, section, page)),
);

ordersList.use(askFor('ordersSearch', searchWizard, T.searchPrompt, cbButton(B.toOrders, 'ordersMenu', {})));

ordersList.use(
  wizardInput(searchWizard, capable('orders'), async (ctx, _state, text, staff) => {
    const q = text?.trim() ?? '';
    const query = parseOrderSearch(q);
    if (query.kind === 'id') {
      // Keep the prompt open on a miss, so another number can be typed.
      if (await showCard(ctx, staff, query.orderId, 'reply')) ctx.wizard.clear();
      return;
    }
    if (query.kind === 'too_short') {
      await ctx.reply(T.searchBadInput, { parse_mode: 'HTML' });
      return;
    }
    const found = await searchOrders(ctx.deps.db, searchScope(staff), query, 0);
    if (found.total === 0) {
      await ctx.reply(T.searchNotFound(q));
      return;
    }
    ctx.wizard.set(searchWizard, { query: q });
    await showSearchPage(ctx, query, found, 'reply');
  }),
);

// The pages of the last search: its query is in the (still open) search wizard.
ordersList.use(
  staffAction('ordersSearchPage', 'orders', async (ctx, { page }, staff) => {
    const w = ctx.wizard.get(searchWizard);
    const query = w && w !== 'expired' && w.query !== undefined ? parseOrderSearch(w.query) : undefined;
    if (!query || (query.kind !== 'phone' && query.kind !== 'text')) {
      await answerClosedWizard(ctx, searchWizard);
      return;
    }
    await ctx.answerCbQuery();
    ctx.wizard.set(searchWizard, { query: w && w !== 'expired' ? w.query : undefined });
    await showSearchPage(
      ctx,
      query,
      await searchOrders(ctx.deps.db, searchScope(staff), query, page),
      'edit',
    );
  }),
);

const searchScope = (staff: StaffMember): SearchScope => (isGlobal(staff) ? 'all' : staff.cityIds);

async function showSearchPage(
  ctx: AdminContext,
  query: Extract<OrderSearchQuery, { kind: 'phone' | 'text' }>,
  found: OrderSearchPage,
  how: 'edit' | 'reply',
): Promise<void> {
  const open = found.rows.map((r) => cbButton(B.openOrder(r.id), 'adminOrderOpen', { orderId: r.id }));
  const keyboard = inlineKeyboard([
    ...pairs(open, 5),
    ...[pagerRow(found.page, found.pages, 'ordersSearchPage', (n) => ({ page: n }))].filter(
      (r) => r.length > 0,
    ),
    [cbButton(B.search, 'ordersSearch', {}), cbButton(B.toOrders, 'ordersMenu', {})],
  ]);
  const text = T.searchResults(query, found, found.rows, ctx.deps.now());
  if (how === 'edit') await show(ctx, text, keyboard);
  else await ctx.reply(text, { parse_mode: 'HTML', reply_markup: keyboard });
}

// ── Filters ────────────────────────────────────────────────────────────────────────────
const mark = (selected: boolean, name: string) => (selected ? B.selected(name) : name);

/** A filter's choices: "any" and every value, the current one marked, two a row, ⬅️ to the filters. */
async function showChoices<V extends string>(
  ctx: AdminContext,
  title: string,
  current: V | null,
  values: readonly V[],
  label: (value: V) => string,
  button: (text: string, value: V | 'all') => InlineKeyboardButton,
): Promise<void> {
  const options = [
    button(mark(current === null, B.any), 'all'),
    ...values.map((v) => button(mark(v === current, label(v)), v)),
  ];
  await show(ctx, title, inlineKeyboard([...pairs(options), [toFilters()]]));
}

ordersList.use(leavingPrompt('ordersFilters', (ctx, _args, staff) => showFilters(ctx, staff)));

ordersList.use(
  staffAction('ordersFilterCities', 'orders', async (ctx, { page }, staff) => {
    await ctx.answerCbQuery();
    const current = filtersOf(ctx).cityId;
    const p = await cityPage(ctx.deps.db, staff, page);
    const rows: InlineKeyboardButton[][] = [
      [cbButton(mark(current === null, B.any), 'ordersFilterCity', { cityId: 0 })],
      ...pairs(
        p.cities.map((c) => cbButton(mark(c.id === current, c.name), 'ordersFilterCity', { cityId: c.id })),
      ),
    ];
    const nav = pagerRow(p.page, p.pages, 'ordersFilterCities', (n) => ({ page: n }));
    if (nav.length > 0) rows.push(nav);
    rows.push([toFilters()]);
    await show(ctx, T.filterCitiesTitle, inlineKeyboard(rows));
  }),
);

ordersList.use(
  staffAction('ordersFilterCity', 'orders', async (ctx, { cityId }, staff) => {
    if (cityId !== 0 && !inScope(staff, cityId)) {
      await ctx.answerCbQuery(texts.notInScope, { show_alert: true });
      return;
    }
    if (cityId !== 0 && !(await loadCity(ctx.deps.db, cityId))) {
      await ctx.answerCbQuery(texts.notFound, { show_alert: true });
      return;
    }
    await saveAndShow(ctx, staff, { cityId: cityId === 0 ? null : cityId });
  }),
);

ordersList.use(
  staffAction('ordersFilterStatuses', 'orders', async (ctx) => {
    await ctx.answerCbQuery();
    const values = ORDER_STATUSES.filter((s) => s !== 'created');
    await showChoices(
      ctx,
      T.filterStatusesTitle,
      filtersOf(ctx).status,
      values,
      (s) => T.statusLabel[s],
      (text, status) => cbButton(text, 'ordersFilterStatus', { status }),
    );
  }),
);

ordersList.use(
  staffAction('ordersFilterStatus', 'orders', (ctx, { status }, staff) =>
    saveAndShow(ctx, staff, { status: status === 'all' ? null : status }),
  ),
);

ordersList.use(
  staffAction('ordersFilterCategories', 'orders', async (ctx) => {
    await ctx.answerCbQuery();
    await showChoices(
      ctx,
      T.filterCategoriesTitle,
      filtersOf(ctx).category,
      CATEGORIES,
      (c) => CATEGORY_LABELS[c],
      (text, category) => cbButton(text, 'ordersFilterCategory', { category }),
    );
  }),
);

ordersList.use(
  staffAction('ordersFilterCategory', 'orders', (ctx, { category }, staff) =>
    saveAndShow(ctx, staff, { category: category === 'all' ? null : category }),
  ),
);

ordersList.use(askFor('ordersFilterDate', filterDateWizard, T.filterDatePrompt, toFilters()));

ordersList.use(
  wizardInput(filterDateWizard, capable('orders'), async (ctx, _state, text, staff) => {
    const today = localDateOf(ctx.deps.now(), await staffTimezone(ctx.deps.db, staff));
    const date = parseFilterDate(text?.trim() ?? '', today);
    if (!date) {
      await ctx.reply(T.filterDateBad, { parse_mode: 'HTML' });
      return;
    }
    ctx.wizard.clear();
    saveFilters(ctx, { date });
    await showFilters(ctx, staff);
  }),
);

ordersList.use(
  staffAction('ordersFilterDateClear', 'orders', (ctx, _args, staff) =>
    saveAndShow(ctx, staff, { date: null }),
  ),
);

ordersList.use(askFor('ordersFilterMaster', filterMasterWizard, T.filterMasterPrompt, toFilters()));

ordersList.use(
  wizardInput(filterMasterWizard, capable('orders'), async (ctx, _state, text, staff) => {
    const q = text?.trim() ?? '';
    if (q.length < 2 && !/^\d+$/.test(q)) {
      await ctx.reply(T.filterMasterBad);
      return;
    }
    const found = await findMastersForFilter(ctx.deps.db, staff, q.slice(0, 64));
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
    rows.push([toFilters()]);
    await ctx.reply(T.filterMasterPick, { reply_markup: inlineKeyboard(rows) });
  }),
);

ordersList.use(
  staffAction('ordersFilterMasterSet', 'orders', async (ctx, { masterId }, staff) => {
    // masterName is scoped: a master of another city (forged id) is refused.
    if ((await masterName(ctx.deps.db, staff, masterId)) === undefined) {
      await ctx.answerCbQuery(texts.notInScope, { show_alert: true });
      return;
    }
    ctx.wizard.clear();
    await saveAndShow(ctx, staff, { masterId });
  }),
);

ordersList.use(
  staffAction('ordersFilterMasterClear', 'orders', (ctx, _args, staff) =>
    saveAndShow(ctx, staff, { masterId: null }),
  ),
);

ordersList.use(
  staffAction('ordersFilterReset', 'orders', async (ctx, _args, staff) => {
    saveFilters(ctx, 'reset');
    await ctx.answerCbQuery(T.filtersReset);
    await showFilters(ctx, staff);
  }),
);

// ── Screens ────────────────────────────────────────────────────────────────────────────
async function warrantyDays(ctx: AdminContext): Promise<number> {
  return (await ctx.deps.dispatch.settings.get()).warranty_days;
}

async function filterSummary(ctx: AdminContext, staff: StaffMember, f: OrderFilters) {
  const { db } = ctx.deps;
  return {
    city: f.cityId === null ? null : ((await loadCity(db, f.cityId))?.name ?? null),
    status: f.status,
    category: f.category,
    date: f.date,
    master: f.masterId === null ? null : ((await masterName(db, staff, f.masterId)) ?? `#${f.masterId}`),
  };
}

async function showOrdersMenu(ctx: AdminContext, staff: StaffMember): Promise<void> {
  const f = filtersOf(ctx);
  const counts = await countSections(ctx.deps.db, staff, f, await warrantyDays(ctx));
  const keyboard = inlineKeyboard([
    [cbButton(B.queue(counts.queue), 'ordersList', { section: 'queue', page: 0 })],
    [
      cbButton(B.warranty(counts.warranty), 'ordersList', { section: 'warranty', page: 0 }),
      cbButton(B.closed(counts.closed), 'ordersList', { section: 'closed', page: 0 }),
    ],
    [cbButton(B.search, 'ordersSearch', {}), cbButton(B.filters, 'ordersFilters', {})],
    menuRow(),
  ]);
  await show(ctx, T.menu(await filterSummary(ctx, staff, f)), keyboard);
}

async function showList(
  ctx: AdminContext,
  staff: StaffMember,
  section: OrderSection,
  page: number,
): Promise<void> {
  const f = filtersOf(ctx);
  const list = await listOrders(ctx.deps.db, staff, section, f, page, await warrantyDays(ctx));
  saveView(ctx, section, list.page);
  const open = list.rows.map((r) => cbButton(B.openOrder(r.id), 'ordersCard', { orderId: r.id }));
  const rows: InlineKeyboardButton[][] = pairs(open, 5);
  const nav = pagerRow(list.page, list.pages, 'ordersList', (p) => ({ section, page: p }));
  if (nav.length > 0) rows.push(nav);
  rows.push([cbButton(B.filters, 'ordersFilters', {}), cbButton(B.toOrders, 'ordersMenu', {})]);
  rows.push(menuRow());
  const text = T.list(section, list.rows, list, await filterSummary(ctx, staff, f), ctx.deps.now());
  await show(ctx, text, inlineKeyboard(rows));
}

async function showFilters(ctx: AdminContext, staff: StaffMember): Promise<void> {
  const f = filtersOf(ctx);
  const s = await filterSummary(ctx, staff, f);
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

/** Saves one filter, says so and shows the filters. */
async function saveAndShow(
  ctx: AdminContext,
  staff: StaffMember,
  patch: Partial<OrderFilters>,
): Promise<void> {
  saveFilters(ctx, patch);
  await ctx.answerCbQuery(T.filterSaved);
  await showFilters(ctx, staff);
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
