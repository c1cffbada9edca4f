import {
  action,
  type CallbackArgsOf,
  type CallbackNameOf,
  callbackCodec,
  idArg,
  intArg,
  oneOfArg,
} from '@fs/telegram';

/**
 * Every inline-button action of the client bot (codes `c:…`). The notices the sender renders
 * (@fs/domain CLIENT_CALLBACKS) use the same codes; a test checks they agree.
 */
export const cb = callbackCodec('client', {
  /** ⭐ 1–5 under the feedback request. */
  rate: action('c:rs', { orderId: idArg, stars: intArg(1, 5) }),
  /** "Сумма к оплате была N ₽?" — y / n. */
  amount: action('c:ra', { orderId: idArg, answer: oneOfArg(['y', 'n']) }),
  /** 🔕 under a notice: no more notices (this chat, its phone and the order's phone). */
  optOut: action('c:off', { orderId: idArg }),
  /** 🔔 notices on again; orderId 0 when the client typed STOP outside any order. */
  optIn: action('c:on', { orderId: intArg(0, 2_147_483_647) }),
  /** 📋 under a notice: the order's status as a new message. */
  status: action('c:st', { orderId: idArg }),
  /** 🔄 on the status card: the same card, refreshed in place. */
  refresh: action('c:rf', { orderId: idArg }),
});

export type CallbackName = CallbackNameOf<typeof cb>;
export type CallbackArgs<N extends CallbackName> = CallbackArgsOf<typeof cb, N>;
export const { encode, decode, button: cbButton, on: onCallback } = cb;
