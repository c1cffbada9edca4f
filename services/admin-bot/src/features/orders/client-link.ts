import { clientLinkForStaff } from '@fs/dispatch';
import { clientDeepLink } from '@fs/domain';
import { copyButton, inlineKeyboard } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { AdminContext } from '../../context';
import { staffAction } from '../../middlewares/guard';
import { notice } from '../../render';
import { formatDateTime } from '../../reports/local-time';
import { actorOf } from '../../scope';
import { toCardRow } from './actions';
import { refuseOrder } from './card';
import { T } from './common';

/**
 * 🔗 Ссылка для клиента: the order's deep link to the client bot as a new message, for staff to
 * send to the client themselves (SMS off, or the client lost it). The card stays as it is.
 */
export const orderClientLink = new Composer<AdminContext>();

orderClientLink.use(
  staffAction('ordersClientLink', 'orders', async (ctx, { orderId }, staff) => {
    const bot = ctx.deps.config.CLIENT_BOT_USERNAME;
    if (!bot) return void (await notice(ctx, T.clientLinkRefusal.no_bot, true));
    const result = await clientLinkForStaff(ctx.deps.dispatch, actorOf(staff), orderId);
    if (result.kind === 'not_shareable')
      return void (await notice(ctx, T.clientLinkRefusal.not_shareable, true));
    if (result.kind !== 'ok') return void (await refuseOrder(ctx, staff, orderId));
    await ctx.answerCbQuery();
    const link = clientDeepLink(bot, result.token)!;
    const at = (d: Date) => formatDateTime(d, result.timezone);
    await ctx.reply(
      T.clientLink(orderId, link, at(result.expiresAt), result.openedAt ? at(result.openedAt) : null),
      {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        reply_markup: inlineKeyboard([
          [copyButton(T.buttons.copyLink, `https://${link}`)],
          toCardRow(orderId),
        ]),
      },
    );
  }),
);
