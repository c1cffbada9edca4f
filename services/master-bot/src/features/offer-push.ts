import { closedOffer } from '@fs/dispatch';
import { OFFER_CLOSED_LINES, type OfferClosedReason, renderNotification } from '@fs/domain';
import { safeEdit } from '@fs/telegram';
import type { Context } from 'telegraf';
import type { InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity } from 'telegraf/types';
import { decode } from '../callbacks';
import type { MasterContext } from '../context';

/**
 * Edits the push a callback came from while keeping its formatting: the message's own
 * entities are sent back (no parse_mode), and text is only removed from or added to the end,
 * so entity offsets stay valid.
 */
export async function editPush(
  ctx: Context,
  change: { strip?: string; append?: string; markup?: InlineKeyboardMarkup },
): Promise<void> {
  const msg = ctx.callbackQuery?.message;
  if (!msg || !('text' in msg)) return;
  let text = msg.text;
  if (change.strip && text.endsWith(change.strip)) text = text.slice(0, -change.strip.length);
  if (change.append && !text.endsWith(change.append)) text += change.append;
  const entities = (msg.entities ?? []).filter((e: MessageEntity) => e.offset + e.length <= text.length);
  await safeEdit(ctx, text, { entities, reply_markup: change.markup ?? { inline_keyboard: [] } });
}

const OFFER_ACTIONS = new Set(['offerAccept', 'offerDecline', 'offerDeclineConfirm', 'offerDeclineCancel']);

/**
 * The rows of the tapped message's keyboard other than the offer's own buttons: nothing under
 * a push, ⬅️ Назад / 🏠 Меню under the offer card of 🆕 Новые заказы. They stay through the
 * confirmation and after the answer, so the card never strands the master.
 */
export function navigationRows(ctx: MasterContext): InlineKeyboardButton[][] {
  const msg = ctx.callbackQuery?.message;
  const rows = msg && 'reply_markup' in msg ? (msg.reply_markup?.inline_keyboard ?? []) : [];
  return rows.filter(
    (row) =>
      !row.some((b) => {
        const name = 'callback_data' in b ? decode(b.callback_data)?.name : undefined;
        return name !== undefined && OFFER_ACTIONS.has(name);
      }),
  );
}

export const withNavigation = (ctx: MasterContext, markup?: InlineKeyboardMarkup): InlineKeyboardMarkup => ({
  inline_keyboard: [...(markup?.inline_keyboard ?? []), ...navigationRows(ctx)],
});

/**
 * A button of a copy whose offer can no longer be answered (taken by another master, expired,
 * withdrawn, cancelled, declined): the answer says why, and THIS copy (the callback's message,
 * which may be one the sender never learned of, e.g. after a send that timed out) is closed
 * with the same line the sender's `offer_closed` edit uses. A push becomes exactly the message
 * the recorded copy is edited into; the offer card of 🆕 Новые заказы keeps its text and its
 * navigation, with the line added. `fallback` is the reason when the offer looks open again by
 * now (it cannot reopen: only a clock edge).
 */
export async function closeStaleCopy(
  ctx: MasterContext,
  offerId: number,
  fallback: OfferClosedReason,
  opts: { strip?: string } = {},
): Promise<void> {
  const closed = await closedOffer(ctx.deps.db, offerId);
  const reason = closed?.reason ?? fallback;
  const line = OFFER_CLOSED_LINES[reason];
  await ctx.answerCbQuery(line, { show_alert: true });
  const navigation = navigationRows(ctx);
  if (closed && navigation.length === 0) {
    const { text } = renderNotification('offer_closed', closed.payload, ctx.deps.now());
    await safeEdit(ctx, text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: [] } });
    return;
  }
  await editPush(ctx, {
    ...(opts.strip ? { strip: opts.strip } : {}),
    append: `\n\n${line}`,
    markup: { inline_keyboard: navigation },
  });
}
