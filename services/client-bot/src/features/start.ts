import { openClientLink } from '@fs/dispatch';
import { Composer } from 'telegraf';
import type { ClientContext } from '../context';
import { contactKeyboard, ordersKeyboard } from '../keyboards';
import { reloadClient } from '../middlewares/identify';
import { listClientOrders } from '../queries/orders';
import { texts } from '../texts';
import { chatOrder, replyCard } from './order-card';

/**
 * /start <token> from the SMS (or the link staff sent): binds this chat to the order and shows
 * it, then offers the contact button so later orders come here. /start alone lists the chat's
 * orders.
 */
export const start = new Composer<ClientContext>();

start.start(async (ctx) => {
  const token = ctx.payload.trim();
  if (!token) {
    const orders = await listClientOrders(ctx.deps.db, ctx.chat.id);
    if (orders.length === 0) return ctx.reply(texts.start.plain);
    return ctx.reply(texts.start.orders, { reply_markup: ordersKeyboard(orders) });
  }
  const opened = await openClientLink(ctx.deps.db, {
    token,
    chatId: ctx.chat.id,
    tgUserId: ctx.from.id,
    firstName: ctx.from.first_name,
  });
  ctx.deps.logger.info({ chat_id: ctx.chat.id, outcome: opened.kind }, 'client link opened');
  switch (opened.kind) {
    case 'not_found':
      return ctx.reply(texts.start.notFound);
    case 'expired':
      return ctx.reply(texts.start.expired);
    case 'other_chat':
      return ctx.reply(texts.start.otherChat);
  }
  const client = await reloadClient(ctx);
  await ctx.reply(opened.firstTime ? texts.start.welcome(opened.orderId) : texts.start.again(opened.orderId));
  const order = await chatOrder(ctx, opened.orderId);
  if (order) await replyCard(ctx, order);
  if (!client?.phone) await ctx.reply(texts.start.askContact, { reply_markup: contactKeyboard });
});
