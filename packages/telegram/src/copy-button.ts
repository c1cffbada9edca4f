import type { InlineKeyboardButton } from 'telegraf/types';

/** Telegram's limit on the text a copy button puts on the clipboard. */
export const COPY_TEXT_MAX = 256;

/**
 * Bot API 7.11 `copy_text` button: a tap copies `value` to the user's clipboard (no callback,
 * no bot round trip). telegraf 4.16's bundled types stop at Bot API 7.1, hence the cast; the
 * button goes into keyboards like any other inline button.
 */
export function copyButton(text: string, value: string): InlineKeyboardButton {
  const clip = Array.from(value).slice(0, COPY_TEXT_MAX).join('');
  return { text, copy_text: { text: clip } } as unknown as InlineKeyboardButton;
}
