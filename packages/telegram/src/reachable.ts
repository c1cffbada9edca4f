import type { Context, MiddlewareFn } from 'telegraf';

/**
 * Runs `onContact` for every update from a user before handling it: the bots use it to clear
 * the "unreachable" flag of someone who unblocked the bot. A failure never blocks the update.
 */
export function onUserContact<C extends Context>(
  onContact: (tgUserId: number) => Promise<unknown>,
  onError: (err: unknown) => void = () => {},
): MiddlewareFn<C> {
  return async (ctx, next) => {
    if (ctx.from && !ctx.from.is_bot) await onContact(ctx.from.id).catch(onError);
    return next();
  };
}
