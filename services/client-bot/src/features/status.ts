import { Composer } from 'telegraf';
import { onCallback } from '../callbacks';
import type { ClientContext } from '../context';
import { texts } from '../texts';
import { chatOrder, editCard, replyCard } from './order-card';

/** 📋 under a notice (a new card) and 🔄 on the card (refreshed in place): only this chat's orders. */
export const status = new Composer<ClientContext>();

status.use(
  onCallback('status', async (ctx: ClientContext, { orderId }) => {
    const o = await chatOrder(ctx, orderId);
    if (!o) return ctx.answerCbQuery(texts.status.notFound, { show_alert: true });
    await ctx.answerCbQuery();
    await replyCard(ctx, o);
  }),
  onCallback('refresh', async (ctx: ClientContext, { orderId }) => {
    const o = await chatOrder(ctx, orderId);
    if (!o) return ctx.answerCbQuery(texts.status.notFound, { show_alert: true });
    await ctx.answerCbQuery();
    await editCard(ctx, o);
  }),
);
