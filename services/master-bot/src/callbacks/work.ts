import { action, idArg, intArg, oneOfArg } from '@fs/telegram';

/** Master bot: offers, menu, shift, new and active orders. */
export const MASTER_CALLBACKS = {
  offerAccept: action('m:oa', { offerId: idArg }),
  offerDecline: action('m:od', { offerId: idArg }),
  offerDeclineConfirm: action('m:odc', { offerId: idArg }),
  offerDeclineCancel: action('m:odn', { offerId: idArg }),
  masterMenu: action('m:menu', {}),
  shiftOn: action('m:shon', {}),
  shiftOff: action('m:shoff', {}),
  breakMenu: action('m:brk', {}),
  breakStart: action('m:brks', { d: oneOfArg(['15m', '1h', '2h']) }),
  breakEnd: action('m:brkok', {}),
  breakExtendMenu: action('m:brkx', {}),
  breakExtend: action('m:brkxs', { d: oneOfArg(['15m', '1h', '2h']) }),
  offersList: action('m:new', { page: intArg(0, 999) }),
  offerCard: action('m:newc', { offerId: idArg, page: intArg(0, 999) }),
  activeList: action('m:act', {}),
  activeCard: action('m:actc', { orderId: idArg }),
  activeEnRoute: action('m:acte', { orderId: idArg }),
  activeWorking: action('m:actw', { orderId: idArg }),
  activeClose: action('m:actx', { orderId: idArg }),
  wizardCancel: action('m:cancel', {}),
  /** Closing: the amount and its commission are right (then, if far above usual, sure?). */
  closeAmountOk: action('m:clok', { orderId: idArg }),
  closeAmountSure: action('m:clsu', { orderId: idArg }),
  /** Closing: type the amount again. */
  closeAmountEdit: action('m:cled', { orderId: idArg }),
} as const;
