import { safeEdit } from '@fs/telegram';
import type { Context } from 'telegraf';
import type { InlineKeyboardMarkup, MessageEntity } from 'telegraf/types';

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
