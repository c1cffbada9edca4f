import { ensureReferralCode, REFERRAL_START_PREFIX } from '@fs/dispatch';
import { inlineKeyboard, safeEdit } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import { loadReferralOverview } from '../cabinet-queries';
import { cbButton, onCallback } from '../callbacks';
import type { MasterBotDeps, MasterContext } from '../context';
import { mt } from '../texts';
import { cabinetMaster } from './cabinet-guard';

/** The deep link that opens the bot with the code pre-filled in onboarding. */
export const referralLink = (botUsername: string, code: string) =>
  `https://t.me/${botUsername}?start=${REFERRAL_START_PREFIX}${code}`;

/**
 * 🎁 Реферальная программа: the master's own code (created on first view) and deep link, the
 * masters they invited, and rewards by level and status with the latest ones.
 */
export function referralFeature(bot: Telegraf<MasterContext>, deps: MasterBotDeps): void {
  bot.use(
    onCallback('referralView', async (ctx: MasterContext) => {
      const master = await cabinetMaster(ctx, deps);
      if (!master) return;
      await ctx.answerCbQuery();
      const [code, overview, settings] = await Promise.all([
        ensureReferralCode(deps.db, master.id),
        loadReferralOverview(deps.db, master.id),
        deps.dispatch.settings.get(),
      ]);
      const text = mt.cabinet.referral.view(
        code,
        referralLink(ctx.botInfo.username, code),
        overview,
        { l1: settings.referral_level1_pct, l2: settings.referral_level2_pct },
        new Date(),
        master.timezone ?? 'UTC',
      );
      await safeEdit(ctx, text, {
        parse_mode: 'HTML',
        reply_markup: inlineKeyboard([[cbButton(mt.buttons.menu, 'masterMenu', {})]]),
      });
    }),
  );
}
