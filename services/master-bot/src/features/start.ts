import { onCallback } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import type { MasterBotDeps, MasterContext } from '../context';
import { findMasterByTgId, type MasterRow } from '../queries';
import { texts } from '../texts';

function greeting(master: MasterRow | undefined): string {
  if (!master) return texts.startUnknown;
  const hello = texts.startGreeting(master.full_name);
  if (master.is_blocked) return `${hello}\n\n${texts.startBlocked(master.blocked_reason)}`;
  switch (master.moderation_status) {
    case 'approved':
      return `${hello}\n\n${texts.startApproved}`;
    case 'pending':
      return `${hello}\n\n${texts.startPending}`;
    case 'rejected':
      return `${hello}\n\n${texts.startRejected(master.moderation_reason)}`;
  }
}

/** /start and the 🏠 menu button: a greeting by state (onboarding and the full menu come later). */
export function startFeature(bot: Telegraf<MasterContext>, deps: MasterBotDeps): void {
  const show = async (ctx: MasterContext) => {
    const master = ctx.from ? await findMasterByTgId(deps.db, ctx.from.id) : undefined;
    await ctx.reply(greeting(master), { parse_mode: 'HTML' });
  };
  bot.start(show);
  bot.use(
    onCallback('masterMenu', async (ctx: MasterContext) => {
      await ctx.answerCbQuery();
      await show(ctx);
    }),
  );
}
