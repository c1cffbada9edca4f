import type { MiddlewareFn } from 'telegraf';
import type { ClientContext } from '../context';
import { texts } from '../texts';

/**
 * The client bot talks to one person at a time: in a group or channel a button press gets one
 * refusal, a command one short reply, and nothing else runs (no order is shown to a group).
 */
export const privateOnly: MiddlewareFn<ClientContext> = async (ctx, next) => {
  if (!ctx.chat || ctx.chat.type === 'private') return next();
  if (ctx.callbackQuery) {
    await ctx.answerCbQuery(texts.privateOnly);
    return;
  }
  const text = ctx.message && 'text' in ctx.message ? ctx.message.text : '';
  if (text.startsWith('/')) await ctx.reply(texts.privateOnly);
};
