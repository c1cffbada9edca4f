import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import { type CallbackArgs, type CallbackName, encode } from './callback-data';

/** An inline button whose callback data goes through the codec (never a hand-built string). */
export function cbButton<N extends CallbackName>(
  text: string,
  name: N,
  args: CallbackArgs<N>,
): InlineKeyboardButton.CallbackButton {
  return { text, callback_data: encode(name, args) };
}

export function urlButton(text: string, url: string): InlineKeyboardButton.UrlButton {
  return { text, url };
}

/** Rows of buttons → reply_markup. */
export function inlineKeyboard(rows: readonly (readonly InlineKeyboardButton[])[]): InlineKeyboardMarkup {
  return { inline_keyboard: rows.map((r) => [...r]) };
}

/** `reply_markup` that removes a message's inline keyboard when passed to an edit. */
export const NO_KEYBOARD: InlineKeyboardMarkup = { inline_keyboard: [] };

/** The push's offer buttons: accept and decline in one row. */
export function offerKeyboard(
  offerId: number,
  labels: { accept: string; decline: string },
): InlineKeyboardMarkup {
  return inlineKeyboard([
    [
      cbButton(labels.accept, 'offerAccept', { offerId }),
      cbButton(labels.decline, 'offerDecline', { offerId }),
    ],
  ]);
}

/** Decline confirmation: "yes, decline" and "back" (restores the offer buttons). */
export function declineConfirmKeyboard(
  offerId: number,
  labels: { confirm: string; back: string },
): InlineKeyboardMarkup {
  return inlineKeyboard([
    [
      cbButton(labels.confirm, 'offerDeclineConfirm', { offerId }),
      cbButton(labels.back, 'offerDeclineCancel', { offerId }),
    ],
  ]);
}
