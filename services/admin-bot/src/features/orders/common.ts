import type { StaffActor } from '@fs/dispatch';
import { CATEGORIES, type Category, ORDER_STATUSES, type OrderStatus } from '@fs/domain';
import type { InlineKeyboardButton } from 'telegraf/types';
import { type CallbackArgs, type CallbackName, cbButton } from '../callbacks';
import type { AdminContext } from '../context';
import { NO_ORDER_FILTERS, type OrderFilters, type OrderSection } from '../order-queries';
import { inScope } from '../scope';
import type { StaffMember } from '../staff';
import { texts } from '../texts';

/** Helpers shared by the orders screens (lists, filters, search, card, actions). */

export const T = texts.orders;

/** The one wizard kind of the orders section; its step says which input is awaited. */
export const ORDERS_WIZARD = 'orders';
export type OrdersStep = 'search' | 'filterDate' | 'filterMaster' | 'cancelReason' | 'rescheduleDate';

const FILTERS_KEY = 'ordersFilters';
const VIEW_KEY = 'ordersView';

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** The filters from the session, each value re-validated (the session is data, not trusted code). */
export function filtersOf(ctx: AdminContext): OrderFilters {
  const raw = (ctx.session?.[FILTERS_KEY] ?? {}) as Partial<Record<keyof OrderFilters, unknown>>;
  return {
    cityId: isInt(raw.cityId) ? raw.cityId : null,
    status: (ORDER_STATUSES as readonly unknown[]).includes(raw.status) ? (raw.status as OrderStatus) : null,
    category: (CATEGORIES as readonly unknown[]).includes(raw.category) ? (raw.category as Category) : null,
    date: typeof raw.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw.date) ? raw.date : null,
    masterId: isInt(raw.masterId) ? raw.masterId : null,
  };
}

export function saveFilters(ctx: AdminContext, patch: Partial<OrderFilters> | 'reset'): void {
  const next = patch === 'reset' ? NO_ORDER_FILTERS : { ...filtersOf(ctx), ...patch };
  ctx.session = { ...(ctx.session ?? {}), [FILTERS_KEY]: next };
}

/** The list the staff member came from (for "⬅️ К списку"). */
export function lastView(ctx: AdminContext): { section: OrderSection; page: number } {
  const v = ctx.session?.[VIEW_KEY] as { section?: unknown; page?: unknown } | undefined;
  const section = v?.section === 'warranty' || v?.section === 'closed' ? v.section : 'queue';
  const page = typeof v?.page === 'number' && Number.isSafeInteger(v.page) && v.page >= 0 ? v.page : 0;
  return { section, page };
}

export function saveView(ctx: AdminContext, section: OrderSection, page: number): void {
  ctx.session = { ...(ctx.session ?? {}), [VIEW_KEY]: { section, page } };
}

/** The dispatch operations' view of the acting staff member. */
export function orderActor(staff: StaffMember): StaffActor {
  return { staffId: staff.id, staffName: staff.fullName, inScope: (cityId) => inScope(staff, cityId) };
}

/** "◀️ / ▶️" around a page, only where there is somewhere to go. */
export function pager<N extends CallbackName>(
  page: number,
  pages: number,
  name: N,
  argsFor: (page: number) => CallbackArgs<N>,
): InlineKeyboardButton[] {
  const row: InlineKeyboardButton[] = [];
  if (page > 0) row.push(cbButton(texts.buttons.prev, name, argsFor(page - 1)));
  if (page < pages - 1) row.push(cbButton(texts.buttons.next, name, argsFor(page + 1)));
  return row;
}

/** The message's text, or undefined for photos, stickers, voice… */
export function messageText(ctx: AdminContext): string | undefined {
  const msg = ctx.message;
  return msg && 'text' in msg ? msg.text : undefined;
}

/** Answers a callback (toast) or a typed message (reply) with a short notice. */
export async function notice(ctx: AdminContext, text: string, alert = false): Promise<void> {
  if (ctx.callbackQuery) await ctx.answerCbQuery(text, { show_alert: alert });
  else await ctx.reply(text);
}
