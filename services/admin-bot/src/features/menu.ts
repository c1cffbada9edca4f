import { inlineKeyboard, safeEdit } from '@fs/telegram';
import type { MiddlewareFn, Telegraf } from 'telegraf';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import { type CallbackArgs, type CallbackName, callbackOf, cbButton, onCallback } from '../callbacks';
import type { AdminBotDeps, AdminContext } from '../context';
import { type Capability, can } from '../scope';
import type { StaffMember } from '../staff';
import { texts } from '../texts';
import { clearWizard } from './wizard-session';

const M = texts.menu;

/** The main menu's sections: label, entry callback (handled by the section's feature), capability. */
const SECTIONS = [
  { label: M.orders, entry: 'ordersMenu', capability: 'orders' },
  { label: M.create, entry: 'orderCreateMenu', capability: 'orders' },
  { label: M.masters, entry: 'mastersMenu', capability: 'masters' },
  { label: M.moderation, entry: 'moderationMenu', capability: 'moderation' },
  { label: M.finance, entry: 'financeMenu', capability: 'finance' },
  { label: M.reports, entry: 'reportsMenu', capability: 'reports' },
  { label: M.settings, entry: 'settingsMenu', capability: 'settings' },
  { label: M.staff, entry: 'staffMenu', capability: 'staff' },
  { label: M.logs, entry: 'logsMenu', capability: 'logs' },
] as const satisfies readonly { label: string; entry: CallbackName; capability: Capability }[];

/** The main menu's buttons: only the sections the role may open. */
export function menuKeyboard(staff: StaffMember): InlineKeyboardMarkup {
  const buttons = SECTIONS.filter((s) => can(staff, s.capability)).map((s) => cbButton(s.label, s.entry, {}));
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return inlineKeyboard(rows);
}

export function menuText(staff: StaffMember): string {
  return `${texts.greeting(staff.fullName, staff.role, staff.cities)}\n\n${M.title}`;
}

/** Shows the main menu: edits the pressed button's message, or sends a new one. */
export async function showMenu(ctx: AdminContext, how: 'edit' | 'reply'): Promise<void> {
  const staff = ctx.staff;
  if (!staff) return;
  const extra = { parse_mode: 'HTML' as const, reply_markup: menuKeyboard(staff) };
  if (how === 'edit' && ctx.callbackQuery?.message) await safeEdit(ctx, menuText(staff), extra);
  else await ctx.reply(menuText(staff), extra);
}

/** "🏠 В меню" button row, for the bottom of every screen. */
export const menuRow = (): InlineKeyboardButton[] => [cbButton(texts.buttons.menu, 'adminMenu', {})];

/**
 * Routes one admin callback to its handler after checking the role may use `capability`.
 * The handler still checks the object's city with `inScope`/`cityFilter`. Callbacks are
 * answered here when refused; the handler answers its own.
 */
export function staffAction<N extends CallbackName>(
  name: N,
  capability: Capability,
  handler: (ctx: AdminContext, args: CallbackArgs<N>, staff: StaffMember) => Promise<unknown> | unknown,
): MiddlewareFn<AdminContext> {
  return onCallback(name, async (ctx: AdminContext, args: CallbackArgs<N>) => {
    const staff = ctx.staff;
    if (!staff || !can(staff, capability)) {
      await ctx.answerCbQuery(texts.noRight, { show_alert: true });
      return;
    }
    await handler(ctx, args, staff);
  });
}

/** /start, /menu, 🏠 В меню and /cancel: leave any wizard and show the menu. */
export function menuFeature(bot: Telegraf<AdminContext>, _deps: AdminBotDeps): void {
  bot.start(async (ctx) => {
    clearWizard(ctx);
    await showMenu(ctx, 'reply');
  });
  bot.command('menu', async (ctx) => {
    clearWizard(ctx);
    await showMenu(ctx, 'reply');
  });
  bot.command('cancel', async (ctx) => {
    const had = ctx.session?.wizard !== undefined;
    clearWizard(ctx);
    await ctx.reply(had ? texts.canceled : texts.nothingToCancel);
    await showMenu(ctx, 'reply');
  });
  // A section entry the role lacks (a forged or old button) is refused before its feature.
  bot.use(async (ctx, next) => {
    const cb = callbackOf(ctx);
    const section = cb && SECTIONS.find((s) => s.entry === cb.name);
    if (section && ctx.staff && !can(ctx.staff, section.capability)) {
      await ctx.answerCbQuery(texts.noRight, { show_alert: true });
      return;
    }
    return next();
  });
  bot.use(
    onCallback('adminMenu', async (ctx: AdminContext) => {
      await ctx.answerCbQuery();
      clearWizard(ctx);
      await showMenu(ctx, 'edit');
    }),
  );
}

/** Put last: a message no feature took gets a hint; nothing changes. */
export function fallbackFeature(bot: Telegraf<AdminContext>): void {
  bot.on('message', async (ctx) => {
    await ctx.reply(texts.useButtons);
  });
}
