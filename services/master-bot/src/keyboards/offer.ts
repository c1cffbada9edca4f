import { inlineKeyboard } from '@fs/telegram';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { cbButton } from '../callbacks';

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
