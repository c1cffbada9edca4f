import { ensureReferralCode, REFERRAL_START_PREFIX } from '@fs/dispatch';
import { inlineKeyboard, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { MasterContext } from '../../context';
import { menuRow } from '../../keyboards/menu';
import { masterAction } from '../../middlewares/guard';
import { loadReferralOverview } from '../../queries/cabinet';
import { mt } from '../../texts';

/**
 * 🎁 Реферальная программа: the master's own code (created on first view) and deep link, the
 * masters they invited, and rewards by level and status with the latest ones.
 */
export const referral = new Composer<MasterContext>();

/** The deep link that opens the bot with the code pre-filled in onboarding. */
export const referralLink = (botUsername: string, code: string) =>
  `https://t.me/${botUsername}?start=${REFERRAL_START_PREFIX}${code}`;

referral.use(
  masterAction('referralView', 'registered', async (ctx, _args, master) => {
    await ctx.answerCbQuery();
    const [code, overview, settings] = await Promise.all([
      ensureReferralCode(ctx.deps.db, master.id),
      loadReferralOverview(ctx.deps.db, master.id),
      ctx.deps.dispatch.settings.get(),
    ]);
    const text = mt.cabinet.referral.view(
      code,
      referralLink(ctx.botInfo.username, code),
      overview,
      { l1: settings.referral_level1_pct, l2: settings.referral_level2_pct },
      ctx.deps.now(),
      master.timezone ?? 'UTC',
    );
    await safeEdit(ctx, text, { parse_mode: 'HTML', reply_markup: inlineKeyboard([menuRow()]) });
  }),
);
