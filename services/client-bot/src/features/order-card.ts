import { safeEdit } from '@fs/telegram';
import type { ClientContext } from '../context';
import { orderKeyboard } from '../keyboards';
import { type ClientOrderView, loadClientOrder } from '../queries/orders';
import { texts } from '../texts';

/** The order as this chat may see it (bound to it), or undefined. */
export function chatOrder(ctx: ClientContext, orderId: number): Promise<ClientOrderView | undefined> {
  return loadClientOrder(ctx.deps.db, ctx.chat!.id, orderId);
}

const optedOut = (ctx: ClientContext) => Boolean(ctx.client?.opted_out_at);

/** Sends the order card as a new message. */
export async function replyCard(ctx: ClientContext, o: ClientOrderView): Promise<void> {
  await ctx.reply(texts.status.card(o, new Date()), {
    parse_mode: 'HTML',
    reply_markup: orderKeyboard(o, optedOut(ctx)),
  });
}

/** Edits the pressed message into the order card (a notice or an older card). */
export async function editCard(ctx: ClientContext, o: ClientOrderView): Promise<void> {
  await safeEdit(ctx, texts.status.card(o, new Date()), {
    parse_mode: 'HTML',
    reply_markup: orderKeyboard(o, optedOut(ctx)),
  });
}
