import { Composer, type Context, type MiddlewareFn } from 'telegraf';
import type { Actions, ArgsOf, CallbackCodec } from './callback-data';

/**
 * A bot's button handlers behind its own check of who may press them. `R` is the bot's rule
 * (a staff capability, a master access level), `W` who pressed (the staff member, the master).
 */
export interface GuardedButtons<C extends Context, D extends Actions, R, W> {
  /** Routes button `name` to `handler` when the user passes `rule`; the handler answers the button. */
  action<N extends keyof D & string>(
    name: N,
    rule: R,
    handler: (ctx: C, args: ArgsOf<D, N>, who: W) => Promise<unknown> | unknown,
  ): MiddlewareFn<C>;
  /** A button that only shows a screen: answered at once (no alert), then `show`. */
  screen<N extends keyof D & string>(
    name: N,
    rule: R,
    show: (ctx: C, args: ArgsOf<D, N>, who: W) => Promise<unknown>,
  ): MiddlewareFn<C>;
  /**
   * A paged screen with a menu entry: the `entry` button shows what `list` shows for `first`
   * (its first page), the `list` buttons (pager, filters, ⬅️ Назад) what they carry.
   */
  pages<L extends keyof D & string>(
    entry: keyof D & string,
    list: L,
    rule: R,
    first: ArgsOf<D, L>,
    show: (ctx: C, args: ArgsOf<D, L>, who: W) => Promise<unknown>,
  ): MiddlewareFn<C>;
}

/**
 * The button handlers of a bot whose `allow(ctx, rule)` returns who pressed, or `undefined`
 * after answering the refusal itself (each bot words its own refusals).
 */
export function guardedButtons<C extends Context, D extends Actions, R, W>(
  codec: CallbackCodec<D>,
  allow: (ctx: C, rule: R) => Promise<W | undefined> | W | undefined,
): GuardedButtons<C, D, R, W> {
  const buttons: GuardedButtons<C, D, R, W> = {
    action: (name, rule, handler) =>
      codec.on(name, async (ctx: C, args) => {
        const who = await allow(ctx, rule);
        if (who !== undefined) await handler(ctx, args, who);
      }),
    screen: (name, rule, show) =>
      buttons.action(name, rule, async (ctx, args, who) => {
        await ctx.answerCbQuery();
        await show(ctx, args, who);
      }),
    pages: (entry, list, rule, first, show) =>
      Composer.compose([
        buttons.screen(entry, rule, (ctx, _args, who) => show(ctx, first, who)),
        buttons.screen(list, rule, show),
      ]),
  };
  return buttons;
}
