import type { InlineKeyboardButton, ReplyKeyboardMarkup } from 'telegraf/types';
import { cbButton } from '../callbacks';
import type { ClientOrderView } from '../queries/orders';
import { feedbackAsks, texts } from '../texts';

type Rows = InlineKeyboardButton[][];

/** ⭐ 1–5 and Да / Нет for what the order still asks. */
export function feedbackRows(o: ClientOrderView): Rows {
  const asks = feedbackAsks(o);
  const rows: Rows = [];
  if (asks.stars)
    rows.push([1, 2, 3, 4, 5].map((n) => cbButton(texts.star(n), 'rate', { orderId: o.id, stars: n })));
  if (asks.amount)
    rows.push([
      cbButton(texts.amountYes, 'amount', { orderId: o.id, answer: 'y' }),
      cbButton(texts.amountNo, 'amount', { orderId: o.id, answer: 'n' }),
    ]);
  return rows;
}

/** The order card's buttons: feedback while asked, refresh, notices off (or on again). */
export function orderKeyboard(o: ClientOrderView, optedOut: boolean): { inline_keyboard: Rows } {
  return {
    inline_keyboard: [
      ...feedbackRows(o),
      [cbButton(texts.status.refresh, 'refresh', { orderId: o.id })],
      [
        optedOut
          ? cbButton(texts.notices.turnOn, 'optIn', { orderId: o.id })
          : cbButton(texts.notices.turnOff, 'optOut', { orderId: o.id }),
      ],
    ],
  };
}

export function turnOnKeyboard(orderId: number): { inline_keyboard: Rows } {
  return { inline_keyboard: [[cbButton(texts.notices.turnOn, 'optIn', { orderId })]] };
}

/** The chat's orders as buttons that open their cards. */
export function ordersKeyboard(orders: ClientOrderView[]): { inline_keyboard: Rows } {
  return { inline_keyboard: orders.map((o) => [cbButton(`Заказ №${o.id}`, 'status', { orderId: o.id })]) };
}

/** The reply keyboard with the contact button (Telegram sends the user's own, verified number). */
export const contactKeyboard: ReplyKeyboardMarkup = {
  keyboard: [[{ text: texts.contact.button, request_contact: true }]],
  resize_keyboard: true,
  one_time_keyboard: true,
};
