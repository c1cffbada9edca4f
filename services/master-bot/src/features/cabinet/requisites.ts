import { loadOwnerRequisites } from '@fs/dispatch';
import { inlineKeyboard, safeEdit } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import { cbButton, onCallback } from '../callbacks';
import type { MasterBotDeps, MasterContext } from '../context';
import { mt, requisitesLines } from '../texts';
import { cabinetMaster } from './cabinet-guard';

/**
 * 💳 Реквизиты для оплаты: where to pay commissions now (the owner's requisites, edited by
 * staff in the admin bot). Each commission keeps its own snapshot, shown on its card.
 */
export function requisitesFeature(bot: Telegraf<MasterContext>, deps: MasterBotDeps): void {
  bot.use(
    onCallback('requisitesView', async (ctx: MasterContext) => {
      const master = await cabinetMaster(ctx, deps);
      if (!master) return;
      await ctx.answerCbQuery();
      const [requisites, { support_contact }] = await Promise.all([
        loadOwnerRequisites(deps.db),
        deps.dispatch.settings.get(),
      ]);
      const t = mt.cabinet.requisites;
      await safeEdit(
        ctx,
        [t.title, '', ...requisitesLines(requisites, support_contact), t.tail(support_contact)].join('\n'),
        {
          parse_mode: 'HTML',
          reply_markup: inlineKeyboard([
            [cbButton(mt.cabinet.buttons.toFinance, 'financeView', {})],
            [cbButton(mt.buttons.menu, 'masterMenu', {})],
          ]),
        },
      );
    }),
  );
}
