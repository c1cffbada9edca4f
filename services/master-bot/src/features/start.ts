import { referralCodeFromStart } from '@fs/dispatch';
import { inlineKeyboard, menuButton, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { cb, cbButton } from '../callbacks';
import type { MasterContext } from '../context';
import { blockedKeyboard, menuKeyboard } from '../keyboards/menu';
import { reloadMaster } from '../middlewares/identify';
import { mt, texts } from '../texts';
import { newOnboarding } from './onboarding/flow';
import { onboardingWizard } from './onboarding/state';
import { consentKeyboard, fixKeyboard } from './onboarding/views';

/**
 * /start and 🏠 Меню: leave any wizard, show the start screen for the master's state. For a
 * person not registered yet, /start opens the onboarding form at its consent step, keeping the
 * referral code of a deep link (`/start ref_<CODE>`).
 */
export const start = new Composer<MasterContext>();

start.start(async (ctx) => {
  // A half-filled form is kept (Redis: a restart does not lose it): continue or start over.
  const form = ctx.wizard.get(onboardingWizard);
  if (form && form !== 'expired' && form.fullName !== undefined) {
    const ob = mt.onboarding;
    await ctx.reply(ob.draftPending, {
      reply_markup: inlineKeyboard([
        [cbButton(ob.buttons.resume, 'onboardingResume', {})],
        [cbButton(ob.buttons.restart, 'onboardingRestart', {})],
      ]),
    });
    return;
  }
  ctx.wizard.clear();
  if (!ctx.master) ctx.wizard.set(onboardingWizard, newOnboarding(referralCodeFromStart(ctx.payload ?? '')));
  await showMenu(ctx, 'reply');
});

start.use(menuButton(cb, 'masterMenu', (ctx: MasterContext) => showMenu(ctx, 'edit')));

/**
 * The start screen by state: unknown (the personal-data consent), pending, rejected (reason
 * and ✏️ Исправить анкету), blocked (reason and how to get unblocked), or the menu.
 */
async function menuView(
  ctx: MasterContext,
  now = ctx.deps.now(),
): Promise<{ text: string; markup?: InlineKeyboardMarkup }> {
  const master = ctx.master;
  if (!master) return { text: texts.startUnknown, markup: consentKeyboard() };
  if (master.is_blocked) {
    const { support_contact } = await ctx.deps.dispatch.settings.get();
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

/**
 * Shows the start screen: edits the button's message, or sends a new one. `fresh` reads the
 * master again first (after this update changed their shift or registration).
 */
export async function showMenu(ctx: MasterContext, how: 'edit' | 'reply', fresh = false): Promise<void> {
  if (fresh) await reloadMaster(ctx);
  const view = await menuView(ctx);
  const extra = { parse_mode: 'HTML' as const, reply_markup: view.markup ?? { inline_keyboard: [] } };
  if (how === 'edit' && ctx.callbackQuery?.message) {
    await safeEdit(ctx, view.text, extra);
    return;
  }
  await ctx.reply(view.text, view.markup ? extra : { parse_mode: 'HTML' });
}
