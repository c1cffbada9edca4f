import type { Logger } from '@fs/observability';
import type { Context, MiddlewareFn } from 'telegraf';

/** `/cmd` or `/cmd@this_bot` (a command for another bot in the same group is not ours). */
function isCommandForMe(text: string, botUsername: string | undefined): boolean {
  const m = /^\/[A-Za-z0-9_]+(?:@([A-Za-z0-9_]+))?(?:\s|$)/.exec(text);
  if (!m) return false;
  return m[1] === undefined || m[1].toLowerCase() === botUsername?.toLowerCase();
}

/**
 * The bots talk to people only in private chats: menus, cards with phones and addresses, and
 * access codes never touch a group. Put first after the metrics middleware. In a group or
 * supergroup a command for this bot and a button press get `refusal` (nothing else runs);
 * anything else there (chatter, channel posts, the bot being added) is ignored without a word,
 * so the staff alert chats the sender posts to stay send-only (the bot stays a member).
 */
export function privateOnly<C extends Context>(refusal: string, logger?: Logger): MiddlewareFn<C> {
  return async (ctx, next) => {
    if (ctx.chat?.type === 'private') return next();
    if (ctx.callbackQuery) {
      logger?.info({ user_id: ctx.from?.id, chat_id: ctx.chat?.id }, 'button pressed outside a private chat');
      await ctx.answerCbQuery(refusal, { show_alert: true });
      return;
    }
    const msg = ctx.message;
    const text = msg && 'text' in msg ? msg.text : undefined;
    if (ctx.chat && text !== undefined && isCommandForMe(text, ctx.botInfo?.username)) {
      logger?.info({ user_id: ctx.from?.id, chat_id: ctx.chat.id }, 'command outside a private chat refused');
      await ctx.reply(refusal);
    }
  };
}
