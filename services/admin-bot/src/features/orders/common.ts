import { CATEGORIES, type Category, ORDER_STATUSES, type OrderStatus } from '@fs/domain';
import { defineWizard } from '@fs/telegram';
import { z } from 'zod';
import type { AdminContext } from '../../context';
import { NO_ORDER_FILTERS, type OrderFilters, type OrderSection } from '../../queries/orders';
import { texts } from '../../texts';

/** What the orders screens share: their texts, the list filters and last list in the session, the typed inputs. */

export const T = texts.orders;

/** 🔍 Поиск: an order number or a client phone. */
/** 🔍 Поиск: open while staff type queries; `query` is the last one with results (its pages). */
export const searchWizard = defineWizard('ordersSearch', z.object({ query: z.string().optional() }));
/** 🔧 Фильтры → date: ДД.ММ. */
export const filterDateWizard = defineWizard('ordersFilterDate', z.object({}));
/** 🔧 Фильтры → master: an id, a name part or a phone, then a pick. */
export const filterMasterWizard = defineWizard('ordersFilterMaster', z.object({}));
/** ✖️ Отменить on the card: the reason. */
export const cancelWizard = defineWizard('orderCancel', z.object({ orderId: z.number().int() }));
/** 📍 Уточнить точку: the location sent next. */
export const pinWizard = defineWizard('orderPin', z.object({ orderId: z.number().int() }));
/** 🔁 Перезапланировать → 📅 Другая дата: the date typed (then its slots are buttons). */
export const rescheduleDateWizard = defineWizard(
  'orderRescheduleDate',
  z.object({ orderId: z.number().int(), date: z.string().optional() }),
);

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** The filters from the session, each value re-validated (the session is data, not trusted code). */
export function filtersOf(ctx: AdminContext): OrderFilters {
  const raw = (ctx.session?.ordersFilters ?? {}) as Partial<Record<keyof OrderFilters, unknown>>;
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
  ctx.session = { ...(ctx.session ?? {}), ordersFilters: next };
}

/** The list the staff member came from (for "⬅️ К списку"). */
export function lastView(ctx: AdminContext): { section: OrderSection; page: number } {
  const v = ctx.session?.ordersView as { section?: unknown; page?: unknown } | undefined;
  const section = v?.section === 'warranty' || v?.section === 'closed' ? v.section : 'queue';
  const page = typeof v?.page === 'number' && Number.isSafeInteger(v.page) && v.page >= 0 ? v.page : 0;
  return { section, page };
}

export function saveView(ctx: AdminContext, section: OrderSection, page: number): void {
  ctx.session = { ...(ctx.session ?? {}), ordersView: { section, page } };
}
