import { type ArgsOf, callbackCodec } from '@fs/telegram';
import { ADMIN_MASTERS_CALLBACKS } from './masters';
import { ADMIN_CALLBACKS } from './menu';
import { ADMIN_OPS_CALLBACKS } from './ops';
import { ADMIN_ORDER_CREATE_CALLBACKS } from './order-create';
import { ADMIN_ORDERS_CALLBACKS } from './orders';

/**
 * Every inline-button action of the admin bot (codes `a:…`), one file per section.
 * Adding an action is one line in its section's file; the codec is @fs/telegram's.
 */
export const cb = callbackCodec(
  'admin',
  ADMIN_CALLBACKS,
  ADMIN_ORDER_CREATE_CALLBACKS,
  ADMIN_ORDERS_CALLBACKS,
  ADMIN_MASTERS_CALLBACKS,
  ADMIN_OPS_CALLBACKS,
);

type Defs = typeof cb.actions;
export type CallbackName = keyof Defs & string;
export type CallbackArgs<N extends CallbackName> = ArgsOf<Defs, N>;
export const { encode, decode, button: cbButton, on: onCallback, of: callbackOf } = cb;
