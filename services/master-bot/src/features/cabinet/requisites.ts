import { loadOwnerRequisites } from '@fs/dispatch';
import { inlineKeyboard, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import { cbButton } from '../../callbacks';
import type { MasterContext } from '../../context';
import { menuRow } from '../../keyboards/menu';
import { masterAction } from '../../middlewares/guard';
import { mt, requisitesLines } from '../../texts';

/**
 * 💳 Реквизиты для оплаты: where to pay commissions now (the owner's requisites, edited by
 * staff in the admin bot). Each commission keeps its own snapshot, shown on its card.
 */
export const requisites = new Composer<MasterContext>();

requisites.use(
  masterAction('requisitesView', 'registered', async (ctx) => {
    await ctx.answerCbQuery();
    const [payTo, { support_contact }] = await Promise.all([
      loadOwnerRequisites(ctx.deps.db),
      ctx.deps.dispatch.settings.get(),
    ]);
    const t = mt.cabinet.requisites;
    const text = [t.title, '', ...requisitesLines(payTo, support_contact), t.tail(support_contact)].join(
      '\n',
    );
    await safeEdit(ctx, text, {
      parse_mode: 'HTML',
      reply_markup: inlineKeyboard([[cbButton(mt.cabinet.buttons.toFinance, 'financeView', {})], menuRow()]),
    });
  }),
);
