import { setClientNotices } from '@fs/dispatch';
import { isStopRequest } from '@fs/sms';
import { Composer } from 'telegraf';
import { message } from 'telegraf/filters';
import { onCallback } from '../callbacks';
import type { ClientContext } from '../context';
import { turnOnKeyboard } from '../keyboards';
import { reloadClient } from '../middlewares/identify';
import { texts } from '../texts';

/**
 * 🔕 under any notice (or "STOP" typed here): no more notices, in Telegram or by SMS. 🔔 turns
 * them on again. Refused for an order that is not this chat's (nothing changes).
 */
export const notices = new Composer<ClientContext>();

async function switchNotices(ctx: ClientContext, enabled: boolean, orderId?: number): Promise<void> {
  await setClientNotices(ctx.deps.db, { chatId: ctx.chat!.id, enabled, ...(orderId ? { orderId } : {}) });
  await reloadClient(ctx);
  ctx.deps.logger.info({ chat_id: ctx.chat!.id, order_id: orderId, enabled }, 'client notices switched');
}

notices.use(
  onCallback('optOut', async (ctx: ClientContext, { orderId }) => {
    await switchNotices(ctx, false, orderId);
    await ctx.answerCbQuery(texts.notices.offToast);
    await ctx.reply(texts.notices.off, { reply_markup: turnOnKeyboard(orderId) });
  }),
  onCallback('optIn', async (ctx: ClientContext, { orderId }) => {
    await switchNotices(ctx, true, orderId || undefined);
    await ctx.answerCbQuery(texts.notices.onToast);
    await ctx.reply(texts.notices.on);
  }),
);

notices.on(message('text'), async (ctx, next) => {
  if (!isStopRequest(ctx.message.text)) return next();
  if (!ctx.client) return ctx.reply(texts.fallback);
  await switchNotices(ctx, false);
  await ctx.reply(texts.notices.off, { reply_markup: turnOnKeyboard(0) });
});
