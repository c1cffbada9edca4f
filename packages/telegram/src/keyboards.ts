import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';

export function urlButton(text: string, url: string): InlineKeyboardButton.UrlButton {
  return { text, url };
}

/** Rows of buttons → reply_markup. */
export function inlineKeyboard(rows: readonly (readonly InlineKeyboardButton[])[]): InlineKeyboardMarkup {
  return { inline_keyboard: rows.map((r) => [...r]) };
}

/** `reply_markup` that removes a message's inline keyboard when passed to an edit. */
export const NO_KEYBOARD: InlineKeyboardMarkup = { inline_keyboard: [] };
