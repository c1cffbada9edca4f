import { referralCodeFromStart } from '@fs/dispatch';
import { inlineKeyboard, safeEdit } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import { cbButton, onCallback } from '../callbacks';
import type { MasterBotDeps, MasterContext } from '../context';
import { loadMasterState, type MasterState } from '../master-queries';
import { mt, texts } from '../texts';
import { blockedKeyboard } from './finance';
import { newOnboarding } from './onboarding-flow';
import { consentKeyboard, fixKeyboard } from './onboarding-views';
import { clearWizard, setWizard } from './wizard-session';

const { buttons } = mt;

/** The main menu's buttons for an approved master, by shift state. */
export function menuKeyboard(master: Pick<MasterState, 'shift_status'>): InlineKeyboardMarkup {
  const rows: InlineKeyboardButton[][] = [];
  switch (master.shift_status) {
    case 'off':
      rows.push([cbButton(buttons.shiftOn, 'shiftOn', {})]);
      break;
    case 'on':
      rows.push([cbButton(buttons.breakMenu, 'breakMenu', {})], [cbButton(buttons.shiftOff, 'shiftOff', {})]);
      break;
    case 'break':
      rows.push([cbButton(buttons.breakEnd, 'breakEnd', {})], [cbButton(buttons.shiftOff, 'shiftOff', {})]);
      break;
  }
  rows.push(
    [cbButton(buttons.offers, 'offersList', { page: 0 }), cbButton(buttons.active, 'activeList', {})],
    [
      cbButton(buttons.history, 'historyList', { page: 0 }),
      cbButton(buttons.stats, 'statsView', { period: 'week' }),
    ],
    [cbButton(buttons.finance, 'financeView', {}), cbButton(buttons.requisites, 'requisitesView', {})],
    [cbButton(buttons.referral, 'referralView', {}), cbButton(buttons.knowledge, 'knowledgeView', {})],
  );
  return inlineKeyboard(rows);
}

/**
 * The start screen by state: unknown (the personal-data consent), pending, rejected (reason
 * and ✏️ Исправить анкету), blocked (reason and how to get unblocked), or the menu.
 */
export async function menuView(
  deps: MasterBotDeps,
  master: MasterState | undefined,
  now = new Date(),
): Promise<{ text: string; markup?: InlineKeyboardMarkup }> {
  if (!master) return { text: texts.startUnknown, markup: consentKeyboard() };
  if (master.is_blocked) {
    const { support_contact } = await deps.dispatch.settings.get();
    // Finance stays open: a master blocked for an overdue commission pays from there.
    return {
      text: mt.menu.blocked(master.full_name, master.blocked_reason, support_contact),
      markup: blockedKeyboard(),
    };
  }
  switch (master.moderation_status) {
    case 'pending':
      return { text: mt.menu.pending(master.full_name) };
    case 'rejected':
      return { text: mt.menu.rejected(master.full_name, master.moderation_reason), markup: fixKeyboard() };
    case 'approved':
      if (!master.verified) return { text: mt.menu.pending(master.full_name) };
      return {
        text: mt.menu.approved(
          master.full_name,
          master.shift_status,
          master.break_until,
          master.timezone,
          now,
        ),
        markup: menuKeyboard(master),
      };
  }
}

/** Shows the start screen: edits the button's message, or sends a new one. */
export async function showMenu(
  ctx: MasterContext,
  deps: MasterBotDeps,
  how: 'edit' | 'reply',
): Promise<void> {
  const master = ctx.from ? await loadMasterState(deps.db, ctx.from.id) : undefined;
  const view = await menuView(deps, master);
  const extra = { parse_mode: 'HTML' as const, reply_markup: view.markup ?? { inline_keyboard: [] } };
  if (how === 'edit' && ctx.callbackQuery?.message) {
    await safeEdit(ctx, view.text, extra);
    return;
  }
  await ctx.reply(view.text, view.markup ? extra : { parse_mode: 'HTML' });
}

/**
 * /start and 🏠 Меню: leave any wizard, show the start screen for the master's state. For a
 * person not registered yet, /start opens the onboarding form at its consent step, keeping the
 * referral code of a deep link (`/start ref_<CODE>`).
 */
export function startFeature(bot: Telegraf<MasterContext>, deps: MasterBotDeps): void {
  bot.start(async (ctx) => {
    clearWizard(ctx);
    const registered = await loadMasterState(deps.db, ctx.from.id);
    if (!registered) setWizard(ctx, newOnboarding(referralCodeFromStart(ctx.payload ?? '')), 'onboarding');
    await showMenu(ctx, deps, 'reply');
  });
  bot.use(
    onCallback('masterMenu', async (ctx: MasterContext) => {
      await ctx.answerCbQuery();
      clearWizard(ctx);
      await showMenu(ctx, deps, 'edit');
    }),
  );
}
