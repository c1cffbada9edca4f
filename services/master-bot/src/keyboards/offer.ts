import { OFFER_BUTTONS, offerAnswerRow } from '@fs/domain';
import { inlineKeyboard } from '@fs/telegram';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { cbButton } from '../callbacks';

/** The push's answer row (one definition in domain templates), alone: what "back" restores. */
export function offerKeyboard(offerId: number, accept: string = OFFER_BUTTONS.accept): InlineKeyboardMarkup {
  return inlineKeyboard([offerAnswerRow(offerId, accept)]);
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
