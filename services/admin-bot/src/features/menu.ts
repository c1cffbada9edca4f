import { menuButton, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import { cb } from '../callbacks';
import type { AdminContext } from '../context';
import { menuKeyboard } from '../keyboards/menu';
import type { StaffMember } from '../queries/staff';
import { texts } from '../texts';

/** /start, /menu, 🏠 В меню and /cancel: leave any wizard and show the menu. */
export const menu = new Composer<AdminContext>();

menu.start(async (ctx) => {
  ctx.wizard.clear();
  await showMenu(ctx, 'reply');
});

menu.command('menu', async (ctx) => {
  ctx.wizard.clear();
  await showMenu(ctx, 'reply');
});

menu.command('cancel', async (ctx) => {
  const had = ctx.wizard.isOpen;
  ctx.wizard.clear();
  await ctx.reply(had ? texts.canceled : texts.nothingToCancel);
  await showMenu(ctx, 'reply');
});

menu.use(menuButton(cb, 'adminMenu', (ctx: AdminContext) => showMenu(ctx, 'edit')));

export function menuText(staff: StaffMember): string {
  return `${texts.greeting(staff.fullName, staff.role, staff.cities)}\n\n${texts.menu.title}`;
}

/** Shows the main menu: edits the pressed button's message, or sends a new one. */
export async function showMenu(ctx: AdminContext, how: 'edit' | 'reply'): Promise<void> {
  const staff = ctx.staff;
  if (!staff) return;
  const extra = { parse_mode: 'HTML' as const, reply_markup: menuKeyboard(staff) };
  if (how === 'edit' && ctx.callbackQuery?.message) await safeEdit(ctx, menuText(staff), extra);
  else await ctx.reply(menuText(staff), extra);
}

/** Put last: a message no feature took gets a hint; nothing changes. */
export const fallback = new Composer<AdminContext>();

fallback.on('message', async (ctx) => {
  await ctx.reply(texts.useButtons);
});
