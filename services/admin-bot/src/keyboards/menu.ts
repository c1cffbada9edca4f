import { inlineKeyboard } from '@fs/telegram';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import { type CallbackArgs, type CallbackName, cbButton } from '../callbacks';
import type { StaffMember } from '../queries/staff';
import { type Capability, can } from '../scope';
import { texts } from '../texts';

const M = texts.menu;

/** The main menu's sections: label, entry callback (handled by the section's feature), capability. */
export const SECTIONS = [
  { label: M.orders, entry: 'ordersMenu', capability: 'orders' },
  { label: M.create, entry: 'orderCreateMenu', capability: 'orders' },
  { label: M.masters, entry: 'mastersMenu', capability: 'masters' },
  { label: M.moderation, entry: 'moderationMenu', capability: 'moderation' },
  { label: M.finance, entry: 'financeMenu', capability: 'finance' },
  // Everyone with KPIs opens it; the exports inside need 'reports' (features/reports.ts).
  { label: M.reports, entry: 'reportsMenu', capability: 'kpi' },
  { label: M.settings, entry: 'settingsMenu', capability: 'settings' },
  { label: M.staff, entry: 'staffMenu', capability: 'staff' },
  { label: M.logs, entry: 'logsMenu', capability: 'logs' },
] as const satisfies readonly { label: string; entry: CallbackName; capability: Capability }[];

/** The main menu's buttons: only the sections the role may open. */
export function menuKeyboard(staff: StaffMember): InlineKeyboardMarkup {
  const buttons = SECTIONS.filter((s) => can(staff, s.capability)).map((s) => cbButton(s.label, s.entry, {}));
  return inlineKeyboard(pairs(buttons));
}

/** "🏠 В меню" button row, for the bottom of every screen. */
export const menuRow = (): InlineKeyboardButton[] => [cbButton(texts.buttons.menu, 'adminMenu', {})];

/** "◀️ / ▶️" around a page, only where there is somewhere to go. */
export function pagerRow<N extends CallbackName>(
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

/** Buttons two per row (`size` per row when given). */
export function pairs<T>(buttons: readonly T[], size = 2): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < buttons.length; i += size) rows.push(buttons.slice(i, i + size));
  return rows;
}
