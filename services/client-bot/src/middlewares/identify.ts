import { markReachableAgain } from '@fs/db';
import type { MiddlewareFn } from 'telegraf';
import type { ClientContext } from '../context';
import { loadClientChat } from '../queries/orders';

/**
 * Loads this chat's client record once per update (`ctx.client`); every handler reads it from
 * there. A chat the sender marked unreachable (the client blocked the bot) writes again: it is
 * reachable again.
 */
export const identify: MiddlewareFn<ClientContext> = async (ctx, next) => {
  if (ctx.chat?.type === 'private') {
    const client = await loadClientChat(ctx.deps.db, ctx.chat.id);
    if (client?.unreachable_at) {
      await markReachableAgain(ctx.deps.db, 'client', ctx.chat.id);
      client.unreachable_at = null;
    }
    ctx.client = client;
  }
  return next();
};

/** Reads the chat again after this update changed it (opened a link, shared the phone, opted out). */
export async function reloadClient(ctx: ClientContext): Promise<ClientContext['client']> {
  ctx.client = ctx.chat ? await loadClientChat(ctx.deps.db, ctx.chat.id) : undefined;
  return ctx.client;
}
